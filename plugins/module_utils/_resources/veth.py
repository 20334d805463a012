# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veth pairs: one end here (often a bridge port), the peer created directly in its namespace (often eth0)."""

import os
from typing import Any, List, Optional, TypedDict, cast

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import kind_of, lookup, where
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Conflict, Op, missing_netns
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import COMMON, MASTER, Field, Link, LinkState

PEER_KEYS = ('name', 'netns', 'mtu', 'mac_address', 'up', 'addresses')
PEER = Field('The other end. Required with O(state=present).', dict(type='dict', options=dict(
    (name, dict(COMMON[name].spec)) for name in PEER_KEYS + ('purge_addresses',))), compared=False)


class PeerState(TypedDict, total=False):
    name: Optional[str]
    netns: Optional[str]
    mtu: int
    mac_address: str
    up: bool
    addresses: List[str]


class VethState(LinkState, total=False):
    peer: PeerState


class VethEnd(Link):
    kind = 'veth'


class Veth(VethEnd):
    """This end is the resource; the peer is found wherever it lives (through IFLA_LINK_NETNSID). The pair is made
    with one request: both names, the peer's namespace, MTUs and MACs, this end's master and IFF_UP. The peer is
    brought up by a request of its own: the kernel refuses IFF_UP for it in the create request (ENOTCONN: the
    pair is not linked yet when it applies the peer's flags)."""
    fields = dict(master=MASTER, peer=PEER)
    create_with = ('master', 'up')
    module_kwargs = dict(required_if=[('state', 'present', ['peer'])])

    def __init__(self, nl, params, check_mode):
        super(Veth, self).__init__(nl, params, check_mode)
        peer = dict(params.get('peer') or {})
        if self.state == 'present' and not peer.get('name'):
            raise _validate.InvalidInput('peer', params.get('peer'), "peer.name is required with state 'present'")
        self.peer = None
        if peer.get('name'):
            if peer.get('netns') is None:
                peer['netns'] = self.netns
            peer['state'] = self.state
            self.peer = VethEnd(nl, peer, check_mode, prefix='peer.')
            self.peer.notes = self.notes

    def creates(self):
        return super(Veth, self).creates() + (self.peer.creates() if self.peer else [])

    @property
    def label(self):
        if self.peer is None:
            return super(Veth, self).label
        return 'veth %s in %s (peer %s in %s)' % (self.name, where(self.netns), self.peer.name, where(self.peer.netns))

    def describe(self, msg: Any) -> VethState:
        state = cast(VethState, super(Veth, self).describe(msg))
        if state['kind'] == 'veth':
            state['peer'] = self.describe_peer(msg)
        return state

    def describe_peer(self, msg: Any) -> PeerState:
        nsid = msg.get_attr('IFLA_LINK_NETNSID')
        netns = self.nl.netns_of_nsid(self.netns, nsid, hint=self.peer.netns if self.peer else None)
        if netns is False:
            return PeerState(name=None, netns='(unnamed namespace, nsid %d)' % nsid)
        found = lookup(self.ipr(netns), index=msg.get_attr('IFLA_LINK'))
        if found is None:
            return PeerState(name=None, netns=netns)
        end = VethEnd(self.nl, dict(name=found.get_attr('IFLA_IFNAME'), netns=netns, found=True), self.check_mode)
        state = end.describe(found)
        return cast(PeerState, dict((k, state.get(k)) for k in PEER_KEYS))

    def plan(self, have):
        if self.state == 'absent':
            return super(Veth, self).plan(have)
        peer = self.peer
        if not self.nl.exists(peer.netns) and not self.missing_in_check(peer.netns, 'peer.netns'):
            raise _validate.InvalidInput('peer.netns', peer.netns, missing_netns(peer.netns))
        if have and have['kind'] == 'veth' and (have['peer']['name'], have['peer']['netns']) != (peer.name, peer.netns):
            if not self.recreate:
                raise Conflict('veth %s in %s is paired with %s in %s, not with peer.name=%r in %s; set recreate: '
                               'true to replace the pair' % (self.name, where(self.netns), have['peer']['name'],
                                                             where(have['peer']['netns']), peer.name, where(peer.netns)))
            ops, after = self.plan_create()
            self.replaces((self.netns, self.name), (have['peer']['netns'], have['peer']['name']))
            ops[0] = Op('replace veth %s in %s (now paired with %s in %s)' % (
                self.name, where(self.netns), have['peer']['name'], where(have['peer']['netns'])),
                self._then(self.op_delete().apply, ops[0].apply))
            return ops, after
        if have is None:
            blocker = self.peer_name_taken()
            if blocker:
                if not self.recreate:
                    raise Conflict('peer.name=%r: %s already has an interface of that name (%s); set recreate: true '
                                   'to remove it' % (peer.name, where(peer.netns), blocker))
                ops, after = self.plan_create()
                self.replaces((peer.netns, peer.name))
                remove = Op('delete %s %s in %s (it holds the peer name)' % (blocker, peer.name, where(peer.netns)),
                            lambda: peer.ipr_here().link('del', index=peer.index()))
                return [remove] + ops, after
        return super(Veth, self).plan(have)

    def replaces(self, *links):
        """Interfaces (netns, name) this plan deletes: routes through them go too, which check mode must know
        (see Route.read)."""
        self.nl.planned.update(('replaced', netns, name) for netns, name in links)

    def ends(self, have):
        peer = have.get('peer') or {}
        return super(Veth, self).ends(have) + ([(peer['netns'], peer['name'])] if peer.get('name') else [])

    def peer_name_taken(self):
        if not self.nl.exists(self.peer.netns) or ('replaced', self.peer.netns, self.peer.name) in self.nl.planned:
            return None
        found = lookup(self.peer.ipr_here(), self.peer.name)
        return kind_of(found) if found is not None else None

    def op_create(self):
        peer = self.peer

        def create():
            spec = dict(ifname=peer.name, address=peer.create_mac())
            if 'mtu' in peer.want:
                spec['mtu'] = peer.want['mtu']
            fd = self.nl.ns_fd(peer.netns) if peer.netns != self.netns else None
            if fd is not None:
                spec['net_ns_fd'] = fd
            try:
                self.ipr_here().link('add', peer=spec, **dict(self.create_kwargs(), **self.folded_kwargs()))
            finally:
                if fd is not None:
                    os.close(fd)
        return Op('create %s%s' % (self.label, self.folded_text()), create)

    def plan_update(self, have, creating=False):
        ops, after = super(Veth, self).plan_update(have, creating)
        if creating:
            peer_have = self.peer.created()
        else:
            peer_have = have['peer']
        peer_ops, peer_after = self.peer.plan_update(peer_have, creating)
        after['peer'] = dict((k, peer_after[k]) for k in PEER_KEYS if k in peer_after)
        return ops + peer_ops, after
