# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Links (network interfaces): what every link kind shares, and how a kind declares itself.

A kind is one declaration: a Link subclass whose 'fields' give, for each option of its module, the Ansible spec,
the check, the doc line and, for a kernel attribute, where netlink keeps it. The module's argument spec is built
from them (link_main), and the kind is registered in kinds.KINDS (net_info describes links with it).
This base plans create / update / replace / delete in a fixed order:
create -> kind attributes, mtu, mac, alias -> master -> addresses -> kind extras -> up/down.
"""

import hashlib
import os
from typing import Any, Callable, Dict, List, Optional, Tuple, Type, TypedDict, Union, cast

from ansible_collections.linuxnet.fabric.plugins.module_utils import _specs, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import IFF_UP, index_of, info, kind_of, lookup, where
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Conflict, Op, Resource, State, module_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import address


class LinkState(TypedDict, total=False):
    """A link as read() finds it and plan() predicts it; each kind adds its own fields (BridgeState, ...)."""
    name: str
    netns: Optional[str]
    kind: str
    mtu: int
    mac_address: str
    up: bool
    alias: Optional[str]
    master: Optional[str]
    addresses: List[str]


Check = Callable[[str, Any], Any]
Convert = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


class Field(object):
    """One option of a link kind, declared once.

    doc        the first line of the option's description in the module's DOCUMENTATION (a unit test holds them equal)
    spec       its Ansible argument spec (type, choices, elements, default, required, options); its default is also
               the engine's value when the option is not set
    check      check(option, value) -> the value as the kernel reports it, or InvalidInput naming option and value
    attr       the IFLA_INFO_DATA attribute the kernel keeps it in, set with pyroute2 keyword 'kwarg'; without
               them the option is planned by the Link itself (addresses, master) or is not state (name, recreate)
    to_kernel, from_kernel   unit conversion between the option and the attribute
    immutable  True, or (old, new) -> True: the kernel cannot change it in place, so a change replaces the link
    compared   False for options that say how, not what (name, netns, state, recreate, purge_addresses, peer)
    always     compared even when unset (None is a value: parent_netns unset is the namespace the module runs in)
    created    what the kernel reports for a new link when the option is not set (check mode predicts it)
    """

    def __init__(self, doc: str, spec: Dict[str, Any], check: Optional[Check] = None, attr: Optional[str] = None,
                 kwarg: Optional[str] = None, to_kernel: Optional[Convert] = None,
                 from_kernel: Optional[Convert] = None, immutable: Union[bool, Callable[[Any, Any], bool]] = False,
                 compared: bool = True, always: bool = False, created: Any = None) -> None:
        self.doc, self.spec, self.check, self.attr, self.kwarg = doc, spec, check, attr, kwarg
        self.to_kernel = to_kernel or _same
        self.from_kernel = from_kernel or _same
        self.immutable, self.compared, self.always, self.created = immutable, compared, always, created

    def value(self, option: str, value: Any) -> Any:
        """The option's value (its default when unset), checked; None when neither is given."""
        value = self.spec.get('default') if value is None else value
        if value is None and not self.always:
            return None
        return self.check(option, value) if self.check else value

    def raw(self, msg: Any) -> Any:
        return info(msg, self.attr)

    def describe(self, link: 'Link', msg: Any, name: str) -> Dict[str, Any]:
        """What the option reads in the kernel, as state keys."""
        value = self.raw(msg)
        return {name: None if value is None else self.from_kernel(value)}

    def kwargs(self, link: 'Link', value: Any) -> Dict[str, Any]:
        """What pyroute2 is asked for to set 'value' (at apply time: a lower device may be made by an earlier op)."""
        return {str(self.kwarg): self.to_kernel(value)}

    def replaces(self, old: Any, new: Any) -> bool:
        return self.immutable(old, new) if callable(self.immutable) else bool(self.immutable)


class Attr(Field):
    """An attribute every link has (IFLA_MTU, ...): top level, set without the kind."""

    def raw(self, msg: Any) -> Any:
        return msg.get_attr(self.attr)


class LowerLinkField(Field):
    """The device a link sits on, by name (vxlan's dev, macvlan's parent): sent as its ifindex, read back as a name.
    'attr' is IFLA_LINK or an IFLA_INFO_DATA attribute. With 'netns_option', the lower device lives in the namespace
    that option names (unset: the one the module runs in), which may not be the link's own: the link is then made
    there and moved to its own namespace in the same request, and the kernel names the lower device's namespace with
    IFLA_LINK_NETNSID."""

    def __init__(self, doc: str, attr: str, kwarg: str, netns_option: Optional[str] = None, **options: Any) -> None:
        super(LowerLinkField, self).__init__(doc, dict(type='str'), _validate.ifname, attr, kwarg, **options)
        self.netns_option = netns_option

    def raw(self, msg: Any) -> Any:
        return msg.get_attr(self.attr) if self.attr == 'IFLA_LINK' else info(msg, self.attr)

    def netns(self, link: 'Link') -> Optional[str]:
        """The namespace the lower device should be in."""
        return link.want.get(self.netns_option) if self.netns_option else link.netns

    def describe(self, link: 'Link', msg: Any, name: str) -> Dict[str, Any]:
        index = self.raw(msg)
        netns = link.nl.netns_of_nsid(link.netns, msg.get_attr('IFLA_LINK_NETNSID'), hint=self.netns(link))
        found = lookup(link.ipr(netns), index=index) if index and netns is not False else None
        state = {name: found.get_attr('IFLA_IFNAME') if found is not None else None}
        if self.netns_option:
            state[self.netns_option] = netns if netns is not False else None
        return state

    def kwargs(self, link: 'Link', value: Any) -> Dict[str, Any]:
        return {str(self.kwarg): index_of(link.ipr(self.netns(link), self.netns_option or 'netns'), value)}

    def check_exists(self, link: 'Link', option: str, name: str) -> None:
        """At plan time: the lower device exists, or in check mode an earlier task may make it (noted)."""
        netns, netns_option = self.netns(link), self.netns_option or 'netns'
        if not link.missing_in_check(netns, netns_option):
            link.find_link(link.ipr(netns, netns_option), option, name, netns)


def as_bool(value: Any) -> bool:
    return bool(value)


def stable_mac(*parts: Any) -> str:
    """A locally administered unicast MAC from a hash: the same parts give the same MAC on every host and run."""
    digest = hashlib.sha1('/'.join(str(p) for p in parts).encode('utf-8')).hexdigest()
    return '02:' + ':'.join(digest[i:i + 2] for i in range(0, 10, 2))


def _machine_id() -> str:
    try:
        with open('/etc/machine-id') as f:
            return f.read().strip()
    except (IOError, OSError):
        return ''


def persistent_mac(netns: Optional[str], name: str) -> str:
    """The MAC a new link gets when none is asked for, as systemd's MACAddressPolicy=persistent gives one: stable
    (from the machine, the namespace and the name), so that check mode can predict it and a link made again keeps
    it."""
    return stable_mac(_machine_id(), netns or '', name)


def _how(doc: str, spec: Dict[str, Any], check: Optional[Check] = None) -> Field:
    """An option that says how, not what: checked where it is used, never compared with the kernel."""
    return Field(doc, spec, check, compared=False)


# The options every link module has, in the order they are checked (their docs: doc_fragments/common.py).
COMMON = dict(
    name=_how('Interface name, 1 to 15 bytes of printable ASCII, without C(/), C(:), C(%) or whitespace.',
              dict(type='str', required=True), _validate.ifname),
    netns=_how('Name of the network namespace (as in C(ip netns), a file under C(/run/netns)) to work in.',
               _specs.NETNS, _validate.netns),
    state=_how('C(present) creates or updates the interface, C(absent) removes it (only if it is of this kind).',
               _specs.STATE),
    mtu=Attr('MTU, 68 to 65535. Not managed when omitted.', dict(type='int'), _validate.mtu, 'IFLA_MTU', 'mtu'),
    mac_address=Attr('Unicast MAC address, for example C(02:42:ac:11:00:01). Not managed when omitted.',
                     dict(type='str'), _validate.mac, 'IFLA_ADDRESS', 'address'),
    up=Field('Whether the interface is administratively up.', dict(type='bool', default=True)),
    alias=Attr('Interface alias (C(ip link set NAME alias TEXT)), up to 255 bytes. Not managed when omitted.',
               dict(type='str'), _validate.alias, 'IFLA_IFALIAS', 'ifalias', from_kernel=lambda v: v or None),
    addresses=Field('Addresses with prefix length to ensure on the interface, for example V(172.17.0.1/16).',
                    dict(type='list', elements='str'), address.validate),
    purge_addresses=_how('Remove addresses not listed in O(addresses) (never the IPv6 link-local one).',
                         dict(type='bool', default=False)),
    recreate=_how('If an interface of another kind holds O(name), delete it and create this one.',
                  dict(type='bool', default=False)),
)  # type: Dict[str, Field]
MASTER = Field('Bridge to attach the interface to (in the same namespace). Not managed when omitted.',
               dict(type='str'), _validate.ifname)
SET_AFTER_CREATE = ('alias',)  # the kernel takes no alias with the create request


class Link(Resource):
    """Base of the link kinds. A kind sets 'kind', 'fields' (its own options, see Field) and 'module_kwargs'
    (AnsibleModule's mutually_exclusive, required_if...), and may extend validate(), describe(), plan_extra()."""
    kind = None  # type: Optional[str]
    fields = {}  # type: Dict[str, Field]
    module_kwargs = {}  # type: Dict[str, Any]
    # What the create request also does, instead of a request of its own after it: 'master' (IFLA_MASTER) and
    # 'up' (IFF_UP). The kernel takes both with RTM_NEWLINK; a kind that opts in says so in its create action.
    create_with = ()  # type: Tuple[str, ...]

    def __init__(self, nl: Any, params: Dict[str, Any], check_mode: bool, prefix: str = '') -> None:
        super(Link, self).__init__(nl, params, check_mode)
        self.prefix = prefix  # option path in messages, e.g. 'peer.'
        if params.get('found'):  # read from the kernel (net_info, a veth's peer): taken as it is
            self.name = params['name']  # type: str
        else:
            self.name = COMMON['name'].value(prefix + 'name', params.get('name'))
        self.netns = COMMON['netns'].value(prefix + 'netns', params.get('netns'))  # type: Optional[str]
        self.state = params.get('state') or 'present'  # type: str
        self.recreate = params.get('recreate') or False  # type: bool
        self.want = {}  # type: Dict[str, Any]
        if self.state == 'present':
            self.want = self.validate(params)

    @classmethod
    def options(cls) -> Dict[str, Field]:
        found = dict(COMMON)
        found.update(cls.fields)
        return found

    @classmethod
    def argument_spec(cls) -> Dict[str, Any]:
        return dict((name, dict(field.spec)) for name, field in cls.options().items())

    # --- what the user set -------------------------------------------------------------------------
    def validate(self, p: Dict[str, Any]) -> Dict[str, Any]:
        want = {}
        for name, field in self.options().items():
            if field.compared:
                value = field.value(self.prefix + name, p.get(name))
                if value is not None or field.always:
                    want[name] = value
        return want

    def creates(self) -> List[Tuple[Any, ...]]:
        return [('link', self.netns, self.name)]

    def ends(self, have):
        """The links (netns, name) that go when this one is deleted (a veth's peer goes with it)."""
        return [(self.netns, self.name)]

    @property
    def label(self) -> str:
        return '%s %s in %s' % (self.kind, self.name, where(self.netns))

    # --- what the kernel has ---------------------------------------------------------------------
    def read(self) -> Optional[LinkState]:
        if not self.netns_ready(self.netns, self.prefix + 'netns'):
            return None
        if self.check_mode and ('replaced', self.netns, self.name) in self.nl.planned:
            return None  # an earlier resource of this run deletes it
        msg = lookup(self.ipr_here(), self.name)
        return None if msg is None else self.describe(msg)

    def describe(self, msg: Any) -> LinkState:
        ipr = self.ipr_here()
        master = msg.get_attr('IFLA_MASTER')
        master_msg = lookup(ipr, index=master) if master else None
        state = dict(name=self.name, netns=self.netns, kind=kind_of(msg))  # type: Dict[str, Any]
        for name in ('mtu', 'mac_address'):
            state.update(COMMON[name].describe(self, msg, name))
        state.update(up=bool(msg['flags'] & IFF_UP), **COMMON['alias'].describe(self, msg, 'alias'))
        state.update(master=master_msg.get_attr('IFLA_IFNAME') if master_msg else None,
                     addresses=address.read(ipr, msg['index']))
        if state['kind'] == self.kind:
            for name, field in self.fields.items():
                if field.attr:
                    state.update(field.describe(self, msg, name))
        return cast(LinkState, state)

    # --- the plan --------------------------------------------------------------------------------
    def plan(self, have: Optional[State]) -> Tuple[List[Op], Optional[State]]:
        if self.state == 'absent':
            if have is None:
                return [], None
            if have['kind'] != self.kind:
                raise Conflict("%s is a %s, not a %s: not removing it" % (self.name, have['kind'], self.kind))
            self.nl.planned.update(('replaced', netns, name) for netns, name in self.ends(have))
            return [self.op_delete()], None
        self.check_lower_links()
        if have is None:
            return self.plan_create()
        if have['kind'] != self.kind and not self.recreate:
            raise Conflict("name=%r: %s already holds a %s; set recreate: true to replace it with a %s"
                           % (self.name, where(self.netns), have["kind"], self.kind))
        changed = [name for name, field in self.fields.items() if name in self.want
                   and have.get(name) != self.want[name] and field.replaces(have.get(name), self.want[name])]
        if have['kind'] != self.kind or changed:
            ops, after = self.plan_create()
            why = 'it is a %s' % have['kind'] if have['kind'] != self.kind else ', '.join(
                '%s %s -> %s' % (f, have.get(f), self.want[f]) for f in changed)
            ops[0] = Op('replace %s (%s cannot change in place)' % (self.label, why)
                        if changed else 'replace %s %s (%s)' % (have['kind'], self.name, why),
                        self._then(self.op_delete(kind=have['kind']).apply, ops[0].apply))
            return ops, after
        return self.plan_update(have)

    def check_lower_links(self) -> None:
        for name, field in self.fields.items():
            if isinstance(field, LowerLinkField) and self.want.get(name) is not None:
                field.check_exists(self, self.prefix + name, self.want[name])

    @staticmethod
    def _then(first: Callable[[], Any], second: Callable[[], Any]) -> Callable[[], None]:
        def both() -> None:
            first()
            second()
        return both

    def ipr_here(self) -> Any:
        return self.ipr(self.netns, self.prefix + 'netns')

    def index(self) -> int:
        return index_of(self.ipr_here(), self.name)

    def settable(self) -> List[Tuple[str, Field, Dict[str, Any]]]:
        """(name, field, extra pyroute2 keywords) of what the kernel keeps as attributes: the kind's own (sorted), then
        mtu, mac address and alias."""
        own = [(name, self.fields[name], dict(kind=self.kind)) for name in sorted(self.fields) if self.fields[name].kwarg]
        return own + [(name, COMMON[name], {}) for name in ('mtu', 'mac_address', 'alias')]

    def create_in(self) -> Optional[str]:
        """The namespace whose socket creates the link: that of a lower device in another namespace, if any."""
        for field in self.fields.values():
            if isinstance(field, LowerLinkField) and field.netns_option:
                return field.netns(self)
        return self.netns

    def create_mac(self) -> str:
        """The MAC the link is made with: the one asked for, else the creator's choice (params 'create_mac', taken
        only when the link is made), else a persistent one."""
        return self.want.get('mac_address') or self.params.get('create_mac') or persistent_mac(self.netns, self.name)

    def default_mtu(self) -> Optional[int]:
        """The MTU the kernel gives a new link of this kind when none is asked for (None: unknown here)."""
        return 1500

    def created(self) -> Dict[str, Any]:
        """A new link as the kernel reports it before anything else is set: the base of check mode's prediction."""
        fresh = dict(name=self.name, netns=self.netns, kind=self.kind, master=None, addresses=[], up=False, alias=None,
                     mtu=self.default_mtu(), mac_address=self.create_mac())  # type: Dict[str, Any]
        fresh.update((name, field.created) for name, field in self.fields.items() if field.compared)
        return fresh

    def create_kwargs(self) -> Dict[str, Any]:
        kwargs = dict(ifname=self.name, kind=self.kind, address=self.create_mac())
        for name, field, _extra in self.settable():
            if self.want.get(name) is not None and name not in SET_AFTER_CREATE:
                kwargs.update(field.kwargs(self, self.want[name]))
        return kwargs

    def op_create(self) -> Op:
        shown = ', '.join('%s %s' % (k, v) for k, v in sorted(self.want.items())
                          if k not in ('up', 'master', 'addresses') + SET_AFTER_CREATE and v is not None)

        def create() -> None:
            there = self.create_in()
            if there == self.netns:
                self.ipr_here().link('add', **self.create_kwargs())
                return
            fd = self.nl.ns_fd(self.netns)
            try:
                self.ipr(there).link('add', net_ns_fd=fd, **self.create_kwargs())
            finally:
                os.close(fd)
        return Op('create %s%s' % (self.label, ' (%s)' % shown if shown else ''), create)

    def op_delete(self, kind: Optional[str] = None) -> Op:
        label = self.label if kind in (None, self.kind) else '%s %s in %s' % (kind, self.name, where(self.netns))
        return Op('delete %s' % label, lambda: self.ipr_here().link('del', index=self.index()))

    def plan_create(self) -> Tuple[List[Op], State]:
        ops, after = self.plan_update(self.created(), creating=True)
        return [self.op_create()] + ops, after

    def plan_update(self, have: State, creating: bool = False) -> Tuple[List[Op], State]:
        """Ops that turn 'have' into what the user set, and the state they lead to."""
        after = dict(have)
        ops = []  # type: List[Op]
        for name, field, extra in self.settable():
            if (not creating or name in SET_AFTER_CREATE) and name in self.want and have.get(name) != self.want[name]:
                ops.append(self.op_set(name, field, extra, have.get(name), self.want[name]))
        after.update(self.want)
        folded = self.create_with if creating else ()
        master = self.plan_master(have)
        ops.extend(master if 'master' not in folded else [])
        ops.extend(self.plan_addresses(have, after))
        ops.extend(self.plan_extra(have, after, creating))
        if 'up' in self.want and have.get('up') != self.want['up'] and 'up' not in folded:
            up = self.want['up']
            ops.append(Op('%s %s' % ('bring up' if up else 'bring down', self.label),
                          lambda: self.ipr_here().link('set', index=self.index(), state='up' if up else 'down')))
        return ops, after

    def op_set(self, name: str, field: Field, extra: Dict[str, Any], old: Any, new: Any) -> Op:
        return Op('set %s of %s: %s -> %s' % (name, self.label, old, new),
                  lambda: self.ipr_here().link('set', index=self.index(), **dict(extra, **field.kwargs(self, new))))

    def folded_kwargs(self) -> Dict[str, Any]:
        """The create request's share of master and up (see create_with), at apply time."""
        kwargs = {}  # type: Dict[str, Any]
        if 'master' in self.create_with and self.want.get('master') is not None:
            kwargs['master'] = index_of(self.ipr_here(), self.want['master'])
        if 'up' in self.create_with and self.want.get('up'):
            kwargs['state'] = 'up'
        return kwargs

    def folded_text(self) -> str:
        """The create action's words for what the request also does: ', attached to bridge br0, up'."""
        words = []
        if 'master' in self.create_with and self.want.get('master') is not None:
            words.append('attached to bridge %s' % self.want['master'])
        if 'up' in self.create_with and self.want.get('up'):
            words.append('up')
        return ''.join(', ' + w for w in words)

    def plan_master(self, have: State) -> List[Op]:
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

        def attach() -> None:
            ipr = self.ipr_here()
            ipr.link('set', index=self.index(), master=index_of(ipr, master))
        return [Op('attach %s to bridge %s' % (self.label, master), attach)]

    def plan_addresses(self, have: State, after: Dict[str, Any]) -> List[Op]:
        if 'addresses' not in self.want:
            return []
        plan = address.AddressPlan(self.ipr_here, self.index, self.name, self.netns, self.want['addresses'],
                                   purge=self.params.get('purge_addresses') or False,
                                   nodad=self.params.get('nodad') or False,
                                   stale=self.params.get('stale_addresses') or ())
        ops, after['addresses'] = plan.plan(have.get('addresses'))
        return ops

    def plan_extra(self, have: State, after: Dict[str, Any], creating: bool) -> List[Op]:
        """Kind-specific steps between addresses and up (e.g. the vxlan's flood entries)."""
        return []


def link_main(kind: Type[Link]) -> None:
    """The whole body of a link kind's module."""
    module_main(kind.argument_spec(), kind, kind.kind, **kind.module_kwargs)
