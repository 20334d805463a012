# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VXLAN devices and their flood lists (one 00:00:00:00:00:00 FDB entry per remote VTEP)."""

import ipaddress
from typing import Any, Dict, List, Optional, cast

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import info, lookup
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Op, State
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import fdb
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import (
    MASTER, Field, Link, LinkState, LowerLinkField, as_bool)


class AddressField(Field):
    """An IPv4 or IPv6 attribute pair (IFLA_VXLAN_LOCAL / IFLA_VXLAN_LOCAL6)."""

    def raw(self, msg: Any) -> Any:
        return info(msg, self.attr) or info(msg, '%s6' % self.attr)

    def kwargs(self, link: Link, value: str) -> Dict[str, Any]:
        return {'%s%s' % (self.kwarg, '6' if ':' in value else ''): value}


def multicast(option: str, value: Any) -> str:
    group = _validate.ip(option, value)
    if not ipaddress.ip_address(group).is_multicast:
        raise _validate.InvalidInput(option, value, 'must be a multicast address')
    return group


def unicast_list(option: str, values: List[Any]) -> List[str]:
    remotes = _validate.unique(option, [_validate.ip(option, r) for r in values])
    for r in remotes:
        if ipaddress.ip_address(r).is_multicast:
            raise _validate.InvalidInput(option, r, 'a remote VTEP must be unicast (use group for multicast)')
    return remotes


class VxlanState(LinkState, total=False):
    vni: int
    dstport: int
    local: Optional[str]
    group: Optional[str]
    dev: Optional[str]
    learning: bool
    ttl: int
    remotes: List[str]


class Vxlan(Link):
    kind = 'vxlan'
    learnt = ()  # what describe() found the device learnt from received frames: [(mac, remote VTEP)]
    module_kwargs = dict(mutually_exclusive=[('remotes', 'group')], required_if=[('state', 'present', ['vni'])])
    fields = dict(
        vni=Field('VXLAN network identifier, 1 to 16777215.', dict(type='int'), _validate.vni,
                  'IFLA_VXLAN_ID', 'vxlan_id', immutable=True),
        dstport=Field("UDP destination port. Always sent (the kernel's own default is 8472, not the IANA 4789).",
                      dict(type='int', default=4789), _validate.port, 'IFLA_VXLAN_PORT', 'vxlan_port', immutable=True),
        local=AddressField("Source address of the tunnel (this host's underlay address). Not managed when omitted.",
                           dict(type='str'), _validate.ip, 'IFLA_VXLAN_LOCAL', 'vxlan_local'),
        dev=LowerLinkField("Underlay interface. With it the kernel sets the MTU to the underlay's minus 50.",
                           'IFLA_VXLAN_LINK', 'vxlan_link'),
        remotes=Field('Underlay addresses of the peer VTEPs. Exactly these get a flood entry (entries of other '
                      'remotes are removed, and so are the entries the device learnt towards other VTEPs, so that no '
                      'frame goes to a peer that left while they age out). An empty list removes them all. Not '
                      'managed when omitted.',
                      dict(type='list', elements='str'), unicast_list, created=[]),
        group=AddressField('Multicast group for flooding (usually with O(dev)). Mutually exclusive with O(remotes).',
                           dict(type='str'), multicast, 'IFLA_VXLAN_GROUP', 'vxlan_group'),
        learning=Field('Learn remote MAC addresses from received frames. Not managed when omitted (kernel default on).',
                       dict(type='bool'), None, 'IFLA_VXLAN_LEARNING', 'vxlan_learning', int, as_bool, created=True),
        ttl=Field('TTL of the outer packets, 0 to 255 (0 inherits). Not managed when omitted.', dict(type='int'),
                  lambda o, v: _validate.in_range(o, v, 0, 255), 'IFLA_VXLAN_TTL', 'vxlan_ttl', created=0),
        master=MASTER,
    )

    def default_mtu(self) -> Optional[int]:
        """With a lower device the kernel takes its MTU minus the headers (50 bytes over IPv4, 70 over IPv6)."""
        dev = self.want.get('dev')
        if dev is None:
            return 1500
        found = lookup(self.ipr_here(), dev) if self.nl.exists(self.netns) else None
        six = ':' in (self.want.get('local') or self.want.get('group') or '')
        return found.get_attr('IFLA_MTU') - (70 if six else 50) if found is not None else None

    def describe(self, msg: Any) -> VxlanState:
        state = cast(VxlanState, super(Vxlan, self).describe(msg))
        if state['kind'] == self.kind:
            state['remotes'] = fdb.read_flood(self.ipr_here(), msg['index'])
            self.learnt = fdb.read_learned(self.ipr_here(), msg['index'])  # not state: it comes and goes by itself
        return state

    def plan_extra(self, have: State, after: Dict[str, Any], creating: bool) -> List[Op]:
        if 'remotes' not in self.want:
            return []
        ops, after['remotes'] = fdb.plan_flood(self.ipr_here, self.index, self.label, have.get('remotes'),
                                               self.want['remotes'])
        if not creating:
            ops.extend(fdb.plan_forget(self.ipr_here, self.index, self.label, self.learnt, self.want['remotes']))
        return ops
