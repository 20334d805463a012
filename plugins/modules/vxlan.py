#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: vxlan
short_description: Manage a VXLAN device and its flood list of remote VTEPs
version_added: 0.1.0
description:
  - Creates, updates or removes a VXLAN device, in the current or a named network namespace.
  - With O(remotes), the device gets exactly one C(00:00:00:00:00:00) flood FDB entry per remote VTEP
    (head-end replication); entries of remotes no longer listed are removed.
  - O(vni) and O(dstport) cannot change in place in the kernel; changing them replaces the device, and the
    plan says so.
options:
  vni:
    description: VXLAN network identifier, 1 to 16777215.
    type: int
  dstport:
    description: UDP destination port. Always sent (the kernel's own default is 8472, not the IANA 4789).
    type: int
    default: 4789
  local:
    description: Source address of the tunnel (this host's underlay address). Not managed when omitted.
    type: str
  dev:
    description: Underlay interface. With it the kernel sets the MTU to the underlay's minus 50.
    type: str
  remotes:
    description:
      - Underlay addresses of the peer VTEPs. Exactly these get a flood entry (entries of other remotes are
        removed, and so are the entries the device learnt towards other VTEPs, so that no frame goes to a peer
        that left while they age out). An empty list removes them all. Not managed when omitted.
      - Mutually exclusive with O(group).
    type: list
    elements: str
  group:
    description: Multicast group for flooding (usually with O(dev)). Mutually exclusive with O(remotes).
    type: str
  learning:
    description: Learn remote MAC addresses from received frames. Not managed when omitted (kernel default on).
    type: bool
  ttl:
    description: TTL of the outer packets, 0 to 255 (0 inherits). Not managed when omitted.
    type: int
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.link
  - linuxnet.fabric.common.master
  - linuxnet.fabric.common.lock
notes:
  - VXLAN has no authentication; restrict its UDP port to the peers' addresses on the underlay.
seealso:
  - module: linuxnet.fabric.bridge
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Join this host's bridge to two peers over VXLAN 42
  linuxnet.fabric.vxlan:
    name: vx42
    vni: 42
    local: 198.18.0.1
    dev: eth0
    master: br-overlay
    learning: true
    remotes:
      - 198.18.0.2
      - 198.18.0.3

- name: Routed (flannel-style) device without learning, inside a host namespace
  linuxnet.fabric.vxlan:
    name: flannel.1
    netns: host-a
    vni: 1
    local: 198.18.0.1
    learning: false
    mtu: 1450
'''

RETURN = r'''
actions:
  description: What was done, or in check mode what would be done, in order.
  returned: always
  type: list
  elements: str
  sample: ["create vxlan vx42 in the current netns (dstport 4789, vni 42)",
           "add flood entry 00:00:00:00:00:00 dst 198.18.0.2 to vxlan vx42 in the current netns"]
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
vxlan:
  description: The device after the run (predicted in check mode); empty dict when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Interface name.
      type: str
    netns:
      description: Namespace name, null for the current one.
      type: str
    kind:
      description: Always C(vxlan).
      type: str
    vni:
      description: VNI.
      type: int
    dstport:
      description: UDP port.
      type: int
    local:
      description: Local address.
      type: str
    group:
      description: Multicast group.
      type: str
    dev:
      description: Underlay interface.
      type: str
    learning:
      description: Learning on.
      type: bool
    ttl:
      description: Outer TTL.
      type: int
    remotes:
      description: Remote VTEPs with a flood entry, sorted.
      type: list
      elements: str
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
      description: Bridge it is attached to.
      type: str
    addresses:
      description: Addresses on the device.
      type: list
      elements: str
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import link_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.vxlan import Vxlan


def main():
    link_main(Vxlan)


if __name__ == '__main__':
    main()
