#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: sysctl
short_description: Set a network sysctl (net.*) inside a network namespace
version_added: 0.1.0
description:
  - Sets one network sysctl, such as V(net.ipv4.ip_forward) or V(net.ipv4.conf.eth0.proxy_arp), in the current
    or a named network namespace, idempotently. The module enters the namespace itself (no C(ip netns exec)).
  - Only keys under C(net.) belong to a network namespace; any other key is refused (use M(ansible.posix.sysctl)
    for those). The value is not persisted (a namespace does not outlive a reboot anyway).
  - Values are compared as the kernel reads them back (V(01) equals V(1); runs of whitespace are equal).
options:
  name:
    description:
      - The key, with dots (V(net.ipv4.ip_forward)) or slashes (V(net/ipv4/conf/eth0.100/forwarding)), as with
        C(sysctl). With dots, write a dot inside an interface name as a slash (V(net.ipv4.conf.eth0/100.forwarding)).
      - A key that does not exist is an error (in check mode, a note, as an earlier task may create its interface).
    type: str
    required: true
  value:
    description: The value, for example V(1) or V("4096 131072 6291456"). Integers and booleans are accepted.
    type: raw
    required: true
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.lock
seealso:
  - module: ansible.posix.sysctl
  - module: linuxnet.fabric.route
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Let a simulated host route between its containers and the overlay
  linuxnet.fabric.sysctl:
    netns: host-a
    name: net.ipv4.ip_forward
    value: 1

- name: Proxy ARP on one interface
  linuxnet.fabric.sysctl:
    netns: host-a
    name: net.ipv4.conf.cni0.proxy_arp
    value: 1

- name: IPv6 forwarding for all interfaces
  linuxnet.fabric.sysctl:
    netns: host-a
    name: net.ipv6.conf.all.forwarding
    value: 1
'''

RETURN = r'''
changed:
  description: Whether the value was (or in check mode would be) written.
  returned: always
  type: bool
  sample: true
actions:
  description: What was done, or in check mode what would be done, plus notes on assumptions.
  returned: always
  type: list
  elements: str
  sample: ["set net.ipv4.ip_forward to 1 in netns 'host-a'"]
diff:
  description: The sysctl before and after.
  returned: always
  type: dict
  contains:
    before:
      description: The sysctl before the run (empty dict when the namespace or key does not exist yet).
      type: dict
    after:
      description: The sysctl after the run (in check mode, the predicted state).
      type: dict
sysctl:
  description: The sysctl after the run (predicted in check mode).
  returned: always
  type: dict
  contains:
    name:
      description: The key, with dots (a dot inside a component is shown as a slash).
      type: str
    netns:
      description: Namespace name, null for the current one.
      type: str
    value:
      description: The value as the kernel shows it, whitespace runs as one space.
      type: str
  sample: {name: net.ipv4.ip_forward, netns: host-a, value: "1"}
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils import _specs
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import module_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.sysctl import Sysctl


def main():
    module_main(dict(
        netns=_specs.NETNS,
        name=dict(type='str', required=True),
        value=dict(type='raw', required=True),
    ), Sysctl, 'sysctl')


if __name__ == '__main__':
    main()
