# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
name: overlay_hosts
short_description: Plan a VXLAN overlay from the inventory (underlay addresses, stable host slices)
version_added: 0.1.0
description:
  - For every host of the overlay group, returns its underlay address and its slice of each cluster subnet (its
    subnet in C(l3) mode, its address range in C(l2) mode) with the slice's gateway.
  - The underlay address is C(overlay_network_underlay_address) from the host's variables, else its default IPv4
    (then IPv6) address from facts. All hosts of a group must have underlay addresses of one family.
  - "Slices are stable: a pinned one (C(overlay_network_host_subnet), C(overlay_network_host_subnet6)) first; then
    a host keeps the slice it holds (the gateway address on its bridge, from C(current)); then a new host takes the
    slice at its position in the group if it is free, else the lowest free one. Two hosts never hold one slice: a
    conflict is reported, naming both hosts."
  - Never fails. What is wrong is returned in C(problems) (messages that name the role variable), so the role
    can report it in one line before anything is changed.
  - Used by the role M(linuxnet.fabric.overlay_network).
positional: hosts
options:
  _input:
    description: C(hostvars).
    type: dict
    required: true
  hosts:
    description: The hosts of the overlay, in order (for example C(groups['overlay'])).
    type: list
    elements: str
    required: true
  subnet:
    description: The cluster-wide IPv4 subnet, for example C(10.244.0.0/16). Empty for none.
    type: str
    default: ''
  subnet6:
    description: The cluster-wide IPv6 prefix, for example C(fd00:244::/48). Empty for none.
    type: str
    default: ''
  host_prefix:
    description: Prefix length of a host's IPv4 slice when it is not pinned.
    type: raw
    default: 24
  host_prefix6:
    description: Prefix length of a host's IPv6 slice when it is not pinned; 0 means 64 in C(l3) mode and 80 in C(l2).
    type: raw
    default: 0
  mode:
    description: C(l2) or C(l3).
    type: str
    default: l2
  bridge:
    description: The name of the overlay's bridge on every host.
    type: str
    default: ''
  current:
    description:
      - What each host holds now. The name of a variable that every host registered from
        M(linuxnet.fabric.net_info) (gather C(addresses), one namespace), or a dict by host of the addresses (with
        prefix) of its bridge.
      - A host of the group that was not read (it is not in the play) and has no pinned slice is a problem, since its
        slice cannot be known, and guessing could give it to another host.
    type: raw
    default: {}
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: The overlay's plan, for every host of group 'overlay'
  ansible.builtin.set_fact:
    overlay_plan: "{{ hostvars | linuxnet.fabric.overlay_hosts(groups['overlay'], subnet='10.244.0.0/16') }}"
'''

RETURN = r'''
_value:
  description:
    - C(problems), a list of messages (empty when the plan is sound), and C(hosts), by host name C(underlay),
      and per family present C(subnet), C(gateway), C(ip_range) (IPv4) and C(subnet6), C(gateway6), C(ip_range6).
    - In C(l2) mode C(subnet) is the cluster subnet and C(ip_range) the host's slice; in C(l3) both are the slice.
  type: dict
  sample:
    problems: []
    hosts:
      host-a: {underlay: 198.18.0.1, subnet: 10.244.0.0/24, gateway: 10.244.0.1, ip_range: 10.244.0.0/24}
'''

import ipaddress

from ansible.module_utils.common.validation import check_type_int

VARS = {4: ('overlay_network_subnet', 'overlay_network_host_prefix', 'overlay_network_host_subnet'),
        6: ('overlay_network_subnet6', 'overlay_network_host_prefix6', 'overlay_network_host_subnet6')}


class Problem(Exception):
    pass


def _var(hostvars, host, name):
    value = (hostvars.get(host) or {}).get(name)
    return None if value in (None, '') else value


def _underlay(hostvars, host):
    value = _var(hostvars, host, 'overlay_network_underlay_address')
    if value is None:
        facts = _var(hostvars, host, 'ansible_facts') or {}
        for key in ('default_ipv4', 'default_ipv6'):
            value = value or (_var(hostvars, host, 'ansible_' + key) or facts.get(key) or {}).get('address')
    if value is None:
        raise Problem("overlay_network_underlay_address: host '%s' has none (set it, or gather facts so its default "
                      "address can be used)" % host)
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise Problem("overlay_network_underlay_address=%r of host '%s' is not an IP address" % (value, host))


def _int(name, value, low, high):
    try:
        number = check_type_int(value)
    except TypeError:
        raise Problem('%s=%r: expected an integer' % (name, value))
    if not low <= number <= high:
        raise Problem('%s=%s is out of range: %d..%d' % (name, number, low, high))
    return number


def _cluster(version, text):
    name = VARS[version][0]
    try:
        net = ipaddress.ip_network(text)
    except ValueError as e:
        raise Problem('%s=%r: %s' % (name, text, e))
    if net.version != version:
        raise Problem('%s=%s: expected an IPv%d network' % (name, text, version))
    return net


class Slices(object):
    """The slices of one cluster subnet, handed out stably (see DOCUMENTATION)."""

    def __init__(self, version, cluster, prefix, hosts):
        self.version, self.cluster, self.prefix, self.hosts = version, cluster, prefix, hosts
        self.owner = {}  # slice -> host

    def take(self, host, net, why):
        for held, other in self.owner.items():
            if other != host and held.overlaps(net):
                raise Problem("%s: slice %s of host '%s' (%s) overlaps %s, held by host '%s'; pin one of them elsewhere "
                              "(%s)" % (VARS[self.version][2], net, host, why, held, other, VARS[self.version][2]))
        self.owner[net] = host

    def pinned(self, host, text):
        name = VARS[self.version][2]
        try:
            net = ipaddress.ip_network(text)
        except ValueError as e:
            raise Problem("%s=%r of host '%s': %s" % (name, text, host, e))
        if net.version != self.version or not net.subnet_of(self.cluster):
            raise Problem("%s=%s of host '%s' is outside the cluster subnet %s" % (name, net, host, self.cluster))
        if net.num_addresses < 4:
            raise Problem("%s=%s of host '%s' is too small" % (name, net, host))
        self.take(host, net, 'pinned')
        return net

    def current(self, host, addresses):
        """The slice a host holds now: the one whose gateway (first address) is on its bridge."""
        for cidr in addresses:
            try:
                ip = ipaddress.ip_interface(cidr).ip
            except ValueError:
                continue
            if ip.version != self.version or ip not in self.cluster:
                continue
            net = ipaddress.ip_network('%s/%d' % (ip, self.prefix), strict=False)
            if ip == net.network_address + 1 and net.subnet_of(self.cluster):
                return net
        return None

    def assign(self, pins, currents):
        """pins/currents: {host: slice text / [cidrs]} -> {host: slice}."""
        result = dict((h, self.pinned(h, pins[h])) for h in self.hosts if pins.get(h))
        for host in self.hosts:
            held = None if host in result else self.current(host, currents.get(host) or [])
            if held is not None:
                self.take(host, held, 'its current slice')
                result[host] = held
        free = self.cluster.subnets(new_prefix=self.prefix)  # lazy: a /48 holds 65536 /64s
        for position, host in enumerate(self.hosts):
            if host in result:
                continue
            slot = self._slot(position)
            if slot is None or any(slot.overlaps(t) for t in self.owner):
                slot = self._lowest_free(free)
            if slot is None:
                raise Problem('%s=%s: no /%d slice left for host %s' % (VARS[self.version][0], self.cluster, self.prefix, host))
            self.take(host, slot, 'a free slice')
            result[host] = slot
        return result

    def _slot(self, position):
        size = 1 << (self.cluster.max_prefixlen - self.prefix)
        if (position + 1) * size > self.cluster.num_addresses:
            return None
        return ipaddress.ip_network('%s/%d' % (self.cluster.network_address + position * size, self.prefix))

    def _lowest_free(self, free):
        for position in range(len(self.hosts) + len(self.owner) + 1):  # past the hosts' positions if need be
            slot = self._slot(position)
            if slot is not None and not any(slot.overlaps(t) for t in self.owner):
                return slot
        return next((s for s in free if not any(s.overlaps(t) for t in self.owner)), None)


def _plan(hostvars, hosts, subnet, subnet6, host_prefix, host_prefix6, mode, current):
    if mode not in ('l2', 'l3'):
        raise Problem("overlay_network_mode=%r: expected one of: l2, l3" % (mode,))
    clusters = {}
    for version, text in ((4, subnet), (6, subnet6)):
        if text:
            clusters[version] = _cluster(version, text)
    if not clusters:
        raise Problem('overlay_network_subnet: an overlay needs overlay_network_subnet (IPv4), '
                      'overlay_network_subnet6 (IPv6) or both')
    prefixes = {}
    if 4 in clusters:
        prefixes[4] = _int('overlay_network_host_prefix', host_prefix, clusters[4].prefixlen + 1, 30)
    if 6 in clusters:
        six = _int('overlay_network_host_prefix6', host_prefix6, 0, 126) or (64 if mode == 'l3' else 80)
        if six <= clusters[6].prefixlen:
            raise Problem('overlay_network_host_prefix6=%d: must be longer than the prefix of overlay_network_subnet6 '
                          '(/%d)' % (six, clusters[6].prefixlen))
        prefixes[6] = six
    plan, owners = dict((h, {}) for h in hosts), {}
    for host in hosts:
        underlay = _underlay(hostvars, host)
        if underlay in owners:
            raise Problem("overlay_network_underlay_address: hosts '%s' and '%s' both have %s" % (owners[underlay], host, underlay))
        owners[underlay] = host
        plan[host]['underlay'] = str(underlay)
    families = set(ipaddress.ip_address(p['underlay']).version for p in plan.values())
    if len(families) > 1:
        v4 = [h for h in hosts if ':' not in plan[h]['underlay']]
        v6 = [h for h in hosts if ':' in plan[h]['underlay']]
        raise Problem('overlay_network_underlay_address: one group cannot mix IPv4 underlays (%s) with IPv6 ones (%s)'
                      % (', '.join(v4), ', '.join(v6)))
    for version, cluster in clusters.items():
        pins = dict((h, _var(hostvars, h, VARS[version][2])) for h in hosts)
        slices = Slices(version, cluster, prefixes[version], hosts).assign(pins, current)
        suffix = '' if version == 4 else '6'
        for host, net in slices.items():
            plan[host].update({'subnet' + suffix: str(cluster if mode == 'l2' else net),
                               'ip_range' + suffix: str(net), 'gateway' + suffix: str(net.network_address + 1)})
    return plan


def _bridge_addresses(hostvars, hosts, bridge, registered):
    """{host: addresses of its bridge} from each host's registered net_info result; hosts not read are left out."""
    found = {}
    for host in hosts:
        result = (hostvars.get(host) or {}).get(registered)
        if not isinstance(result, dict) or 'net' not in result:
            continue
        namespaces = list(result['net'].get('namespaces', {}).values())
        link = (namespaces[0].get('links') or {}).get(bridge) if namespaces else None
        found[host] = list((link or {}).get('addresses') or [])
    return found


def overlay_hosts(hostvars, hosts, subnet='', subnet6='', host_prefix=24, host_prefix6=0, mode='l2', bridge='',
                  current=None):
    hosts = list(hosts)
    if isinstance(current, str):
        current = _bridge_addresses(hostvars, hosts, bridge, current)
        unread = [h for h in hosts if h not in current and not (_var(hostvars, h, VARS[4][2]) or _var(hostvars, h, VARS[6][2]))]
        if unread:
            return dict(problems=['overlay_network_host_subnet: the slices of hosts %s cannot be read (they are not in '
                                  'this play) and are not pinned: run the play on every host of the overlay, or pin '
                                  'their slices' % ', '.join(unread)], hosts={})
    try:
        return dict(problems=[], hosts=_plan(hostvars, hosts, subnet, subnet6, host_prefix, host_prefix6, mode,
                                             current or {}))
    except Problem as e:
        return dict(problems=[str(e)], hosts={})


class FilterModule(object):
    def filters(self):
        return {'overlay_hosts': overlay_hosts}
