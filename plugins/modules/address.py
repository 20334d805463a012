#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: address
short_description: Manage the IPv4 and IPv6 addresses of an interface in any network namespace
version_added: 0.1.0
description:
  - Ensures addresses (with prefix length) on an existing interface, in the current or a named network
    namespace, idempotently. The same code path as the O(linuxnet.fabric.bridge#module:addresses) option of the
    bridge and veth modules.
  - An address listed with another prefix length than it has on the interface is moved to the new prefix length.
  - The kernel's own IPv6 link-local address (C(fe80::/10)) is never listed, compared or removed.
options:
  interface:
    description: Name of the interface, which must exist (in check mode it may be created by an earlier task).
    type: str
    required: true
  addresses:
    description:
      - Addresses with prefix length, for example V(10.244.1.1/24) or V(fd00::1/64). IPv4 and IPv6.
      - With O(state=present) they are added if missing; with O(state=absent) they are removed if present.
      - Host bits are kept (V(10.0.0.5/24) is the address 10.0.0.5 on the network 10.0.0.0/24).
    type: list
    elements: str
    required: true
  purge:
    description:
      - Remove every address of the interface that is not listed (never the kernel's IPv6 link-local address).
      - With O(addresses=[]) this removes all addresses. Only with O(state=present).
    type: bool
    default: false
  state:
    description: V(present) adds the listed addresses, V(absent) removes them.
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
  - module: linuxnet.fabric.route
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: The gateway address of a container bridge inside a simulated host
  linuxnet.fabric.address:
    netns: host-a
    interface: cni0
    addresses:
      - 10.244.1.1/24
      - fd00:244:1::1/64

- name: Exactly one address on the container's eth0 (others are removed)
  linuxnet.fabric.address:
    netns: web-1
    interface: eth0
    addresses: [10.244.1.2/24]
    purge: true

- name: Remove an address
  linuxnet.fabric.address:
    netns: host-a
    interface: cni0
    addresses: [fd00:244:1::1/64]
    state: absent
'''

RETURN = r'''
changed:
  description: Whether an address was (or in check mode would be) added or removed.
  returned: always
  type: bool
  sample: true
actions:
  description: What was done, or in check mode what would be done, in order, plus notes on assumptions.
  returned: always
  type: list
  elements: str
  sample: ["add address 10.244.1.1/24 to cni0 in netns 'host-a'"]
diff:
  description: The addresses of the interface before and after.
  returned: always
  type: dict
  contains:
    before:
      description: State before the run (empty dict when the interface or namespace does not exist).
      type: dict
    after:
      description: State after the run (in check mode, the predicted state).
      type: dict
address:
  description: The addresses of the interface after the run (predicted in check mode); empty dict when the
    interface does not exist.
  returned: always
  type: dict
  contains:
    interface:
      description: Interface name.
      type: str
    netns:
      description: Namespace name, null for the current one.
      type: str
    addresses:
      description: All addresses of the interface except IPv6 link-local ones, sorted (IPv4 first).
      type: list
      elements: str
  sample: {interface: cni0, netns: host-a, addresses: ["10.244.1.1/24", "fd00:244:1::1/64"]}
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils import _specs
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import module_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.address import Address


def main():
    module_main(dict(
        interface=dict(type='str', required=True),
        netns=_specs.NETNS,
        addresses=dict(type='list', elements='str', required=True),
        purge=dict(type='bool', default=False),
        state=_specs.STATE,
    ), Address, 'address')


if __name__ == '__main__':
    main()
