#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: fdb
short_description: Manage a forwarding database (FDB) entry of a bridge port or a VXLAN device
version_added: 0.1.0
description:
  - Adds, changes or removes one FDB entry (as C(bridge fdb) does), in the current or a named network
    namespace, idempotently.
  - A B(bridge entry) (O(master=true)) tells the bridge that O(interface) is attached to which port a MAC address
    is behind. It is made C(static), so frames for the MAC are forwarded out of that port. (The kernel's
    C(permanent) state on a bridge entry means "local", frames would be delivered to the host instead; this
    module never creates such entries and turns one for O(mac) into a forwarding entry.) A MAC lives on one port
    of a bridge; an entry for O(mac) on another port of the same bridge is moved to O(interface).
  - A B(device entry) (O(self=true)) lives in the device itself. On a VXLAN device it names the remote VTEP
    (O(dst)) that frames for O(mac) are tunnelled to, as flannel does per peer. The all-zeros MAC with O(dst) is a
    flood entry (one per remote; M(linuxnet.fabric.vxlan) manages the whole list with its C(remotes) option).
options:
  interface:
    description: The bridge port (bridge entry) or the device (device entry), for example a VXLAN device.
    type: str
    required: true
  mac:
    description: MAC address of the entry, for example V(02:42:0a:f4:02:00).
    type: str
    required: true
  dst:
    description:
      - Underlay address of the remote VTEP (VXLAN device entries; required there). Changing it replaces the
        entry in place.
    type: str
  vni:
    description: VXLAN network identifier of the remote, 1 to 16777215. Not managed when omitted (the device's).
    type: int
  master:
    description:
      - A bridge entry, in the bridge O(interface) is a port of (C(bridge fdb add ... master static)).
      - Mutually exclusive with O(self). When neither is set, the entry is a bridge entry unless O(dst) or O(vni)
        is set.
    type: bool
  self:
    description: A device entry, in O(interface) itself (C(bridge fdb add ... self)). Mutually exclusive with O(master).
    type: bool
  permanent:
    description:
      - Whether the entry stays until removed. Device entries become C(permanent) (as flannel's), or C(static)
        when false.
      - Bridge entries become C(static) (kept and forwarded), or C(dynamic) when false (they then age out like
        learnt entries).
    type: bool
    default: true
  state:
    description: V(present) adds or updates the entry, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.lock
seealso:
  - module: linuxnet.fabric.vxlan
  - module: linuxnet.fabric.neighbor
  - module: linuxnet.fabric.route
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Flannel-style entry - the peer's VTEP MAC is reached through the peer host's underlay address
  linuxnet.fabric.fdb:
    netns: host-a
    interface: flannel.1
    mac: "02:42:0a:f4:02:00"
    dst: 198.18.0.2
    self: true

- name: A static bridge entry - frames for this MAC go out of port veth-web1
  linuxnet.fabric.fdb:
    netns: host-a
    interface: veth-web1
    mac: "02:42:0a:f4:01:02"
    master: true

- name: A flood entry for one more remote VTEP
  linuxnet.fabric.fdb:
    interface: vx0
    mac: "00:00:00:00:00:00"
    dst: 198.18.0.3

- name: Remove an entry
  linuxnet.fabric.fdb:
    netns: host-a
    interface: flannel.1
    mac: "02:42:0a:f4:02:00"
    dst: 198.18.0.2
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
  sample: ["add fdb entry 02:42:0a:f4:02:00 dst 198.18.0.2 on flannel.1 in netns 'host-a' (device entry, permanent)"]
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
fdb:
  description: The entry after the run (predicted in check mode); empty dict when absent.
  returned: always
  type: dict
  contains:
    interface:
      description: Port (bridge entry) or device (device entry) the entry is on.
      type: str
    netns:
      description: Namespace name, null for the current one.
      type: str
    mac:
      description: MAC address, lower case.
      type: str
    master:
      description: Whether it is a bridge entry.
      type: bool
    self:
      description: Whether it is a device entry.
      type: bool
    bridge:
      description: The bridge of a bridge entry, else null.
      type: str
    dst:
      description: Remote VTEP of a VXLAN device entry, else null.
      type: str
    vni:
      description: VNI of a VXLAN device entry (the device's own unless set), else null.
      type: int
    permanent:
      description: Whether the entry stays until removed (C(permanent) or C(static); false for dynamic entries).
      type: bool
    local:
      description: Whether a bridge entry delivers frames to the host instead of forwarding them (never after
        O(state=present)).
      type: bool
  sample: {interface: flannel.1, netns: host-a, mac: "02:42:0a:f4:02:00", master: false, self: true, bridge: null,
           dst: 198.18.0.2, vni: 1, permanent: true, local: false}
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils import _specs
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import module_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.fdb import Fdb


def main():
    module_main(dict(
        interface=dict(type='str', required=True),
        netns=_specs.NETNS,
        mac=dict(type='str', required=True),
        dst=dict(type='str'),
        vni=dict(type='int'),
        master=dict(type='bool'),
        self=dict(type='bool'),
        permanent=dict(type='bool', default=True),
        state=_specs.STATE,
    ), Fdb, 'fdb')


if __name__ == '__main__':
    main()
