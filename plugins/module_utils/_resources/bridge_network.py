# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole bridge network in one run: the bridge, and per endpoint a namespace, a veth (peer inside), an address
and a default route. Built from the other resource kinds; adds address assignment (IPAM) and ownership.

Ownership marks live in the kernel, so they die with what they mark:
- the bridge and each host-side veth carry the alias 'fabric:<network>' / 'fabric:<network>:<endpoint>';
- a namespace this network created carries 'fabric:<network>' as the alias of its lo.
Purge and state=absent remove only what carries this network's mark.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import ipaddress
import re

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import lookup
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import address
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge import Bridge
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.netns import Netns
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.route import Route
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.veth import Veth

MARK = 'fabric:'
_NETWORK_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')


def mark(network, endpoint=None):
    return MARK + network + (':' + endpoint if endpoint else '')


def host_interface(network, endpoint, interface):
    """A stable host-side veth name that fits IFNAMSIZ: 'veth' + 8 hex of a hash."""
    digest = hashlib.sha1(('%s/%s/%s' % (network, endpoint, interface)).encode('utf-8')).hexdigest()
    return 'veth' + digest[:8]


def bridge_mac(network):
    """A stable, locally administered MAC for the bridge, so it does not change as ports come and go."""
    digest = hashlib.sha1(network.encode('utf-8')).hexdigest()
    return '02:' + ':'.join(digest[i:i + 2] for i in range(0, 10, 2))


class BridgeNetwork(object):
    """Validates everything up front, then offers the resources to converge (see _reconcile.batch_main)."""

    def __init__(self, nl, params, check_mode):
        self.nl, self.check_mode = nl, check_mode
        self.network = params['network']
        if not isinstance(self.network, str) or not _NETWORK_NAME.match(self.network):
            raise _validate.InvalidInput('network', self.network, 'a network name is 1 to 64 letters, digits, '
                                         "'_', '.' or '-', starting with a letter or digit")
        self.bridge = _validate.ifname('bridge', params['bridge'])
        self.netns = _validate.netns('netns', params.get('netns'))
        self.state = params.get('state') or 'present'
        self.purge = params.get('purge') or False
        self.mtu = _validate.mtu('mtu', params.get('mtu'))
        self.subnet = self._subnet(params.get('subnet'))
        self.gateway = self._gateway(params.get('gateway'))
        self.ip_range = self._ip_range(params.get('ip_range'))
        self.endpoints = self._endpoints(params.get('endpoints') or [])

    # --- validation ------------------------------------------------------------------------------
    def _subnet(self, value):
        if self.state == 'absent' and value is None:
            return None
        net = ipaddress.ip_network(_validate.network('subnet', value))
        if net.num_addresses < 4:
            raise _validate.InvalidInput('subnet', value, 'too small: it needs room for a gateway and endpoints')
        return net

    def _gateway(self, value):
        if self.subnet is None:
            return None
        if value is None:
            return next(self.subnet.hosts())
        gateway = ipaddress.ip_address(_validate.ip('gateway', value))
        if gateway not in self.subnet or gateway in (self.subnet.network_address, self.subnet.broadcast_address):
            raise _validate.InvalidInput('gateway', value, 'must be a host address inside subnet %s' % self.subnet)
        return gateway

    def _ip_range(self, value):
        """Where addresses are assigned from (default: the whole subnet), e.g. one host's slice of a shared subnet."""
        if value is None or self.subnet is None:
            return self.subnet
        net = ipaddress.ip_network(_validate.network('ip_range', value))
        if net.version != self.subnet.version or not net.subnet_of(self.subnet):
            raise _validate.InvalidInput('ip_range', value, 'must lie inside subnet %s' % self.subnet)
        return net

    def _endpoints(self, items):
        names, addresses, result = set(), {}, []
        for i, item in enumerate(items):
            opt = 'endpoints[%d].' % i
            name = _validate.netns(opt + 'name', item.get('name'))
            if name is None:
                raise _validate.InvalidInput(opt + 'name', None, 'every endpoint needs a name (its namespace)')
            if name in names:
                raise _validate.InvalidInput(opt + 'name', name, 'listed more than once')
            names.add(name)
            ep = dict(name=name, interface=_validate.ifname(opt + 'interface', item.get('interface') or 'eth0'))
            if item.get('mac_address') is not None:
                ep['mac_address'] = _validate.mac(opt + 'mac_address', item['mac_address'])
            if item.get('address') is not None and self.subnet is not None:
                ip = self._address(opt + 'address', item['address'])
                if ip in addresses:
                    raise _validate.InvalidInput(opt + 'address', item['address'],
                                                 'already given to endpoint %s' % addresses[ip])
                addresses[ip] = name
                ep['address'] = ip
            ep['host_interface'] = host_interface(self.network, name, ep['interface'])
            result.append(ep)
        usable = self.subnet.num_addresses - (2 if self.subnet.version == 4 else 1) - 1 if self.subnet else 0
        if self.state == 'present' and len(result) > usable:
            raise _validate.InvalidInput('subnet', str(self.subnet), 'too small for %d endpoints (room for %d)'
                                         % (len(result), usable))
        return result

    def _address(self, option, value):
        text = value if isinstance(value, str) else ''
        ip_text, prefix = (text.split('/', 1) + [''])[:2]
        ip = ipaddress.ip_address(_validate.ip(option, ip_text))
        if prefix and prefix != str(self.subnet.prefixlen):
            raise _validate.InvalidInput(option, value, 'the prefix is the subnet\'s (/%d)' % self.subnet.prefixlen)
        if ip not in self.subnet or ip in (self.subnet.network_address, self.subnet.broadcast_address):
            raise _validate.InvalidInput(option, value, 'not a host address of subnet %s' % self.subnet)
        if ip == self.gateway:
            raise _validate.InvalidInput(option, value, 'that is the gateway of the network')
        return ip

    # --- what exists -----------------------------------------------------------------------------
    def owned(self):
        """Endpoints of this network that exist in the kernel: {endpoint name: host interface}."""
        if not self.nl.exists(self.netns):
            return {}
        prefix = mark(self.network) + ':'
        found = {}
        for msg in self.nl.ipr(self.netns).get_links():
            alias = msg.get_attr('IFLA_IFALIAS') or ''
            if alias.startswith(prefix):
                found[alias[len(prefix):]] = msg.get_attr('IFLA_IFNAME')
        return found

    def current_address(self, netns, interface=None):
        """The address an existing endpoint has inside the subnet (on 'interface', else on any), or None."""
        if not self.nl.exists(netns):
            return None
        ipr = self.nl.ipr(netns)
        msg = lookup(ipr, interface) if interface else None
        if interface and msg is None:
            return None
        for cidr in address.read(ipr, msg['index'] if msg else None):
            ip = ipaddress.ip_interface(cidr).ip
            if ip in self.subnet:
                return ip
        return None

    def assign_addresses(self, others):
        """Keeps each endpoint's address (declared, else the one it has); gives new ones the lowest free one.
        'others' are endpoints of this network that stay but are not listed: their addresses are taken too."""
        taken = {self.gateway}
        for name in others:
            taken.add(self.current_address(name))
        for ep in self.endpoints:
            if 'address' not in ep:
                current = self.current_address(ep['name'], ep['interface'])
                if current is not None and current not in taken and current not in [e.get('address') for e in self.endpoints]:
                    ep['address'] = current
            if 'address' in ep:
                taken.add(ep['address'])
        free = (ip for ip in self.ip_range.hosts()
                if ip not in taken and ip not in (self.subnet.network_address, self.subnet.broadcast_address))
        for i, ep in enumerate(self.endpoints):
            if 'address' not in ep:
                ep['address'] = next(free, None)
                if ep['address'] is None:
                    raise _validate.InvalidInput('ip_range', str(self.ip_range), 'no free address left for endpoint '
                                                 '%s (endpoints[%d])' % (ep['name'], i))

    # --- the resources ---------------------------------------------------------------------------
    def resources(self):
        owned = self.owned_now = self.owned()
        declared = set(ep['name'] for ep in self.endpoints) if self.state == 'present' else set()
        doomed = [name for name in sorted(owned) if name not in declared and (self.purge or self.state == 'absent')]
        resources = [self._removal(name, owned[name]) for name in doomed]
        if self.state == 'absent':
            bridge = Bridge(self.nl, dict(name=self.bridge, netns=self.netns, state='absent'), self.check_mode)
            return resources + ([bridge] if self._bridge_is_ours() else [])
        self.assign_addresses([name for name in owned if name not in declared and name not in doomed])
        resources.append(Bridge(self.nl, dict(
            name=self.bridge, netns=self.netns, mtu=self.mtu, up=True, alias=mark(self.network),
            mac_address=bridge_mac(self.network),
            addresses=['%s/%d' % (self.gateway, self.subnet.prefixlen)]), self.check_mode))
        for ep in self.endpoints:
            resources.extend(self._endpoint(ep))
        return resources

    def _bridge_is_ours(self):
        if not self.nl.exists(self.netns):
            return False
        msg = lookup(self.nl.ipr(self.netns), self.bridge)
        return msg is not None and msg.get_attr('IFLA_IFALIAS') == mark(self.network)

    def _removal(self, name, host_if):
        """A namespace this network made goes with its veth; in any other only the veth goes."""
        if self.nl.exists(name) and lookup(self.nl.ipr(name), 'lo').get_attr('IFLA_IFALIAS') == mark(self.network):
            return Netns(self.nl, dict(name=name, state='absent'), self.check_mode)
        return Veth(self.nl, dict(name=host_if, netns=self.netns, state='absent'), self.check_mode)

    def _endpoint(self, ep):
        cidr = '%s/%d' % (ep['address'], self.subnet.prefixlen)
        peer = dict(name=ep['interface'], netns=ep['name'], addresses=[cidr], mtu=self.mtu, up=True)
        if 'mac_address' in ep:
            peer['mac_address'] = ep['mac_address']
        return [
            Netns(self.nl, dict(name=ep['name'], loopback_up=True, mark=mark(self.network)), self.check_mode),
            # recreate: a pair this network made (its host end carries the mark) whose peer was moved or renamed,
            # or whose host end was renamed (its peer then holds the interface name), is replaced, not refused.
            Veth(self.nl, dict(name=ep['host_interface'], netns=self.netns, master=self.bridge, mtu=self.mtu,
                               up=True, alias=mark(self.network, ep['name']), peer=peer,
                               recreate=ep['name'] in self.owned_now), self.check_mode),
            Route(self.nl, dict(netns=ep['name'], dst='default' if self.subnet.version == 4 else '::/0',
                                gateway=str(self.gateway), dev=ep['interface'], state='present'), self.check_mode),
        ]

    def summarize(self, results):
        """before/after: {endpoint: {address, interface, host_interface}} plus the bridge."""
        def endpoints(key):
            found = {}
            for r in results:
                state = r[key]
                if state.get('kind') == 'veth' and (state.get('alias') or '').startswith(mark(self.network) + ':'):
                    peer = state.get('peer') or {}
                    found[state['alias'].split(':', 2)[2]] = dict(
                        address=(peer.get('addresses') or [None])[0], interface=peer.get('name'),
                        host_interface=state['name'], mac_address=peer.get('mac_address'))
            for r in results:  # an endpoint removed with its namespace has no veth result of its own
                state = r[key]
                if state.get('mark') == mark(self.network) and state['name'] not in found:
                    found[state['name']] = dict(address=None, interface=None, mac_address=None,
                                                host_interface=self.owned_now.get(state['name']))
            return found
        bridge = [r for r in results if r['before'].get('kind') == 'bridge' or r['after'].get('kind') == 'bridge']
        before = dict(bridge=bridge[0]['before'] if bridge else {}, endpoints=endpoints('before'))
        after = dict(bridge=bridge[0]['after'] if bridge else {}, endpoints=endpoints('after'))
        return before, after
