# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: overlay_hosts
short_description: Plan a VXLAN overlay from the inventory (underlay addresses, host subnets, VTEP MACs)
version_added: 0.1.0
description:
  - For every host of the overlay group, in inventory order, returns its underlay address, its slice of the
    cluster subnet, the slice's gateway and, for the routed mode, its VTEP MAC and address.
  - The underlay address is C(overlay_network_underlay_address) from the host's variables, else the address of
    its default IPv4 route from facts (C(ansible_default_ipv4)). A host with neither fails, named in the message.
  - The host subnet is C(overlay_network_host_subnet), else the slice of the cluster subnet at the host's position
    in the group. Subnets outside the cluster subnet, overlapping subnets and shared underlay addresses fail.
  - Used by the role M(linuxnet.fabric.overlay_network).
positional: hosts, cluster_subnet
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
  cluster_subnet:
    description: The cluster-wide subnet, for example C(10.244.0.0/16).
    type: str
    required: true
  host_prefix:
    description: Prefix length of a host's slice when it is not given.
    type: int
    default: 24
  vni:
    description: The VNI (it is part of the VTEP MAC, so two overlays on one host never share one).
    type: int
    default: 1
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: The overlay's plan, for every host of group 'overlay'
  ansible.builtin.set_fact:
    overlay_plan: "{{ hostvars | linuxnet.fabric.overlay_hosts(groups['overlay'], '10.244.0.0/16', vni=42) }}"
'''

RETURN = r'''
_value:
  description:
    - By host name, C(underlay), C(subnet), C(gateway) and C(vtep), the host as a peer of
      M(linuxnet.fabric.vxlan_peers) (C(underlay), C(mac), C(address), C(subnet)).
  type: dict
  sample:
    host-a:
      underlay: 198.18.0.1
      subnet: 10.244.0.0/24
      gateway: 10.244.0.1
      vtep: {underlay: 198.18.0.1, mac: "02:5e:1c:0a:33:90", address: 10.244.0.0, subnet: 10.244.0.0/24}
'''

import hashlib
import ipaddress

from ansible.errors import AnsibleFilterError


def _var(hostvars, host, name, default=None):
    try:
        value = hostvars[host].get(name, default)
    except KeyError:
        raise AnsibleFilterError("overlay_hosts: host '%s' is not in the inventory" % host)
    return default if value in (None, '') else value


def _underlay(hostvars, host):
    value = _var(hostvars, host, 'overlay_network_underlay_address')
    if value is None:
        facts = _var(hostvars, host, 'ansible_default_ipv4') or _var(hostvars, host, 'ansible_facts', {}).get(
            'default_ipv4') or {}
        value = facts.get('address')
    if value is None:
        raise AnsibleFilterError("overlay_network_underlay_address: host '%s' has none (set it, or gather facts so its "
                                 "default IPv4 address can be used)" % host)
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise AnsibleFilterError("overlay_network_underlay_address=%r of host '%s' is not an IP address" % (value, host))


def vtep_mac(underlay, vni):
    """A stable, locally administered MAC for a host's VTEP: every host can compute every peer's."""
    digest = hashlib.sha1(('%s/%d' % (underlay, vni)).encode('utf-8')).hexdigest()
    return '02:' + ':'.join(digest[i:i + 2] for i in range(0, 10, 2))


def overlay_hosts(hostvars, hosts, cluster_subnet, host_prefix=24, vni=1):
    try:
        cluster = ipaddress.ip_network(cluster_subnet)
    except ValueError as e:
        raise AnsibleFilterError('overlay_network_subnet=%r: %s' % (cluster_subnet, e))
    if not cluster.prefixlen < host_prefix <= cluster.max_prefixlen - 2:
        raise AnsibleFilterError('overlay_network_host_prefix=%r: must be longer than the cluster prefix /%d and leave '
                                 'room for hosts' % (host_prefix, cluster.prefixlen))
    slices = cluster.subnets(new_prefix=host_prefix)
    plan, owners = {}, {}
    for position, host in enumerate(hosts):
        default = next(slices, None)
        underlay = _underlay(hostvars, host)
        if underlay in owners:
            raise AnsibleFilterError("overlay_network_underlay_address: hosts '%s' and '%s' both have %s"
                                     % (owners[underlay], host, underlay))
        owners[underlay] = host
        given = _var(hostvars, host, 'overlay_network_host_subnet')
        try:
            subnet = ipaddress.ip_network(given) if given else default
        except ValueError as e:
            raise AnsibleFilterError("overlay_network_host_subnet=%r of host '%s': %s" % (given, host, e))
        if subnet is None:
            raise AnsibleFilterError('overlay_network_subnet=%s: no /%d slice left for host %s (position %d)'
                                     % (cluster, host_prefix, host, position))
        if subnet.version != cluster.version or not subnet.subnet_of(cluster):
            raise AnsibleFilterError("overlay_network_host_subnet=%s of host '%s' is outside the cluster subnet %s"
                                     % (subnet, host, cluster))
        for other, entry in plan.items():
            if ipaddress.ip_network(entry['subnet']).overlaps(subnet):
                raise AnsibleFilterError("overlay_network_host_subnet: %s of host '%s' overlaps %s of host '%s'"
                                         % (subnet, host, entry['subnet'], other))
        vtep = dict(underlay=str(underlay), mac=vtep_mac(underlay, vni), address=str(subnet.network_address),
                    subnet=str(subnet))
        plan[host] = dict(underlay=str(underlay), subnet=str(subnet), gateway=str(next(subnet.hosts())), vtep=vtep)
    return plan


class FilterModule(object):
    def filters(self):
        return {'overlay_hosts': overlay_hosts}
