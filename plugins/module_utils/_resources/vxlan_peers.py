# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routed (flannel-style) VXLAN peers: for each peer host, an FDB entry (its VTEP MAC -> its underlay address),
and per IP family a permanent neighbour (its VTEP address -> its VTEP MAC) and a route (its subnet via its VTEP
address, onlink).
The device holds exactly these: entries of peers no longer listed are removed. Built from the fdb, neighbor and
route kinds."""

import ipaddress
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
            peer = dict(underlay=_validate.unicast_ip(opt + 'underlay', p.get('underlay')),
                        mac=_validate.mac(opt + 'mac', p.get('mac')), routes=[])
            for version, suffix in ((4, ''), (6, '6')):
                address, subnet = p.get('address' + suffix), p.get('subnet' + suffix)
                if address is None and subnet is None:
                    continue
                if address is None or subnet is None:
                    missing = 'address' + suffix if address is None else 'subnet' + suffix
                    raise _validate.InvalidInput(opt + missing, None, 'address%s and subnet%s go together' % (suffix, suffix))
                address = _validate.unicast_ip(opt + 'address' + suffix, address, version)
                subnet = _validate.network(opt + 'subnet' + suffix, subnet)
                if ipaddress.ip_network(subnet).version != version:
                    raise _validate.InvalidInput(opt + 'subnet' + suffix, subnet, 'expected an IPv%d network' % version)
                peer['routes'].append((address, subnet))
            if not peer['routes']:
                raise _validate.InvalidInput(opt + 'subnet', None,
                                             'a peer needs address and subnet, address6 and subnet6, or both')
            self.peers.append(peer)
        _validate.unique('peers[].underlay', [p['underlay'] for p in self.peers])
        _validate.unique('peers[].mac', [p['mac'] for p in self.peers])
        _validate.unique('peers[].address', [a for p in self.peers for a, _s in p['routes']])
        _validate.unique('peers[].subnet', [s for p in self.peers for _a, s in p['routes']])

    def on_device(self, params):
        return dict(params, interface=self.interface, netns=self.netns)

    def resources(self, fresh=False):
        wanted = []
        for p in self.peers:
            wanted.append(fdb.Fdb(self.nl, self.on_device({'mac': p['mac'], 'dst': p['underlay'], 'self': True}),
                                  self.check_mode))
            for address, subnet in p['routes']:
                wanted += [
                    neighbor.Neighbor(self.nl, self.on_device({'ip': address, 'mac': p['mac']}), self.check_mode),
                    route.Route(self.nl, dict(netns=self.netns, dst=subnet, gateway=address, dev=self.interface,
                                              onlink=True), self.check_mode)]
        return ([] if fresh else self.stale()) + wanted

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
        addresses = set(a for p in self.peers for a, _s in p['routes'])
        for entry in neighbor.read_all(ipr, index):
            if entry['state'] == 'permanent' and entry['ip'] not in addresses:
                gone.append(neighbor.Neighbor(self.nl, self.on_device({'ip': entry['ip'], 'state': 'absent'}), self.check_mode))
        subnets = set(s for p in self.peers for _a, s in p['routes'])
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
