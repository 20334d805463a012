#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: macvlan
short_description: Manage a macvlan device (Docker's macvlan driver) on a parent interface, in any namespace
version_added: 0.1.0
description:
  - Creates, updates or removes a macvlan device, the way Docker's C(macvlan) network driver gives a container its
    own MAC address on the host's uplink.
  - The device sits on O(parent), an interface in O(parent_netns), and lives in O(netns). When the two namespaces
    differ it is made on the parent and placed in O(netns) by the same kernel request, so it never shows up in
    the parent's namespace.
  - O(parent) and O(parent_netns) cannot change in place, nor can O(mode) to or from C(passthru); changing them
    replaces the device, and the plan says so.
options:
  parent:
    description:
      - The interface the macvlan sits on (its lower device), in O(parent_netns).
      - Required with O(state=present).
    type: str
  parent_netns:
    description:
      - Network namespace of O(parent). Omitted, the namespace the module runs in (not O(netns)).
      - So with O(netns=c1) and O(parent=eth0) the macvlan sits on the host's C(eth0) and lives in C(c1), as with
        Docker. For a parent inside a named namespace (for example a simulated host), set this to that name.
    type: str
  mode:
    description:
      - How the macvlans of one parent reach each other (as C(ip link add ... type macvlan mode)).
      - C(bridge) switches frames between them inside the kernel; C(private) isolates them; C(vepa) sends them out
        through the parent (a switch with hairpin mode turns them back); C(passthru) hands the parent to a single
        macvlan.
    type: str
    choices: [bridge, private, vepa, passthru]
    default: bridge
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.link
  - linuxnet.fabric.common.lock
notes:
  - The parent and its macvlans reach each other only through an outside switch (in every mode); give the host a
    macvlan of its own to talk to the containers.
  - ipvlan, Docker's other driver for this, is not offered yet (the kernel this collection is tested on has no
    ipvlan).
seealso:
  - module: linuxnet.fabric.veth
  - module: linuxnet.fabric.netns
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: A container's eth0 on the host's uplink, with its own MAC and address
  linuxnet.fabric.macvlan:
    name: eth0
    netns: web-1
    parent: ens3
    addresses:
      - 192.168.1.50/24

- name: The host's own macvlan on the same parent, so that it reaches its containers
  linuxnet.fabric.macvlan:
    name: mv-host
    parent: ens3
    addresses:
      - 192.168.1.49/24

- name: In a simulated host, on an interface of that host's namespace
  linuxnet.fabric.macvlan:
    name: eth1
    netns: app-a
    parent: uplink
    parent_netns: host-a
    mode: private

- name: Remove it
  linuxnet.fabric.macvlan:
    name: eth0
    netns: web-1
    state: absent
'''

RETURN = r'''
actions:
  description: What was done, or in check mode what would be done, in order.
  returned: always
  type: list
  elements: str
  sample: ["create macvlan eth0 in netns 'web-1' (mode bridge, parent ens3)",
           "add address 192.168.1.50/24 to eth0 in netns 'web-1'", "bring up macvlan eth0 in netns 'web-1'"]
diff:
  description: The device before and after (empty dict when absent).
  returned: always
  type: dict
  contains:
    before:
      description: State before the run.
      type: dict
    after:
      description: State after the run (predicted in check mode).
      type: dict
macvlan:
  description: The device after the run (predicted in check mode); empty dict when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Interface name.
      type: str
    netns:
      description: Namespace it lives in, null for the current one.
      type: str
    kind:
      description: Always C(macvlan).
      type: str
    parent:
      description: The lower device.
      type: str
    parent_netns:
      description: Namespace of the lower device, null for the current one (found by the kernel's namespace id).
      type: str
    mode:
      description: The macvlan mode.
      type: str
    mtu:
      description: MTU.
      type: int
    mac_address:
      description: MAC address.
      type: str
    up:
      description: Administratively up.
      type: bool
    alias:
      description: Interface alias, null when unset.
      type: str
    master:
      description: Master device, if any.
      type: str
    addresses:
      description: Addresses without IPv6 link-local, sorted.
      type: list
      elements: str
  sample: {name: eth0, netns: web-1, kind: macvlan, parent: ens3, parent_netns: null, mode: bridge, mtu: 1500,
           mac_address: "6e:2f:8a:11:00:32", up: true, alias: null, master: null, addresses: ["192.168.1.50/24"]}
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import link_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.macvlan import Macvlan


def main():
    link_main(Macvlan)


if __name__ == '__main__':
    main()
