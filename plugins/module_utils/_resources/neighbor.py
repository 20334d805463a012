# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Neighbour (ARP / NDP) entries. state=present means a permanent entry, as flannel sets for its peers."""

import ipaddress
import socket

from ansible_collections.linuxnet.fabric.plugins.module_utils import _netlink, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import where
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import OnInterface, Op

NUD = [(0x80, 'permanent'), (0x40, 'noarp'), (0x02, 'reachable'), (0x04, 'stale'), (0x08, 'delay'),
       (0x10, 'probe'), (0x20, 'failed'), (0x01, 'incomplete')]
NUD_PERMANENT, NUD_NOARP = 0x80, 0x40
NO_ADDRESS = 0x01 | 0x20  # incomplete, failed: no link-layer address yet


def state_name(state):
    return next((name for bit, name in NUD if state & bit), 'none')


def read_all(ipr, ifindex=None):
    """Neighbour entries as dicts (ip, mac, ifindex, state), without the kernel's NOARP multicast entries and
    without entries that have no link-layer address (incomplete, failed)."""
    found = []
    kwargs = dict(ifindex=ifindex) if ifindex else {}
    for msg in ipr.get_neighbours(**kwargs):
        dst, mac = msg.get_attr('NDA_DST'), msg.get_attr('NDA_LLADDR')
        if dst is None or mac is None or (ifindex and msg['ifindex'] != ifindex) or msg['state'] & NO_ADDRESS:
            continue
        if msg['state'] & NUD_NOARP and ipaddress.ip_address(dst).is_multicast:
            continue
        found.append(dict(ip=ipaddress.ip_address(dst).compressed, mac=mac, ifindex=msg['ifindex'],
                          state=state_name(msg['state'])))
    return found


class Neighbor(OnInterface):
    kind = 'neighbor'

    def __init__(self, nl, params, check_mode):
        super(Neighbor, self).__init__(nl, params, check_mode)
        p = params
        self.ip = _validate.unicast_ip('ip', p.get('ip'))
        self.mac = _validate.mac('mac', p['mac']) if p.get('mac') is not None else None
        if self.state == 'present' and self.mac is None:
            raise _validate.InvalidInput('mac', None, 'a permanent neighbour entry needs the link-layer address')

    @property
    def label(self):
        return 'neighbour %s on %s in %s' % (self.ip, self.interface, where(self.netns))

    def read(self):
        ipr, msg = self.interface_link()
        if msg is None:
            return None
        for entry in read_all(ipr, msg['index']):
            if entry['ip'] == self.ip:
                return dict(interface=self.interface, netns=self.netns, ip=self.ip, mac=entry['mac'],
                            state=entry['state'], permanent=entry['state'] == 'permanent')
        return None

    def plan(self, have):
        if self.state == 'absent':
            if have is None:
                return [], None
            if self.mac and have['mac'] != self.mac:  # only what is set is compared: not this entry
                return [], have
            return [self.op('del', have, 'remove %s (lladdr %s)' % (self.label, have['mac']))], None
        after = dict(interface=self.interface, netns=self.netns, ip=self.ip, mac=self.mac, state='permanent',
                     permanent=True)
        if have is None:
            return [self.op('replace', after, 'add %s: lladdr %s, permanent' % (self.label, self.mac))], after
        changed = ['%s %s -> %s' % (k, have[k], after[k]) for k in ('mac', 'state') if have[k] != after[k]]
        if not changed:
            return [], have
        return [self.op('replace', after, 'update %s (%s)' % (self.label, ', '.join(changed)))], after

    def op(self, command, entry, action):
        def apply():
            ipr = self.ipr(self.netns)
            kwargs = dict(dst=self.ip, ifindex=_netlink.lookup(ipr, self.interface)['index'], lladdr=entry['mac'],
                          family=socket.AF_INET6 if ':' in self.ip else socket.AF_INET)
            if command != 'del':
                kwargs['state'] = NUD_PERMANENT
            ipr.neigh(command, **kwargs)
        return Op(action, apply)
