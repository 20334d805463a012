#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

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
  - IPv4 and IPv6 alike. A network has O(subnet) (IPv4), O(subnet6) (IPv6) or both.
  - O(isolate) works across module runs. Every network puts its bridge into the chains C(to_bridges) and
    C(from_bridges) (C(oifname BRIDGE drop), C(iifname BRIDGE drop)). An isolated network sends what it routes
    out of its bridge, and what is routed into it, through those chains. So traffic between an isolated network
    and any other network of the table is dropped in both directions, whichever network was created first.
    Connections to a published port (DNAT) pass, as with Docker. Traffic inside one bridge is switched, not
    routed, and is not affected.
  - Published ports answer where Docker's do. From other hosts on the host's addresses (C(prerouting) DNAT), from
    the host itself on its own addresses and on C(127.0.0.1) (C(output) DNAT; 127.0.0.0/8 is masqueraded towards
    the bridge, and the module sets C(net.ipv4.conf.BRIDGE.route_localnet) to 1 while such a port exists, else
    to 0), from an endpoint of the same network through a host address (hairpin, masqueraded on the way back into
    the bridge) and from an endpoint of another network. Not on C([::1]), which IPv6 cannot send out of the host.
  - IP forwarding (C(net.ipv4.ip_forward), C(net.ipv6.conf.all.forwarding)) is not changed here; set it with
    M(linuxnet.fabric.sysctl).
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
        removed too. The bridge's C(route_localnet) is left as it is (the bridge usually goes with the network).
    type: str
    choices: [present, absent]
    default: present
  bridge:
    description:
      - The network's bridge interface. Required with O(state=present).
      - The rules name it and may come before it. Its C(route_localnet) sysctl is set by the first run that finds it
        (said so in RV(actions) until then).
    type: str
  subnet:
    description:
      - The network's IPv4 subnet, for example V(172.17.0.0/16). With O(state=present) O(subnet), O(subnet6) or
        both are required.
      - An IPv6 prefix is still accepted here for a network without O(subnet6), as before O(subnet6) existed; then
        O(masquerade) applies to it and O(published_ports[].address) is IPv6.
    type: str
  subnet6:
    description: The network's IPv6 prefix, for example V(fd00:17::/64) (at most /126).
    type: str
  masquerade:
    description: Source NAT (masquerade) for the traffic of O(subnet) that leaves through any interface but
      O(bridge).
    type: bool
    default: true
  masquerade6:
    description:
      - Source NAT (masquerade, NAT66) for the traffic of O(subnet6) that leaves through any interface but
        O(bridge). Requires O(subnet6).
      - Off by default, since a global IPv6 prefix is routed, not translated. Turn it on for a ULA prefix such as
        V(fd00::/8) that must reach the outside through the host's address.
    type: bool
    default: false
  isolate:
    description: Drop traffic routed between O(bridge) and the bridge of any other network of the table, both ways
      (IPv4 and IPv6). Connections to published ports pass.
    type: bool
    default: true
  published_ports:
    description:
      - Ports of endpoints published on the host's addresses (DNAT).
      - One binding per host port, protocol, address family and host address; a host port that another network of
        the table (or another item) already takes is refused before any change.
    type: list
    elements: dict
    default: []
    suboptions:
      address:
        description: The endpoint's IPv4 address, a host address of O(subnet). The port answers on the host's IPv4
          addresses. O(published_ports[].address), O(published_ports[].address6) or both are required.
        type: str
      address6:
        description: The endpoint's IPv6 address, a host address of O(subnet6). The port answers on the host's IPv6
          addresses.
        type: str
      port:
        description: The endpoint's port (1 to 65535), or a range such as V(8000-8010) as long as the
          O(published_ports[].host_port) range.
        type: raw
        required: true
      host_port:
        description: The port on the host's addresses (1 to 65535), or a range such as V(8000-8010).
        type: raw
        required: true
      host_ip:
        description:
          - Answer on this host address only (IPv4 or IPv6; its family needs the endpoint's address of that
            family). Default is all addresses of the host, for each family the item has an address of.
          - V(0.0.0.0) or V(::) mean all addresses of one family. A V(127.0.0.0/8) address answers for the host
            itself only. V(::1) is refused.
        type: str
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
      drops all UDP traffic to the port. A peer that leaves the list is dropped from then on.
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

- name: Dual-stack network, a port on both families, a range on one address, DNS over UDP
  linuxnet.fabric.network_firewall:
    network: web
    bridge: br-web
    subnet: 172.18.0.0/16
    subnet6: fd00:18::/64
    masquerade6: true # a ULA prefix: NAT66 to reach the outside
    published_ports:
      - address: 172.18.0.2
        address6: fd00:18::2
        port: 80
        host_port: 8080
      - address: 172.18.0.3
        port: 9000-9010
        host_port: 8000-8010
        host_ip: 192.0.2.10
      - address: 172.18.0.4
        port: 53
        host_port: 5353
        protocol: udp

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
  description: What was done, or in check mode what would be done, in order. The rules are one atomic nft batch;
    a sysctl is set after it (a value of 1) or before it (0).
  returned: always
  type: list
  elements: str
  sample:
    - "create table inet linuxnet_fabric (base chains prerouting, output, postrouting, input, forward with policy
      accept; chains to_bridges, from_bridges, vxlan_peers)"
    - "add rule inet linuxnet_fabric postrouting ip saddr 172.18.0.0/16 oifname != \"br-web\" masquerade
      comment \"fabric:web:masquerade\""
    - "set net.ipv4.conf.br-web.route_localnet to 1 in the current netns"
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
    sysctls:
      description: The sysctls the rules need, with their values (C(route_localnet) of the bridge). Missing while
        the bridge does not exist.
      type: dict
      returned: when the network has rules and its bridge exists
  sample:
    network: web
    netns: null
    table: inet linuxnet_fabric
    rules:
      - "prerouting: fib daddr type local meta nfproto ipv4 tcp dport 8080 dnat ip to 172.18.0.2:80
        comment \"fabric:web:publish:tcp:8080\""
      - "postrouting: ip saddr 172.18.0.0/16 oifname != \"br-web\" masquerade comment \"fabric:web:masquerade\""
    sysctls:
      net.ipv4.conf.br-web.route_localnet: "1"
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils import _specs
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import batch_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.network_firewall import (
    PROTOCOLS, NetworkFirewall)


def main():
    batch_main(dict(
        network=dict(type='str', required=True),
        netns=_specs.NETNS,
        state=_specs.STATE,
        bridge=dict(type='str'),
        subnet=dict(type='str'),
        subnet6=dict(type='str'),
        masquerade=dict(type='bool', default=True),
        masquerade6=dict(type='bool', default=False),
        isolate=dict(type='bool', default=True),
        published_ports=dict(type='list', elements='dict', default=[], options=dict(
            address=dict(type='str'),
            address6=dict(type='str'),
            port=dict(type='raw', required=True),
            host_port=dict(type='raw', required=True),
            host_ip=dict(type='str'),
            protocol=dict(type='str', choices=list(PROTOCOLS), default='tcp'),
        )),
        vxlan_port=dict(type='int'),
        vxlan_peers=dict(type='list', elements='str'),
    ), NetworkFirewall, 'firewall')


if __name__ == '__main__':
    main()
