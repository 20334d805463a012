#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: vxlan_peers
short_description: Converge the static routed peers of a VXLAN device (flannel-style) in one task
version_added: 0.1.0
description:
  - For every peer host, ensures on the VXLAN device O(interface) an FDB entry (the peer's VTEP MAC to its underlay
    address), a permanent neighbour entry (the peer's VTEP address to its VTEP MAC) and a route to the peer's
    subnet via its VTEP address (onlink). This is the routed overlay of flannel's vxlan backend, without a daemon.
  - The device holds exactly the listed peers. FDB entries, permanent neighbours and routes via a gateway on the
    device that belong to no listed peer are removed. The flood entries (C(00:00:00:00:00:00)) are left alone.
  - Build the VXLAN device with M(linuxnet.fabric.vxlan) first (C(learning=false), C(mac_address) = this host's
    VTEP MAC, address = this host's VTEP address C(/32)).
options:
  interface:
    description: The VXLAN device.
    type: str
    required: true
  peers:
    description: The peer hosts.
    type: list
    elements: dict
    default: []
    suboptions:
      underlay:
        description: The peer's underlay address (where its VXLAN packets go).
        type: str
        required: true
      mac:
        description: The MAC address of the peer's VXLAN device.
        type: str
        required: true
      address:
        description:
          - The IPv4 address of the peer's VXLAN device (its VTEP address, usually its subnet's first address).
          - A peer has O(peers[].address) and O(peers[].subnet), O(peers[].address6) and O(peers[].subnet6), or both.
        type: str
      subnet:
        description: The peer's IPv4 subnet, routed via its VTEP address.
        type: str
      address6:
        description: The IPv6 address of the peer's VXLAN device.
        type: str
      subnet6:
        description: The peer's IPv6 subnet, routed via O(peers[].address6).
        type: str
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.lock
seealso:
  - module: linuxnet.fabric.vxlan
  - module: linuxnet.fabric.fdb
  - module: linuxnet.fabric.neighbor
  - module: linuxnet.fabric.route
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Two routed peers of this host's flannel.1
  linuxnet.fabric.vxlan_peers:
    interface: flannel.1
    peers:
      - {underlay: 198.18.0.2, mac: "02:aa:00:00:00:02", address: 10.244.1.0, subnet: 10.244.1.0/24}
      - {underlay: 198.18.0.3, mac: "02:aa:00:00:00:03", address: 10.244.2.0, subnet: 10.244.2.0/24}
'''

RETURN = r'''
actions:
  description: What was done, or in check mode what would be done, in order.
  returned: always
  type: list
  elements: str
diff:
  description: The device's peer entries before and after.
  returned: always
  type: dict
  contains:
    before:
      description: State before the run.
      type: dict
    after:
      description: State after the run (predicted in check mode).
      type: dict
peers:
  description: The entries after the run (FDB, neighbour and route entries, as the fdb, neighbor and route modules
    return them).
  returned: always
  type: dict
  contains:
    entries:
      description: The entries.
      type: list
      elements: dict
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import batch_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.vxlan_peers import VxlanPeers


def main():
    batch_main(dict(
        interface=dict(type='str', required=True),
        netns=dict(type='str'),
        peers=dict(type='list', elements='dict', default=[], options=dict(
            underlay=dict(type='str', required=True),
            mac=dict(type='str', required=True),
            address=dict(type='str'),
            subnet=dict(type='str'),
            address6=dict(type='str'),
            subnet6=dict(type='str'),
        )),
    ), VxlanPeers, 'peers')


if __name__ == '__main__':
    main()
