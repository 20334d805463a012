#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: neighbor
short_description: Manage a permanent neighbour (ARP/NDP) entry in any network namespace
version_added: 0.1.0
description:
  - Adds, changes or removes the neighbour entry of one IP address on one interface (as C(ip neigh replace ...
    nud permanent) does), in the current or a named network namespace, idempotently.
  - O(state=present) means a C(permanent) entry with O(mac). A learnt (reachable, stale, ...) entry for O(ip) is
    made permanent; a different link-layer address is replaced in place.
  - The kernel's own NOARP entries for multicast addresses, and entries still resolving (incomplete, failed),
    are not neighbour entries to this module.
options:
  interface:
    description: Interface the neighbour is on, for example a VXLAN device.
    type: str
    required: true
  ip:
    description: Unicast IPv4 or IPv6 address of the neighbour.
    type: str
    required: true
  mac:
    description:
      - Unicast link-layer address, for example V(02:42:0a:f4:02:00). Required with O(state=present).
      - With O(state=absent), the entry is removed only if it has this address.
    type: str
  state:
    description: V(present) makes a permanent entry, V(absent) removes the entry of O(ip) (whatever its state).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.lock
seealso:
  - module: linuxnet.fabric.fdb
  - module: linuxnet.fabric.route
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Flannel-style - the peer host's VTEP address resolves to its VTEP MAC without ARP
  linuxnet.fabric.neighbor:
    netns: host-a
    interface: flannel.1
    ip: 10.244.2.0
    mac: "02:42:0a:f4:02:00"

- name: An IPv6 neighbour
  linuxnet.fabric.neighbor:
    interface: br0
    ip: fd00::2
    mac: "02:00:00:00:00:02"

- name: Remove it
  linuxnet.fabric.neighbor:
    interface: br0
    ip: fd00::2
    state: absent
'''

RETURN = r'''
changed:
  description: Whether the entry was (or in check mode would be) added, updated or removed.
  returned: always
  type: bool
  sample: true
actions:
  description: What was done, or in check mode what would be done, in order, plus notes on assumptions.
  returned: always
  type: list
  elements: str
  sample: ["add neighbour 10.244.2.0 on flannel.1 in netns 'host-a': lladdr 02:42:0a:f4:02:00, permanent"]
diff:
  description: The entry before and after (empty dict when there is none).
  returned: always
  type: dict
  contains:
    before:
      description: The entry before the run.
      type: dict
    after:
      description: The entry after the run (in check mode, the predicted state).
      type: dict
neighbor:
  description: The entry after the run (predicted in check mode); empty dict when absent.
  returned: always
  type: dict
  contains:
    interface:
      description: Interface name.
      type: str
    netns:
      description: Namespace name, null for the current one.
      type: str
    ip:
      description: IP address (IPv6 compressed).
      type: str
    mac:
      description: Link-layer address.
      type: str
    state:
      description: Kernel state (V(permanent), V(noarp), V(reachable), V(stale), V(delay), V(probe)).
      type: str
    permanent:
      description: Whether the entry is permanent.
      type: bool
  sample: {interface: flannel.1, netns: host-a, ip: 10.244.2.0, mac: "02:42:0a:f4:02:00", state: permanent,
           permanent: true}
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils import _specs
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import module_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.neighbor import Neighbor


def main():
    module_main(dict(
        interface=dict(type='str', required=True),
        netns=_specs.NETNS,
        ip=dict(type='str', required=True),
        mac=dict(type='str'),
        state=_specs.STATE,
    ), Neighbor, 'neighbor', required_if=[('state', 'present', ['mac'])])


if __name__ == '__main__':
    main()
