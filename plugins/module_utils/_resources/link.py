# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Links (network interfaces): what bridge, veth and vxlan share.

A kind declares its own attributes as Fields (how to read one from a netlink message, how to ask the kernel
for it); this base plans create / update / replace / delete in a fixed order:
create -> kind attributes, mtu, mac -> master -> addresses -> up/down.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import index_of, info, kind_of, lookup, where
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Conflict, Op, Resource
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import address

IFF_UP = 0x1


class Field(object):
    """A kind attribute: 'attr' in IFLA_INFO_DATA, asked for with pyroute2 keyword 'kwarg'.
    'to_kernel'/'from_kernel' convert between the option's unit and the kernel's."""

    def __init__(self, attr, kwarg, to_kernel=None, from_kernel=None):
        self.attr, self.kwarg = attr, kwarg
        self.to_kernel = to_kernel or (lambda v: v)
        self.from_kernel = from_kernel or (lambda v: v)

    def read(self, msg):
        value = info(msg, self.attr)
        return None if value is None else self.from_kernel(value)


def as_bool(value):
    return bool(value)


class Link(Resource):
    """Base of the link kinds. Subclasses set 'kind', 'fields', 'immutable' and may extend validate()."""
    fields = {}
    immutable = ()
    manages_addresses = False

    def __init__(self, nl, params, check_mode, prefix=''):
        super(Link, self).__init__(nl, params, check_mode)
        self.prefix = prefix  # option path in messages, e.g. 'peer.'
        # found: the name was read from the kernel (net_info, a veth's peer), so it is taken as it is
        self.name = _validate.ifname(prefix + 'name', params['name'], found=params.get('found', False))
        self.netns = _validate.netns(prefix + 'netns', params.get('netns'))
        self.state = params.get('state') or 'present'
        self.recreate = params.get('recreate') or False
        self.want = self.validate(params) if self.state == 'present' else {}

    # --- what the user set -------------------------------------------------------------------------
    def validate(self, p):
        want = {}
        opt = self.prefix
        if p.get('mtu') is not None:
            want['mtu'] = _validate.mtu(opt + 'mtu', p['mtu'])
        if p.get('mac_address') is not None:
            want['mac_address'] = _validate.mac(opt + 'mac_address', p['mac_address'])
        if p.get('master') is not None:
            want['master'] = _validate.ifname(opt + 'master', p['master'])
        if p.get('up') is not None:
            want['up'] = p['up']
        if p.get('alias') is not None:
            want['alias'] = _validate.alias(opt + 'alias', p['alias'])
        if self.manages_addresses and p.get('addresses') is not None:
            want['addresses'] = address.validate(opt + 'addresses', p['addresses'])
        return want

    def creates(self):
        return [('link', self.netns, self.name)]

    def ends(self, have):
        """The links (netns, name) that go when this one is deleted (a veth's peer goes with it)."""
        return [(self.netns, self.name)]

    @property
    def label(self):
        return '%s %s in %s' % (self.kind, self.name, where(self.netns))

    # --- what the kernel has ---------------------------------------------------------------------
    def read(self):
        if not self.netns_ready(self.netns, self.prefix + 'netns'):
            return None
        if self.check_mode and ('replaced', self.netns, self.name) in self.nl.planned:
            return None  # an earlier resource of this run deletes it
        msg = lookup(self.ipr_here(), self.name)
        return None if msg is None else self.describe(msg)

    def describe(self, msg):
        ipr = self.ipr_here()
        master = msg.get_attr('IFLA_MASTER')
        master_msg = lookup(ipr, index=master) if master else None
        state = dict(name=self.name, netns=self.netns, kind=kind_of(msg),
                     mtu=msg.get_attr('IFLA_MTU'), mac_address=msg.get_attr('IFLA_ADDRESS'),
                     up=bool(msg['flags'] & IFF_UP), alias=msg.get_attr('IFLA_IFALIAS') or None,
                     master=master_msg.get_attr('IFLA_IFNAME') if master_msg else None,
                     addresses=address.read(ipr, msg['index']))
        if state['kind'] == self.kind:
            for name, field in self.fields.items():
                state[name] = field.read(msg)
        return state

    # --- the plan --------------------------------------------------------------------------------
    def plan(self, have):
        if self.state == 'absent':
            if have is None:
                return [], None
            if have['kind'] != self.kind:
                raise Conflict("%s is a %s, not a %s: not removing it" % (self.name, have['kind'], self.kind))
            self.nl.planned.update(('replaced', netns, name) for netns, name in self.ends(have))
            return [self.op_delete()], None
        if have is None:
            return self.plan_create()
        if have['kind'] != self.kind and not self.recreate:
            raise Conflict("name=%r: %s already holds a %s; set recreate: true to replace it with a %s"
                           % (self.name, where(self.netns), have["kind"], self.kind))
        changed = [f for f in self.immutable if f in self.want and have.get(f) != self.want[f]]
        if have['kind'] != self.kind or changed:
            ops, after = self.plan_create()
            why = 'it is a %s' % have['kind'] if have['kind'] != self.kind else ', '.join(
                '%s %s -> %s' % (f, have.get(f), self.want[f]) for f in changed)
            ops[0] = Op('replace %s (%s cannot change in place)' % (self.label, why)
                        if changed else 'replace %s %s (%s)' % (have['kind'], self.name, why),
                        self._then(self.op_delete(kind=have['kind']).apply, ops[0].apply))
            return ops, after
        return self.plan_update(have)

    @staticmethod
    def _then(first, second):
        def both():
            first()
            second()
        return both

    def ipr_here(self):
        return self.ipr(self.netns, self.prefix + 'netns')

    def index(self):
        return index_of(self.ipr_here(), self.name)

    def create_kwargs(self):
        kwargs = dict(ifname=self.name, kind=self.kind)
        if 'mtu' in self.want:
            kwargs['mtu'] = self.want['mtu']
        if 'mac_address' in self.want:
            kwargs['address'] = self.want['mac_address']
        for name, field in self.fields.items():
            if self.want.get(name) is not None:
                kwargs[field.kwarg] = field.to_kernel(self.want[name])
        return kwargs

    def op_create(self):
        shown = ', '.join('%s %s' % (k, v) for k, v in sorted(self.want.items())
                          if k not in ('up', 'master', 'addresses') and v is not None)
        return Op('create %s%s' % (self.label, ' (%s)' % shown if shown else ''),
                  lambda: self.ipr_here().link('add', **self.create_kwargs()))

    def op_delete(self, kind=None):
        label = self.label if kind in (None, self.kind) else '%s %s in %s' % (kind, self.name, where(self.netns))
        return Op('delete %s' % label, lambda: self.ipr_here().link('del', index=self.index()))

    def plan_create(self):
        fresh = dict(name=self.name, netns=self.netns, kind=self.kind, master=None, addresses=[], up=False)
        ops, after = self.plan_update(fresh, creating=True)
        return [self.op_create()] + ops, after

    def plan_update(self, have, creating=False):
        """Ops that turn 'have' into what the user set, and the state they lead to."""
        after = dict(have)
        ops = []
        for name in sorted(self.fields):
            if not creating and name not in self.immutable and name in self.want and have.get(name) != self.want[name]:
                ops.append(self.op_set(name, have.get(name), self.want[name],
                                       kind=self.kind, **{self.fields[name].kwarg: self.fields[name].to_kernel(self.want[name])}))
        for name, kwarg in (('mtu', 'mtu'), ('mac_address', 'address'), ('alias', 'ifalias')):
            if (not creating or name == 'alias') and name in self.want and have.get(name) != self.want[name]:
                ops.append(self.op_set(name, have.get(name), self.want[name], **{kwarg: self.want[name]}))
        after.update(self.want)
        ops.extend(self.plan_master(have))
        ops.extend(self.plan_addresses(have, after))
        ops.extend(self.plan_extra(have, after, creating))
        if 'up' in self.want and have.get('up') != self.want['up']:
            up = self.want['up']
            ops.append(Op('%s %s' % ('bring up' if up else 'bring down', self.label),
                          lambda: self.ipr_here().link('set', index=self.index(), state='up' if up else 'down')))
        return ops, after

    def op_set(self, name, old, new, **kwargs):
        return Op('set %s of %s: %s -> %s' % (name, self.label, old, new),
                  lambda: self.ipr_here().link('set', index=self.index(), **kwargs))

    def plan_master(self, have):
        master = self.want.get('master')
        if master is None or have.get('master') == master:
            return []
        if not self.missing_in_check(self.netns):
            found = lookup(self.ipr_here(), master)
            if found is None and not self.check_mode:
                raise _validate.InvalidInput('master', master, 'no such bridge in %s' % where(self.netns))
            if found is None:
                self.note("master '%s' does not exist yet: assuming an earlier task creates it" % master,
                          ('link', self.netns, master))
            elif kind_of(found) != 'bridge':
                raise _validate.InvalidInput('master', master, 'is a %s, not a bridge' % kind_of(found))

        def attach():
            ipr = self.ipr_here()
            ipr.link('set', index=self.index(), master=index_of(ipr, master))
        return [Op('attach %s to bridge %s' % (self.label, master), attach)]

    def plan_addresses(self, have, after):
        if 'addresses' not in self.want:
            return []
        plan = address.AddressPlan(self.ipr_here, self.index, self.name, self.netns, self.want['addresses'],
                                   purge=self.params.get('purge_addresses') or False,
                                   nodad=self.params.get('nodad') or False,
                                   stale=self.params.get('stale_addresses') or ())
        ops, after['addresses'] = plan.plan(have.get('addresses'))
        return ops

    def plan_extra(self, have, after, creating):
        """Kind-specific steps between addresses and up (e.g. the vxlan's flood entries)."""
        return []
