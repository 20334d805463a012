# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VXLAN side of a bridge network that spans hosts (the bridge_network module's option 'vxlan').

l2: the VXLAN device is a port of the bridge, learns, and floods to every peer (one flood entry per peer): all
hosts share one subnet. l3 (flannel's scheme): the device is not a port; it holds this host's VTEP address, and
per peer an FDB entry, a permanent neighbour and a route to the peer's subnet (vxlan_peers). VTEP MACs and
addresses are derived from what every host knows: MAC from (underlay, VNI), address = the subnet's own address.

The device carries the network's mark. A marked device whose name, VNI, port, mode or underlay differs from what
is wanted is deleted before the new one is made, so a bridge never has two VXLAN ports of one network.
"""

import ipaddress

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import kind_of, where
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import address
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import stable_mac
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.vxlan import Vxlan
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.vxlan_peers import VxlanPeers

OVERHEAD = {4: 50, 6: 70}  # outer IP + UDP + VXLAN + inner Ethernet headers
IDENTITY = ('name', 'vni', 'dstport', 'local', 'dev', 'master')  # a change of any replaces the device


def vtep(subnet):
    """The VTEP address of the host that owns 'subnet' (flannel's choice: the subnet's own address)."""
    net = ipaddress.ip_network(subnet)
    return str(net.network_address)


def stale_devices(net, wanted=None):
    """Absent resources for the network's VXLAN devices (marked as its own) that are not the 'wanted' one (the
    params of the device that should exist, or None)."""
    gone = []
    for msg in net.host_links():
        if msg.get_attr('IFLA_IFALIAS') not in net.marks or kind_of(msg) != 'vxlan':
            continue
        device = Vxlan(net.nl, dict(name=msg.get_attr('IFLA_IFNAME'), netns=net.netns, state='absent'), net.check_mode)
        have = device.describe(msg)
        if wanted is None or any(have.get(k) != wanted.get(k) for k in IDENTITY):
            gone.append(device)
    return gone


class Overlay(object):
    """Validated 'vxlan' options; resources() gives the kinds that make them true."""

    def __init__(self, net, p):
        self.net = net
        self.vni = _validate.vni('vxlan.vni', p.get('vni'))
        if self.vni is None:
            raise _validate.InvalidInput('vxlan.vni', None, 'a VXLAN needs its VNI (1 to 16777215)')
        self.port = _validate.port('vxlan.port', p.get('port') if p.get('port') is not None else 4789)
        self.name = _validate.ifname('vxlan.name', p.get('name') or 'vx%d' % self.vni)
        self.local = _validate.unicast_ip('vxlan.local', p.get('local'))
        self.version = ipaddress.ip_address(self.local).version
        self.dev = _validate.ifname('vxlan.dev', p['dev']) if p.get('dev') is not None else None
        self.mode = p.get('mode') or 'l2'
        if self.mode not in ('l2', 'l3'):
            raise _validate.InvalidInput('vxlan.mode', self.mode, 'expected one of l2, l3')
        self.restrict = p.get('restrict_peers', True) is not False
        self.peers = [self._peer(i, peer) for i, peer in enumerate(p.get('peers') or [])]
        _validate.unique('vxlan.peers[].underlay', [peer['underlay'] for peer in self.peers])

    def _peer(self, i, p):
        opt = 'vxlan.peers[%d].' % i
        peer = dict(underlay=_validate.unicast_ip(opt + 'underlay', p.get('underlay'), self.version))
        if peer['underlay'] == self.local:
            raise _validate.InvalidInput(opt + 'underlay', p.get('underlay'), 'that is this host (vxlan.local)')
        for family in self.net.families:
            key = 'subnet' if family.version == 4 else 'subnet6'
            if self.mode == 'l3' and p.get(key) is None:
                raise _validate.InvalidInput(opt + key, None, 'in l3 mode every peer needs its %s' % key)
            if p.get(key) is not None:
                subnet = ipaddress.ip_network(_validate.network(opt + key, p[key]))
                if subnet.version != family.version:
                    raise _validate.InvalidInput(opt + key, p[key], 'expected an IPv%d network' % family.version)
                peer[key] = str(subnet)
        return peer

    @property
    def overhead(self):
        return OVERHEAD[self.version]

    # --- what exists -----------------------------------------------------------------------------
    def underlay(self, ipr):
        """(dev, its MTU): the underlay interface, named or found as the one holding the local address."""
        for msg in ipr.get_links():
            name = msg.get_attr('IFLA_IFNAME')
            if self.dev == name or (self.dev is None and self.local in
                                    [a.split('/')[0] for a in address.read(ipr, msg['index'])]):
                return name, msg.get_attr('IFLA_MTU')
        if self.dev is not None:
            raise _validate.InvalidInput('vxlan.dev', self.dev, 'no such interface in %s' % where(self.net.netns))
        raise _validate.InvalidInput('vxlan.local', self.local, 'no interface of %s has this address; set vxlan.dev'
                                     % where(self.net.netns))

    def mtu(self, wanted):
        """The MTU of the device, the bridge and every endpoint: the underlay's minus the VXLAN overhead, or the
        one asked for if it fits."""
        if not self.net.nl.exists(self.net.netns):
            return wanted
        self.dev, dev_mtu = self.underlay(self.net.nl.ipr(self.net.netns))
        most = dev_mtu - self.overhead
        if wanted is not None and wanted > most:
            raise _validate.InvalidInput('mtu', wanted, 'too large for the overlay: %s has MTU %d and VXLAN over IPv%d '
                                         'adds %d bytes, so at most %d'
                                         % (self.dev, dev_mtu, self.version, self.overhead, most))
        return wanted or most

    # --- the resources ---------------------------------------------------------------------------
    def params(self):
        p = dict(name=self.name, netns=self.net.netns, vni=self.vni, dstport=self.port, local=self.local,
                 dev=self.dev, mtu=self.net.mtu, alias=self.net.mark, up=True, learning=self.mode == 'l2')
        if self.mode == 'l2':
            p.update(master=self.net.bridge, remotes=[peer['underlay'] for peer in self.peers])
        else:
            p.update(remotes=[], mac_address=stable_mac(self.local, self.vni), purge_addresses=True,
                     addresses=['%s/%d' % (vtep(f.subnet), f.subnet.max_prefixlen) for f in self.net.families])
        return p

    def device(self):
        return Vxlan(self.net.nl, self.params(), self.net.check_mode)

    def routed_peers(self, fresh):
        """l3: what the device holds for each peer (vxlan_peers); 'fresh' when the device is made in this run (it holds
        nothing stale)."""
        peers = []
        for peer in self.peers:
            entry = dict(underlay=peer['underlay'], mac=stable_mac(peer['underlay'], self.vni))
            for key, suffix in (('subnet', ''), ('subnet6', '6')):
                if key in peer:
                    entry.update({'address' + suffix: vtep(peer[key]), 'subnet' + suffix: peer[key]})
            peers.append(entry)
        batch = VxlanPeers(self.net.nl, dict(interface=self.name, netns=self.net.netns, peers=peers), self.net.check_mode)
        return batch.resources(fresh=fresh)
