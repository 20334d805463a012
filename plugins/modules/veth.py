#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: veth
short_description: Manage a veth pair, with its peer created directly inside another network namespace
version_added: 0.1.0
description:
  - Creates, updates or removes a veth pair, the cable between a container's namespace and a bridge.
  - This end (O(name) in O(netns)) is the resource; the peer is created directly in O(peer.netns) under its final
    name (for example C(eth0)), so it never clashes with an interface of the same name elsewhere.
  - An existing pair is found wherever its peer lives. If O(name) is not a veth, or its peer has another name or
    namespace, the module fails and changes nothing, unless O(recreate=true).
options:
  peer:
    description: The other end. Required with O(state=present).
    type: dict
    suboptions:
      name:
        description: Name of the peer inside its namespace, for example C(eth0).
        type: str
        required: true
      netns:
        description: Namespace of the peer. Defaults to O(netns).
        type: str
      mtu:
        description: MTU of the peer. Not managed when omitted.
        type: int
      mac_address:
        description: Unicast MAC address of the peer. Not managed when omitted.
        type: str
      addresses:
        description: Addresses with prefix length to ensure on the peer, for example V(172.17.0.2/16).
        type: list
        elements: str
      purge_addresses:
        description: Remove addresses of the peer not listed in O(peer.addresses).
        type: bool
        default: false
      up:
        description: Whether the peer is up.
        type: bool
        default: true
  recreate:
    description:
      - If an interface of another kind holds O(name), delete it and create this one.
      - Also replaces a pair whose peer has another name or namespace, and an interface that already holds
        O(peer.name) in O(peer.netns).
    type: bool
    default: false
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.link
  - linuxnet.fabric.common.master
  - linuxnet.fabric.common.lock
seealso:
  - module: linuxnet.fabric.bridge
  - module: linuxnet.fabric.netns
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Plug the container namespace nginx-1 into bridge br-app
  linuxnet.fabric.veth:
    name: veth-nginx-1
    master: br-app
    peer:
      name: eth0
      netns: nginx-1
      addresses:
        - 172.17.0.2/16

- name: Both ends inside a simulated host's namespace
  linuxnet.fabric.veth:
    name: veth-a
    netns: host-a
    master: br0
    mtu: 1450
    peer:
      name: eth0
      netns: app-a
      mtu: 1450

- name: Remove the pair (removing one end removes both)
  linuxnet.fabric.veth:
    name: veth-nginx-1
    state: absent
'''

RETURN = r'''
actions:
  description: What was done, or in check mode what would be done, in order.
  returned: always
  type: list
  elements: str
  sample: ["create veth veth-nginx-1 in the current netns (peer eth0 in netns 'nginx-1')",
           "attach veth veth-nginx-1 ... to bridge br-app", "add address 172.17.0.2/16 to eth0 in netns 'nginx-1'"]
diff:
  description: The pair before and after (empty dict when absent).
  returned: always
  type: dict
  contains:
    before:
      description: State before the run.
      type: dict
    after:
      description: State after the run (predicted in check mode).
      type: dict
veth:
  description: This end and its peer after the run (predicted in check mode); empty dict when absent.
  returned: always
  type: dict
  contains:
    name:
      description: This end's name.
      type: str
    netns:
      description: This end's namespace, null for the current one.
      type: str
    kind:
      description: Always C(veth).
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
      description: Bridge this end is attached to.
      type: str
    addresses:
      description: Addresses of this end.
      type: list
      elements: str
    peer:
      description: The peer (name, netns, mtu, mac_address, up, addresses); its netns is found by the kernel's
        namespace id, whatever the options say.
      type: dict
  sample: {name: veth-nginx-1, netns: null, kind: veth, mtu: 1500, mac_address: "4a:1c:00:11:22:33", up: true,
           master: br-app, addresses: [], peer: {name: eth0, netns: nginx-1, mtu: 1500,
           mac_address: "02:42:ac:11:00:02", up: true, addresses: ["172.17.0.2/16"]}}
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import link_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.veth import Veth


def main():
    link_main(Veth)


if __name__ == '__main__':
    main()
