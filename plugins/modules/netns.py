#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: netns
short_description: Manage a named network namespace
version_added: 0.1.0
description:
  - Creates or removes a named network namespace, as C(ip netns add/del) do (a file under C(/run/netns)),
    in-process, without running C(ip).
  - Removing a namespace removes every interface that lived in it (veth peers die with their other end); the
    diff and RV(actions) list them.
options:
  name:
    description: Namespace name (1 to 255 characters, no C(/) or whitespace).
    type: str
    required: true
  state:
    description: C(present) creates the namespace, C(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  loopback_up:
    description: Whether the namespace's C(lo) is up (containers need it up to reach their own addresses).
    type: bool
    default: true
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.lock
seealso:
  - module: linuxnet.fabric.veth
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: A namespace for a container
  linuxnet.fabric.netns:
    name: nginx-1

- name: Remove it and everything in it
  linuxnet.fabric.netns:
    name: nginx-1
    state: absent
'''

RETURN = r'''
actions:
  description: What was done, or in check mode what would be done.
  returned: always
  type: list
  elements: str
  sample: ["create netns 'nginx-1', lo up"]
diff:
  description: The namespace before and after (empty dict when absent).
  returned: always
  type: dict
  contains:
    before:
      description: State before the run.
      type: dict
    after:
      description: State after the run (predicted in check mode).
      type: dict
netns:
  description: The namespace after the run; empty dict when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Namespace name.
      type: str
    loopback_up:
      description: Whether lo is up.
      type: bool
    interfaces:
      description: "Interfaces in it, as C(name (kind))."
      type: list
      elements: str
  sample: {name: nginx-1, loopback_up: true, interfaces: ["lo (device)", "eth0 (veth)"]}
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils import _specs
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import module_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.netns import Netns


def main():
    module_main(dict(
        name=dict(type='str', required=True),
        state=_specs.STATE,
        loopback_up=dict(type='bool', default=True),
    ), Netns, 'netns')


if __name__ == '__main__':
    main()
