# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VXLAN devices and their flood lists (one 00:00:00:00:00:00 FDB entry per remote VTEP)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import info, lookup, where
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Op
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import fdb
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import Field, Link, as_bool


class AddressField(Field):
    """An IPv4 or IPv6 attribute pair (IFLA_VXLAN_LOCAL / IFLA_VXLAN_LOCAL6)."""

    def read(self, msg):
        return info(msg, self.attr) or info(msg, self.attr + '6')

    def kwargs(self, value):
        return {self.kwarg + ('6' if ':' in value else ''): value}


class Vxlan(Link):
    kind = 'vxlan'
    manages_addresses = True
    immutable = ('vni', 'dstport')
    fields = {
        'vni': Field('IFLA_VXLAN_ID', 'vxlan_id'),
        'dstport': Field('IFLA_VXLAN_PORT', 'vxlan_port'),
        'local': AddressField('IFLA_VXLAN_LOCAL', 'vxlan_local'),
        'group': AddressField('IFLA_VXLAN_GROUP', 'vxlan_group'),
        'learning': Field('IFLA_VXLAN_LEARNING', 'vxlan_learning', int, as_bool),
        'ttl': Field('IFLA_VXLAN_TTL', 'vxlan_ttl'),
    }

    def validate(self, p):
        want = super(Vxlan, self).validate(p)
        want['vni'] = _validate.vni('vni', p.get('vni'))
        want['dstport'] = _validate.port('dstport', p.get('dstport') if p.get('dstport') is not None else 4789)
        if p.get('local') is not None:
            want['local'] = _validate.ip('local', p['local'])
        if p.get('group') is not None:
            want['group'] = _validate.ip('group', p['group'])
            if not ipaddress.ip_address(want['group']).is_multicast:
                raise _validate.InvalidInput('group', p['group'], 'must be a multicast address')
        if p.get('dev') is not None:
            want['dev'] = _validate.ifname('dev', p['dev'])
        if p.get('learning') is not None:
            want['learning'] = p['learning']
        if p.get('ttl') is not None:
            want['ttl'] = _validate.in_range('ttl', p['ttl'], 0, 255)
        if p.get('remotes') is not None:
            remotes = [_validate.ip('remotes', r) for r in p['remotes']]
            want['remotes'] = _validate.unique('remotes', remotes)
            for r in remotes:
                if ipaddress.ip_address(r).is_multicast:
                    raise _validate.InvalidInput('remotes', r, 'a remote VTEP must be unicast (use group for multicast)')
        return want

    def describe(self, msg):
        state = super(Vxlan, self).describe(msg)
        if state['kind'] == self.kind:
            dev = info(msg, 'IFLA_VXLAN_LINK')
            dev_msg = lookup(self.ipr_here(), index=dev) if dev else None
            state['dev'] = dev_msg.get_attr('IFLA_IFNAME') if dev_msg else None
            state['remotes'] = fdb.read_flood(self.ipr_here(), msg['index'])
        return state

    def create_kwargs(self):
        kwargs = super(Vxlan, self).create_kwargs()
        for name in ('local', 'group'):
            kwargs.pop(self.fields[name].kwarg, None)
            if self.want.get(name):
                kwargs.update(self.fields[name].kwargs(self.want[name]))
        if self.want.get('dev'):
            kwargs['vxlan_link'] = lookup(self.ipr_here(), self.want['dev'])['index']
        return kwargs

    def op_set(self, name, old, new, **kwargs):
        if name in ('local', 'group'):
            kwargs = dict(kind=self.kind, **self.fields[name].kwargs(new))
        return super(Vxlan, self).op_set(name, old, new, **kwargs)

    def plan_extra(self, have, after, creating):
        ops = []
        dev = self.want.get('dev')
        if dev is not None and not self.missing_in_check(self.netns):
            if lookup(self.ipr_here(), dev) is None:
                if not self.check_mode:
                    raise _validate.InvalidInput('dev', dev, 'no such interface in %s' % where(self.netns))
                self.note("dev '%s' does not exist yet: assuming an earlier task creates it" % dev,
                          ('link', self.netns, dev))
        if dev is not None and not creating and have.get('dev') != dev:
            ops.append(Op('set dev of %s: %s -> %s' % (self.label, have.get('dev'), dev),
                          lambda: self.ipr_here().link('set', index=self.index(), kind=self.kind,
                                                       vxlan_link=lookup(self.ipr_here(), dev)['index'])))
        if 'remotes' in self.want:
            flood, after['remotes'] = fdb.plan_flood(self.ipr_here, self.index, self.label,
                                                     have.get('remotes'), self.want['remotes'])
            ops.extend(flood)
            if not creating:
                ops.extend(fdb.plan_forget(self.ipr_here, self.index, self.label, self.want['remotes']))
        return ops
