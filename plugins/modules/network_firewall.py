#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: network_firewall
short_description: nftables rules of one network (masquerade, isolation, published ports, VXLAN peers)
version_added: 0.1.0
description:
  - Manages the rules of one network in the collection's own nftables table C(inet linuxnet_fabric), in the current
    or a named network namespace. No other table, and no rule of another network, is ever read or changed.
  - The table's base chains (C(prerouting), C(output), C(postrouting), C(input), C(forward)) hook in at the
    standard priorities with policy C(accept), so the table only ever adds NAT or drops; it never accepts what
    another table drops.
  - Every rule carries the comment C(fabric:NETWORK:PURPOSE). A run compares this network's rules (as C(nft list)
    prints them) with the wanted ones and sends the difference to nft as one atomic JSON batch. nft is run as a
    program (C(nft -j)), never through a shell.
  - O(isolate) works across module runs. Every network puts its bridge into the chains C(to_bridges) and
    C(from_bridges) (C(oifname BRIDGE drop), C(iifname BRIDGE drop)). An isolated network sends what it routes
    out of its bridge, and what is routed into it, through those chains. So traffic between an isolated network
    and any other network of the table is dropped in both directions, whichever network was created first.
    Traffic inside one bridge is switched, not routed, and is not affected.
  - Published ports are DNAT rules. C(prerouting) handles traffic that arrives from outside, C(output) traffic the
    host sends to one of its own addresses (not to 127.0.0.0/8 or ::1). No forward accept rule is needed because
    the table's forward policy is accept. An accept here cannot override a drop of another table.
  - IP forwarding (C(net.ipv4.ip_forward)) is not changed here; set it with M(linuxnet.fabric.sysctl).
options:
  network:
    description: Name of the network (1 to 64 letters, digits, C(_), C(.), C(-), starting with a letter or digit).
      Only rules tagged with this name are managed.
    type: str
    required: true
  state:
    description:
      - C(present) makes the network's rules exactly those the options describe.
      - C(absent) removes the network's rules. When no rule is left in the table, the table and its chains are
        removed too.
    type: str
    choices: [present, absent]
    default: present
  bridge:
    description: The network's bridge interface. Required with O(state=present).
    type: str
  subnet:
    description: The network's subnet, for example V(172.17.0.0/16) (IPv4 or IPv6). Required with O(state=present).
    type: str
  masquerade:
    description: Source NAT (masquerade) for the subnet's traffic that leaves through any interface but O(bridge).
    type: bool
    default: true
  isolate:
    description: Drop traffic routed between O(bridge) and the bridge of any other network of the table, both ways.
    type: bool
    default: true
  published_ports:
    description: Ports of endpoints published on the host's addresses (DNAT).
    type: list
    elements: dict
    default: []
    suboptions:
      address:
        description: The endpoint's address, a host address of O(subnet).
        type: str
        required: true
      port:
        description: The endpoint's port (1 to 65535).
        type: int
        required: true
      host_port:
        description: The port on the host's addresses (1 to 65535); one network per protocol and host port.
        type: int
        required: true
      protocol:
        description: Transport protocol.
        type: str
        choices: [tcp, udp]
        default: tcp
  vxlan_port:
    description:
      - UDP port of the overlay's VXLAN device. With O(vxlan_peers), UDP to this port is accepted only from the
        peers and dropped otherwise (VXLAN has no authentication).
      - Networks that share a port share its list of allowed peers.
    type: int
  vxlan_peers:
    description: Underlay addresses (IPv4 or IPv6) of the peers allowed to send to O(vxlan_port). An empty list
      drops all UDP traffic to the port.
    type: list
    elements: str
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.lock
requirements:
  - nftables (the C(nft) program, 0.9.3 or newer) on the managed host.
seealso:
  - module: linuxnet.fabric.bridge_network
  - module: linuxnet.fabric.sysctl
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Docker-style firewall for a bridge network
  linuxnet.fabric.network_firewall:
    network: web
    bridge: br-web
    subnet: 172.18.0.0/16
    published_ports:
      - address: 172.18.0.2
        port: 80
        host_port: 8080

- name: Only the overlay's peers may send VXLAN to this host
  linuxnet.fabric.network_firewall:
    network: overlay
    netns: host-a
    bridge: br-ov
    subnet: 10.244.0.0/16
    vxlan_port: 4789
    vxlan_peers:
      - 198.18.0.2
      - 198.18.0.3

- name: Remove the network's rules
  linuxnet.fabric.network_firewall:
    network: web
    state: absent
'''

RETURN = r'''
actions:
  description: What was done, or in check mode what would be done, in order. All of it is one atomic nft batch.
  returned: always
  type: list
  elements: str
  sample:
    - "create table inet linuxnet_fabric (base chains prerouting, output, postrouting, input, forward with policy
      accept; chains to_bridges, from_bridges, vxlan_peers)"
    - "add rule inet linuxnet_fabric postrouting ip saddr 172.18.0.0/16 oifname != \"br-web\" masquerade
      comment \"fabric:web:masquerade\""
diff:
  description: The network's firewall before and after (empty dict when it has no rules).
  returned: always
  type: dict
  contains:
    before:
      description: State before the run.
      type: dict
    after:
      description: State after the run (in check mode, the predicted state).
      type: dict
firewall:
  description: The network's rules after the run (predicted in check mode); empty dict when it has none.
  returned: always
  type: dict
  contains:
    network:
      description: The network.
      type: str
    netns:
      description: Namespace name, null for the current one.
      type: str
    table:
      description: Always C(inet linuxnet_fabric).
      type: str
    rules:
      description: The network's rules as C(CHAIN RULE) lines, as C(nft list) prints them, chain by chain.
      type: list
      elements: str
  sample:
    network: web
    netns: null
    table: inet linuxnet_fabric
    rules:
      - "prerouting: iifname != \"br-web\" fib daddr type local meta nfproto ipv4 tcp dport 8080 dnat ip to
        172.18.0.2:80 comment \"fabric:web:publish:tcp:8080\""
      - "postrouting: ip saddr 172.18.0.0/16 oifname != \"br-web\" masquerade comment \"fabric:web:masquerade\""
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils import _specs
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import module_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.network_firewall import PROTOCOLS, Firewall


def main():
    module_main(dict(
        network=dict(type='str', required=True),
        netns=_specs.NETNS,
        state=_specs.STATE,
        bridge=dict(type='str'),
        subnet=dict(type='str'),
        masquerade=dict(type='bool', default=True),
        isolate=dict(type='bool', default=True),
        published_ports=dict(type='list', elements='dict', default=[], options=dict(
            address=dict(type='str', required=True),
            port=dict(type='int', required=True),
            host_port=dict(type='int', required=True),
            protocol=dict(type='str', choices=list(PROTOCOLS), default='tcp'),
        )),
        vxlan_port=dict(type='int'),
        vxlan_peers=dict(type='list', elements='str'),
    ), Firewall, 'firewall')


if __name__ == '__main__':
    main()
