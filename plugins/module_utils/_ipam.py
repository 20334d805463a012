# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Address management of a network, per IP version: its subnet, gateway and assignment range (Family), and the
lease file that remembers which address each endpoint got (Leases), as CNI's host-local IPAM keeps its leases."""

import ipaddress

from ansible_collections.linuxnet.fabric.plugins.module_utils import _files, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Op, Resource

KEYS = {4: 'address', 6: 'address6'}  # an endpoint's address option (and lease key) per IP version


class Family(object):
    """The subnet, gateway and assignment range of one IP version ('' for IPv4, '6' for IPv6 option names)."""

    def __init__(self, version, subnet, gateway, ip_range):
        self.version = version
        suffix = '' if version == 4 else '6'
        self.key = KEYS[version]
        self.subnet = self._subnet('subnet' + suffix, subnet)
        self.gateway = self._gateway('gateway' + suffix, gateway)
        self.ip_range = self._range('ip_range' + suffix, ip_range)

    def _subnet(self, option, value):
        net = ipaddress.ip_network(_validate.network(option, _validate.prefix_length(option, value)))
        if net.version != self.version:
            raise _validate.InvalidInput(option, value, 'expected an IPv%d network%s' % (
                self.version, " (IPv6 goes in 'subnet6')" if net.version == 6 else " (IPv4 goes in 'subnet')"))
        if net.prefixlen == 0:
            raise _validate.InvalidInput(option, value, 'must not be the whole address space')
        if net.prefixlen > net.max_prefixlen - 2:
            raise _validate.InvalidInput(option, value, 'too small: /%d at most, to leave room for a gateway and '
                                                        'endpoints' % (net.max_prefixlen - 2))
        return net

    def reserved(self, ip):
        """The subnet's own address (and IPv4's broadcast address): never a host's."""
        return ip == self.subnet.network_address or (self.version == 4 and ip == self.subnet.broadcast_address)

    def edge(self, ip):
        """The first address of the range (and, IPv4, its last): never given out, as Docker's ip-range does not;
        a host's slice keeps them for its gateway's neighbours (in l3 mode the first is the host's VTEP)."""
        return ip == self.ip_range.network_address or (self.version == 4 and ip == self.ip_range.broadcast_address)

    def _gateway(self, option, value):
        if value is None:
            return self.subnet.network_address + 1
        gateway = ipaddress.ip_address(_validate.ip(option, value, self.version))
        if gateway not in self.subnet or self.reserved(gateway):
            raise _validate.InvalidInput(option, value, 'must be a host address inside %s %s' % (
                'subnet' if self.version == 4 else 'subnet6', self.subnet))
        return gateway

    def _range(self, option, value):
        if value is None:
            return self.subnet
        net = ipaddress.ip_network(_validate.network(option, value))
        if net.version != self.version or not net.subnet_of(self.subnet):
            raise _validate.InvalidInput(option, value, 'must lie inside %s' % self.subnet)
        return net

    def host_address(self, option, value):
        """A declared endpoint address: inside the subnet, with or without its prefix, not the gateway."""
        text = value if isinstance(value, str) else ''
        ip_text, prefix = (text.split('/', 1) + [''])[:2]
        ip = ipaddress.ip_address(_validate.ip(option, ip_text, self.version))
        if prefix and prefix != str(self.subnet.prefixlen):
            raise _validate.InvalidInput(option, value, "the prefix is the subnet's (/%d)" % self.subnet.prefixlen)
        if ip not in self.subnet or self.reserved(ip):
            raise _validate.InvalidInput(option, value, 'not a host address of %s' % self.subnet)
        if ip == self.gateway:
            raise _validate.InvalidInput(option, value, 'that is the gateway of the network')
        return ip

    def usable(self, ip):
        """Whether an address may be (or stay) assigned: inside the range, not reserved, not the gateway."""
        return ip.version == self.version and ip in self.ip_range and not self.reserved(ip) and ip != self.gateway

    def free(self, taken):
        """The free addresses of the range, lowest first, found without enumerating a large IPv6 range."""
        first = int(self.ip_range.network_address)
        for offset in range(self.ip_range.num_addresses):
            ip = ipaddress.ip_address(first + offset)
            if ip not in taken and self.usable(ip) and not self.edge(ip):
                yield ip

    def cidr(self, ip):
        return '%s/%d' % (ip, self.subnet.prefixlen)


class Leases(Resource):
    """The lease file of a network on this host: the addresses it gave, by endpoint, and its gateways."""
    kind = 'leases'

    def __init__(self, nl, path, content, check_mode):
        super(Leases, self).__init__(nl, {}, check_mode)
        self.path, self.content = path, content

    def read(self):
        return _files.read_json(self.path)

    def plan(self, have):
        if self.content is None:
            return ([Op('remove the leases file %s' % self.path, lambda: _files.remove(self.path))] if have else []), None
        if have == self.content:
            return [], have
        return [Op('record the leases of network %s in %s' % (self.content['network'], self.path),
                   lambda: _files.write_json(self.path, self.content))], self.content
