#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: bridge_network
short_description: Converge a whole docker0-style bridge network (bridge and all endpoints) in one task
version_added: 0.1.0
description:
  - Ensures a bridge with the gateway address(es) and, for every endpoint, a network namespace, a veth pair with
    its peer (C(eth0)) inside the namespace attached to the bridge, the endpoint's addresses and default routes via
    the gateways, and C(lo) up. One task, one netlink socket per namespace, no fork per namespace.
  - A network is IPv4 (O(subnet)), IPv6 (O(subnet6)) or dual-stack (both). IPv6 addresses are added without
    duplicate address detection (C(nodad)), so they are usable as soon as the task returns.
  - Addresses not given are assigned from O(ip_range) (O(ip_range6)), lowest free first. An endpoint keeps its
    address while it lies in the range (the one its interface has, else its lease). The gateway and addresses in
    use are never given out. Leases are kept in C(PERSIST_ROOT/var/lib/linuxnet-fabric/) (mode 0600), so a fresh
    namespace (after a reboot, or a restarted container) gets its address back.
  - An endpoint is a named namespace (created when missing), or an existing one given by O(endpoints[].netns_path)
    or O(endpoints[].pid), for example a running container's. Those are never created or deleted.
  - What this module creates is marked as belonging to O(network) (interface aliases C(fabric:NETWORK[:ENDPOINT]),
    and the alias of C(lo) in namespaces it created). O(purge) and O(state=absent) remove only marked objects, and
    refuse to take the interface of a namespace in which processes run unless O(force=true). An address it gave
    before and gives no more is removed; addresses someone else added are left alone. The addresses of the
    interfaces it made are exactly the ones it assigns.
  - The firewall is part of the network (O(firewall)), with egress masquerade, isolation from the collection's other
    networks and published ports, as nftables rules in the collection's own table (see
    M(linuxnet.fabric.network_firewall)), and the forwarding sysctls of the host namespace (IPv4 when the network
    masquerades, publishes ports or routes an l3 overlay; IPv6 whenever it has IPv6).
  - With O(vxlan), the network spans hosts (the role M(linuxnet.fabric.overlay_network) plans it from the
    inventory), with a VXLAN device bridged with every peer (C(l2)) or routed to each peer's subnet (C(l3)).
  - With O(persist), the network comes back after a reboot without Ansible, by a systemd unit that runs the same engine.
  - Used by the roles M(linuxnet.fabric.bridge_network) and M(linuxnet.fabric.overlay_network).
options:
  network:
    description: Name of the network (1 to 64 letters, digits, C(_), C(.), C(-)); used in the ownership marks.
    type: str
    required: true
  bridge:
    description: Name of the bridge.
    type: str
    required: true
  subnet:
    description:
      - The network's IPv4 subnet, for example V(172.17.0.0/16). O(state=present) needs O(subnet), O(subnet6) or
        both.
    type: str
  gateway:
    description: IPv4 address of the bridge, inside O(subnet). Defaults to the first host address of O(subnet).
    type: str
  ip_range:
    description:
      - Part of O(subnet) that IPv4 addresses are assigned from (like Docker's C(--ip-range)), for example one
        host's slice of a subnet shared by several hosts. Defaults to the whole subnet.
    type: str
  subnet6:
    description: The network's IPv6 prefix, for example V(fd00:17::/64); at most /126.
    type: str
  gateway6:
    description: IPv6 address of the bridge, inside O(subnet6). Defaults to the first address after the prefix's
      own (for example V(fd00:17::1)).
    type: str
  ip_range6:
    description: Part of O(subnet6) that IPv6 addresses are assigned from. Defaults to the whole prefix.
    type: str
  mtu:
    description:
      - MTU of the bridge and of both ends of every veth (and of the VXLAN device). Not managed when omitted,
        except with O(vxlan), where it defaults to the underlay's MTU minus the VXLAN overhead (50 bytes over
        IPv4, 70 over IPv6) and may not exceed that.
    type: int
  endpoints:
    description: The endpoints. Each is a network namespace (created if missing) plugged into the bridge.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - Name of the endpoint, used in ownership marks and leases. Without O(endpoints[].netns_path) and
            O(endpoints[].pid) also the name of its network namespace (under C(/run/netns)), created when missing.
        type: str
        required: true
      netns_path:
        description:
          - The file of an existing network namespace, for example V(/proc/1234/ns/net) or
            V(/run/docker/netns/0a1b2c3d4e5f). Never created, never deleted. Mutually exclusive with
            O(endpoints[].pid).
        type: str
      pid:
        description: A process whose network namespace is the endpoint's (for example a container's main process).
        type: int
      address:
        description: IPv4 address inside O(subnet), with or without the subnet's prefix length. Assigned when omitted.
        type: str
      address6:
        description: IPv6 address inside O(subnet6), with or without its prefix length. Assigned when omitted.
        type: str
      interface:
        description: Name of the interface inside the namespace.
        type: str
        default: eth0
      mac_address:
        description: Unicast MAC address of the endpoint's interface.
        type: str
  purge:
    description: Remove endpoints of this network (marked as its own) that are not listed.
    type: bool
    default: false
  force:
    description:
      - Let O(purge) and O(state=absent) remove the interface of an endpoint whose namespace has processes in it
        (a running container, a service started with C(ip netns exec)). Without it they fail, name the
        processes and change nothing.
    type: bool
    default: false
  replaces:
    description:
      - Networks this one replaces, by name, for example the old name of a renamed network. Their endpoints become
        this network's (with their addresses), and their bridge, VXLAN device, firewall rules and leases go.
      - Without it, an endpoint whose namespace another network made and still uses is refused.
    type: list
    elements: str
    default: []
  persist:
    description:
      - Bring the network back after a reboot, without Ansible, by the same engine. The run also installs the engine
        (these module_utils as a plain Python package, versioned) under C(/usr/local/lib/linuxnet-fabric/), the runner
        C(/usr/local/sbin/linuxnet-fabric-apply), the network's state file C(/etc/linuxnet-fabric/NETWORK.json) (the
        module's parameters with every address it assigned written in; mode 0600) and the systemd unit
        C(linuxnet-fabric@.service), whose instance C(linuxnet-fabric@NETWORK.service) it enables (not starts). With
        O(vxlan) the instance is also ordered after C(network-online.target). At boot the runner converges the network
        as this module would; endpoints given by O(endpoints[].pid) or O(endpoints[].netns_path) are skipped (their
        containers are gone) and keep their addresses.
      - Inside a namespace that plays the host (O(netns)), the files are named C(NETWORK@NETNS), as the leases.
      - V(auto) is V(true) when systemd is the host's init (C(/run/systemd/system) exists) and O(netns) is not set;
        without systemd it is V(false) and the module warns. V(true) without systemd writes the files, does not enable
        the unit, and warns.
      - V(false), and O(state=absent), remove the network's state file and unit instance; the engine, the runner and
        the unit go with the last state file.
      - "Accepts V(true), V(false) or V(auto)."
    type: raw
    default: false
  persist_root:
    description:
      - Prefix of every file the module keeps (V(/) means C(/var/lib/linuxnet-fabric) for the address leases, and
        the paths in O(persist)). A test may point it at a temporary directory. Must be absolute.
    type: path
    default: /
  firewall:
    description:
      - Manage the network's nftables rules (O(masquerade), O(masquerade6), O(isolate), O(published_ports), the
        VXLAN peer filter). V(false) removes the rules this network has.
    type: bool
    default: true
  masquerade:
    description: Egress NAT for the IPv4 subnet (traffic that leaves through another interface).
    type: bool
    default: true
  masquerade6:
    description: Egress NAT for the IPv6 subnet (NAT66). Off by default, since a global IPv6 prefix is routed.
    type: bool
    default: false
  isolate:
    description: Drop traffic between this network and the collection's other networks on the host.
    type: bool
    default: true
  published_ports:
    description: Ports of endpoints reachable through the host (DNAT); see M(linuxnet.fabric.network_firewall).
    type: list
    elements: dict
    default: []
    suboptions:
      endpoint:
        description: Name of the endpoint (one of O(endpoints)).
        type: str
        required: true
      port:
        description: Port inside the endpoint, or a range V(8000-8010).
        type: raw
        required: true
      host_port:
        description: Port on the host, or a range of the same length. Defaults to O(published_ports[].port).
        type: raw
      protocol:
        description: V(tcp) or V(udp).
        type: str
        choices: [tcp, udp]
        default: tcp
      host_ip:
        description: Host address to publish on. All of the host's addresses when omitted.
        type: str
  vxlan:
    description: Join the network to other hosts over VXLAN.
    type: dict
    suboptions:
      vni:
        description: VXLAN network identifier, 1 to 16777215.
        type: int
        required: true
      port:
        description: UDP port of the VXLAN traffic.
        type: int
        default: 4789
      name:
        description: Name of the VXLAN device. Defaults to C(vx<VNI>).
        type: str
      local:
        description: This host's underlay address (IPv4 or IPv6; the peers' are of the same family).
        type: str
        required: true
      dev:
        description: The underlay interface. Defaults to the interface that holds O(vxlan.local).
        type: str
      mode:
        description:
          - V(l2) bridges the VXLAN device (one subnet for all hosts, one flood entry per peer, learning).
          - V(l3) routes (flannel's scheme); the device holds this host's VTEP address (its subnet's own address),
            and per peer an FDB entry, a permanent neighbour and a route to the peer's subnet.
        type: str
        choices: [l2, l3]
        default: l2
      restrict_peers:
        description: Accept VXLAN datagrams only from the peers' underlay addresses (nftables).
        type: bool
        default: true
      peers:
        description: The other hosts.
        type: list
        elements: dict
        default: []
        suboptions:
          underlay:
            description: The peer's underlay address.
            type: str
            required: true
          subnet:
            description: The peer's IPv4 subnet (needed in C(l3) mode when the network has IPv4).
            type: str
          subnet6:
            description: The peer's IPv6 subnet (needed in C(l3) mode when the network has IPv6).
            type: str
  state:
    description: C(absent) removes every object marked as this network's (endpoints, namespaces it created, bridge).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.lock
seealso:
  - module: linuxnet.fabric.bridge
  - module: linuxnet.fabric.veth
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Two containers on a docker0-style network
  linuxnet.fabric.bridge_network:
    network: default
    bridge: docker0
    subnet: 172.17.0.0/16
    endpoints:
      - name: nginx-1
        address: 172.17.0.2
      - name: nginx-2

- name: A dual-stack network with a running container's namespace as an endpoint
  linuxnet.fabric.bridge_network:
    network: web
    bridge: br-web
    subnet: 172.18.0.0/16
    subnet6: fd00:18::/64
    endpoints:
      - name: web-1
        pid: "{{ web_container_pid }}"

- name: A network that comes back after a reboot (systemd unit linuxnet-fabric@db.service)
  linuxnet.fabric.bridge_network:
    network: db
    bridge: br-db
    subnet: 172.19.0.0/16
    persist: true
    endpoints:
      - name: db-1

- name: Remove everything the network made
  linuxnet.fabric.bridge_network:
    network: default
    bridge: docker0
    state: absent
'''

RETURN = r'''
actions:
  description: What was done, or in check mode what would be done, in order.
  returned: always
  type: list
  elements: str
diff:
  description: The network before and after (bridge and endpoints).
  returned: always
  type: dict
  contains:
    before:
      description: State before the run.
      type: dict
    after:
      description: State after the run (predicted in check mode).
      type: dict
network:
  description: The network after the run (predicted in check mode).
  returned: always
  type: dict
  contains:
    bridge:
      description: The bridge, as returned by M(linuxnet.fabric.bridge); empty when absent.
      type: dict
    endpoints:
      description: By endpoint name, C(address) and C(address6) (with prefix, null when the network has no such
        family), C(interface), C(host_interface), C(mac_address), C(netns) (its namespace, a name or a path).
      type: dict
    persisted:
      description: The parameters the network's state file holds (see O(persist)); null when it is not persisted.
      type: dict
  sample: {bridge: {name: docker0, addresses: ["172.17.0.1/16"]}, endpoints: {nginx-1: {address: 172.17.0.2/16,
           address6: null, interface: eth0, host_interface: veth1f3a9c2e, mac_address: "02:42:ac:11:00:02",
           netns: nginx-1}}}
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import batch_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge_network import BridgeNetwork
from ansible_collections.linuxnet.fabric.plugins.module_utils._specs import BRIDGE_NETWORK


def main():
    batch_main(BRIDGE_NETWORK, BridgeNetwork, 'network')


if __name__ == '__main__':
    main()
