# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses of one interface: the single code path for the bridge, veth and address modules."""

import ipaddress
import socket

from ansible_collections.linuxnet.fabric.plugins.module_utils import _netlink, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import OnInterface, Op


IFA_F_NODAD = 0x02


def _key(cidr):
    iface = ipaddress.ip_interface(cidr)
    return (iface.version, int(iface.ip), iface.network.prefixlen)


def ordered(cidrs):
    return sorted(cidrs, key=_key)


def is_link_local(cidr):
    return ipaddress.ip_interface(cidr).ip.is_link_local and ':' in cidr


def read(ipr, index):
    """Addresses on the interface (index None: on all) as sorted 'ip/prefix' strings, without IPv6 link-local ones."""
    found = []
    for msg in (ipr.get_addr(index=index) if index is not None else ipr.get_addr()):
        cidr = '%s/%d' % (msg.get_attr('IFA_ADDRESS'), msg['prefixlen'])
        local = msg.get_attr('IFA_LOCAL')  # on point-to-point links IFA_ADDRESS is the peer
        if local and msg['family'] == socket.AF_INET:
            cidr = '%s/%d' % (local, msg['prefixlen'])
        cidr = _validate.interface_address('address', cidr)
        if not is_link_local(cidr):
            found.append(cidr)
    return ordered(found)


def validate(option, addresses):
    if addresses is None:
        return None
    return _validate.unique(option, [_validate.interface_address(option, _validate.prefix_length(option, a))
                                     for a in addresses])


class AddressPlan(object):
    """Plans addresses of interface 'ifname' in 'netns'. 'index' is called at apply time (the link may be
    created by an earlier op of the same plan)."""

    def __init__(self, ipr, index, ifname, netns, wanted, purge=False, state='present', nodad=False, stale=()):
        """'stale': addresses to remove when present and not wanted (what an earlier run put there)."""
        self.ipr, self.index, self.ifname, self.netns = ipr, index, ifname, netns
        self.wanted, self.purge, self.state, self.nodad, self.stale = wanted or [], purge, state, nodad, stale

    def plan(self, have):
        have = have or []
        if self.state == 'absent':
            add, drop = [], [a for a in self.wanted if a in have]
        else:
            add = [a for a in self.wanted if a not in have]
            # An address listed with another prefix length changes it (the kernel keeps one per IPv6 address).
            moved = set(a.split('/')[0] for a in add)
            drop = [a for a in have if a not in self.wanted and (self.purge or a.split('/')[0] in moved
                                                                 or a in self.stale)]
        ops = [self._op('del', a) for a in drop] + [self._op('add', a) for a in add]
        return ops, ordered([a for a in have if a not in drop] + add)

    def _op(self, command, cidr):
        ip, prefix = cidr.split('/')
        where = " in netns '%s'" % self.netns if self.netns else ''
        text = ('add address %s to %s%s' if command == 'add' else 'remove address %s from %s%s') % (
            cidr, self.ifname, where)

        kwargs = dict(address=ip, prefixlen=int(prefix))
        if self.nodad and command == 'add' and ':' in ip:
            kwargs['flags'] = IFA_F_NODAD  # usable at once: no 1-2 s of duplicate address detection
            text += ' (nodad)'

        def apply():
            self.ipr().addr(command, index=self.index(), **kwargs)
        return Op(text, apply)


class Address(OnInterface):
    """The addresses of one interface (the address module). Its state: interface, netns, addresses."""
    kind = 'address'

    def __init__(self, nl, params, check_mode):
        super(Address, self).__init__(nl, params, check_mode)
        self.purge = bool(params.get('purge'))
        if self.purge and self.state == 'absent':
            raise _validate.InvalidInput('purge', True, 'applies to state=present only (state=absent removes the '
                                                        'listed addresses)')
        self.addresses = validate('addresses', params.get('addresses') or [])

    def read(self):
        ipr, msg = self.interface_link()
        if msg is None:
            return None
        return dict(interface=self.interface, netns=self.netns, addresses=read(ipr, msg['index']))

    def plan(self, have):
        if have is None and self.state == 'absent':
            return [], None

        def index():
            return _netlink.lookup(self.ipr(self.netns), self.interface)['index']
        plan = AddressPlan(lambda: self.ipr(self.netns), index, self.interface, self.netns, self.addresses,
                           purge=self.purge, state=self.state)
        ops, addresses = plan.plan((have or {}).get('addresses'))
        return ops, dict(interface=self.interface, netns=self.netns, addresses=addresses)
