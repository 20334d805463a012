# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routed (flannel-style) VXLAN peers: for each peer host, an FDB entry (its VTEP MAC -> its underlay address),
a permanent neighbour (its VTEP address -> its VTEP MAC) and a route (its subnet via its VTEP address, onlink).
The device holds exactly these: entries of peers no longer listed are removed. Built from the fdb, neighbor and
route kinds."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import kind_of, lookup
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import fdb, neighbor, route


class VxlanPeers(object):
    """A batch (see _reconcile.batch_main): validates all peers first, then offers the resources."""

    def __init__(self, nl, params, check_mode):
        self.nl, self.check_mode = nl, check_mode
        self.interface = _validate.ifname('interface', params['interface'])
        self.netns = _validate.netns('netns', params.get('netns'))
        self.peers = []
        for i, p in enumerate(params.get('peers') or []):
            opt = 'peers[%d].' % i
            self.peers.append(dict(
                underlay=_validate.unicast_ip(opt + 'underlay', p.get('underlay')),
                mac=_validate.mac(opt + 'mac', p.get('mac')),
                address=_validate.unicast_ip(opt + 'address', p.get('address')),
                subnet=_validate.network(opt + 'subnet', p.get('subnet'))))
        for key in ('underlay', 'mac', 'address', 'subnet'):
            _validate.unique('peers[].' + key, [p[key] for p in self.peers])

    def on_device(self, params):
        return dict(params, interface=self.interface, netns=self.netns)

    def resources(self):
        wanted = []
        for p in self.peers:
            wanted += [
                fdb.Fdb(self.nl, self.on_device({'mac': p['mac'], 'dst': p['underlay'], 'self': True}), self.check_mode),
                neighbor.Neighbor(self.nl, self.on_device({'ip': p['address'], 'mac': p['mac']}), self.check_mode),
                route.Route(self.nl, dict(netns=self.netns, dst=p['subnet'], gateway=p['address'], dev=self.interface,
                                          onlink=True), self.check_mode)]
        return self.stale() + wanted

    def stale(self):
        """Absent resources for what the device holds for peers no longer listed."""
        if not self.nl.exists(self.netns):
            return []
        ipr = self.nl.ipr(self.netns)
        dev = lookup(ipr, self.interface)
        if dev is None:
            return []
        if kind_of(dev) != 'vxlan':
            raise _validate.InvalidInput('interface', self.interface, 'is a %s, not a vxlan' % kind_of(dev))
        index, gone = dev['index'], []
        macs = set(p['mac'] for p in self.peers)
        for msg in ipr.fdb('dump', ifindex=index):
            mac = msg.get_attr('NDA_LLADDR')
            if msg['ifindex'] == index and msg.get_attr('NDA_DST') and mac != fdb.FLOOD_MAC and mac not in macs:
                gone.append(fdb.Fdb(self.nl, self.on_device({'mac': mac, 'dst': msg.get_attr('NDA_DST'), 'self': True,
                                                            'state': 'absent'}), self.check_mode))
        addresses = set(p['address'] for p in self.peers)
        for entry in neighbor.read_all(ipr, index):
            if entry['state'] == 'permanent' and entry['ip'] not in addresses:
                gone.append(neighbor.Neighbor(self.nl, self.on_device({'ip': entry['ip'], 'state': 'absent'}), self.check_mode))
        subnets = set(p['subnet'] for p in self.peers)
        for family in (socket.AF_INET, socket.AF_INET6):
            for msg in ipr.get_routes(family=family):
                r = route.describe(ipr, msg)
                if r['dev'] == self.interface and r['gateway'] and r['dst'] not in subnets:
                    gone.append(route.Route(self.nl, dict(netns=self.netns, dst=r['dst'], gateway=r['gateway'],
                                                          dev=self.interface, table=r['table'], metric=r['metric'],
                                                          state='absent'), self.check_mode))
        return gone

    def summarize(self, results):
        def entries(key):
            return [r[key] for r in results if r[key]]
        return dict(entries=entries('before')), dict(entries=entries('after'))
