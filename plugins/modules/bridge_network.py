#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: bridge_network
short_description: Converge a whole docker0-style bridge network (bridge and all endpoints) in one task
version_added: 0.1.0
description:
  - Ensures a bridge with the gateway address and, for every endpoint, a network namespace, a veth pair with its
    peer (C(eth0)) inside the namespace attached to the bridge, the endpoint's address and a default route via the
    gateway, and C(lo) up. One task, one netlink socket per namespace, no fork per namespace.
  - Addresses not given are assigned from the subnet, lowest free first; an existing endpoint keeps its address,
    the gateway and addresses in use are never given out.
  - What this module creates is marked as belonging to O(network) (interface aliases C(fabric:NETWORK[:ENDPOINT]),
    and the alias of C(lo) in namespaces it created). O(purge) and O(state=absent) remove only marked objects.
  - Used by the role M(linuxnet.fabric.bridge_network); firewalling (masquerade, isolation, published ports) is
    done by the role.
options:
  network:
    description: Name of the network (1 to 64 letters, digits, C(_), C(.), C(-)); used in the ownership marks.
    type: str
    required: true
  bridge:
    description: Name of the bridge.
    type: str
    required: true
  subnet:
    description: The network's subnet, for example V(172.17.0.0/16). Required with O(state=present).
    type: str
  gateway:
    description: Address of the bridge, inside O(subnet). Defaults to the first host address of O(subnet).
    type: str
  ip_range:
    description:
      - Part of O(subnet) that addresses are assigned from (like Docker's C(--ip-range)), for example one host's
        slice of a subnet shared by several hosts. Defaults to the whole subnet.
    type: str
  mtu:
    description: MTU of the bridge and of both ends of every veth. Not managed when omitted.
    type: int
  endpoints:
    description: The endpoints. Each is a network namespace (created if missing) plugged into the bridge.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of the endpoint's network namespace.
        type: str
        required: true
      address:
        description: Address inside O(subnet), with or without the subnet's prefix length. Assigned when omitted.
        type: str
      interface:
        description: Name of the interface inside the namespace.
        type: str
        default: eth0
      mac_address:
        description: Unicast MAC address of the endpoint's interface.
        type: str
  purge:
    description: Remove endpoints of this network (marked as its own) that are not listed.
    type: bool
    default: false
  state:
    description: C(absent) removes every object marked as this network's (endpoints, namespaces it created, bridge).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.lock
seealso:
  - module: linuxnet.fabric.bridge
  - module: linuxnet.fabric.veth
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Two containers on a docker0-style network
  linuxnet.fabric.bridge_network:
    network: default
    bridge: docker0
    subnet: 172.17.0.0/16
    endpoints:
      - name: nginx-1
        address: 172.17.0.2
      - name: nginx-2

- name: Remove everything the network made
  linuxnet.fabric.bridge_network:
    network: default
    bridge: docker0
    state: absent
'''

RETURN = r'''
actions:
  description: What was done, or in check mode what would be done, in order.
  returned: always
  type: list
  elements: str
diff:
  description: The network before and after (bridge and endpoints).
  returned: always
  type: dict
  contains:
    before:
      description: State before the run.
      type: dict
    after:
      description: State after the run (predicted in check mode).
      type: dict
network:
  description: The network after the run (predicted in check mode).
  returned: always
  type: dict
  contains:
    bridge:
      description: The bridge, as returned by M(linuxnet.fabric.bridge); empty when absent.
      type: dict
    endpoints:
      description: By endpoint name, C(address) (with prefix), C(interface), C(host_interface), C(mac_address).
      type: dict
  sample: {bridge: {name: docker0, addresses: ["172.17.0.1/16"]}, endpoints: {nginx-1: {address: 172.17.0.2/16,
           interface: eth0, host_interface: veth1f3a9c2e, mac_address: "02:42:ac:11:00:02"}}}
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import batch_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge_network import BridgeNetwork


def main():
    batch_main(dict(
        network=dict(type='str', required=True),
        bridge=dict(type='str', required=True),
        netns=dict(type='str'),
        subnet=dict(type='str'),
        gateway=dict(type='str'),
        ip_range=dict(type='str'),
        mtu=dict(type='int'),
        endpoints=dict(type='list', elements='dict', default=[], options=dict(
            name=dict(type='str', required=True),
            address=dict(type='str'),
            interface=dict(type='str', default='eth0'),
            mac_address=dict(type='str'),
        )),
        purge=dict(type='bool', default=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ), BridgeNetwork, 'network', required_if=[('state', 'present', ['subnet'])])


if __name__ == '__main__':
    main()
