#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: bridge
short_description: Manage a Linux bridge (like docker0) in any network namespace
version_added: 0.1.0
description:
  - Creates, updates or removes a Linux bridge and ensures addresses on it, in the current or a named network
    namespace, idempotently. Only the options you set are compared and changed.
options:
  stp:
    description: Enable the spanning tree protocol. Not managed when omitted.
    type: bool
  forward_delay:
    description: STP forward delay in seconds (0 to 30; 2 to 30 with O(stp=true)). Not managed when omitted.
    type: int
  ageing_time:
    description: How long, in seconds, learnt MAC addresses stay in the forwarding database (0 to 1000000).
    type: int
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.link
  - linuxnet.fabric.common.lock
seealso:
  - module: linuxnet.fabric.veth
  - module: linuxnet.fabric.netns
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: A docker0-style bridge with a gateway address
  linuxnet.fabric.bridge:
    name: br-app
    addresses:
      - 172.17.0.1/16
    mtu: 1500

- name: A bridge inside the namespace of a simulated host, STP on
  linuxnet.fabric.bridge:
    name: br0
    netns: host-a
    stp: true
    forward_delay: 4

- name: Remove it
  linuxnet.fabric.bridge:
    name: br0
    netns: host-a
    state: absent
'''

RETURN = r'''
actions:
  description: What was done, or in check mode what would be done, in order.
  returned: always
  type: list
  elements: str
  sample: ["create bridge br-app in the current netns (mtu 1500)", "add address 172.17.0.1/16 to br-app",
           "bring up bridge br-app in the current netns"]
diff:
  description: The bridge before and after (empty dict when absent).
  returned: always
  type: dict
  contains:
    before:
      description: State before the run.
      type: dict
    after:
      description: State after the run (in check mode, the predicted state).
      type: dict
bridge:
  description: The bridge after the run (predicted in check mode); empty dict when absent.
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
      description: Always C(bridge).
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
    stp:
      description: STP enabled.
      type: bool
    forward_delay:
      description: Forward delay in seconds.
      type: int
    ageing_time:
      description: Ageing time in seconds.
      type: int
  sample: {name: br-app, netns: null, kind: bridge, mtu: 1500, mac_address: "02:42:ac:11:00:01", up: true,
           master: null, addresses: ["172.17.0.1/16"], stp: false, forward_delay: 15, ageing_time: 300}
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge import Bridge
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import link_main


def main():
    link_main(Bridge)


if __name__ == '__main__':
    main()
