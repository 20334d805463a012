#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: net_info
short_description: Read links, addresses, routes, FDB and neighbour entries of network namespaces
version_added: 0.1.0
description:
  - Reads what the network namespaces of a host hold, as structured data under RV(net) (and, if asked,
    C(ansible_facts.fabric_net)). Read-only; it never changes anything, and it never creates a namespace.
  - Every kind is read the way the collection's module for it reads it (one code path), so the values are the
    ones M(linuxnet.fabric.bridge), M(linuxnet.fabric.veth), M(linuxnet.fabric.vxlan), M(linuxnet.fabric.route),
    M(linuxnet.fabric.fdb) and M(linuxnet.fabric.neighbor) compare with.
  - One netlink socket per namespace and no command is run, so hundreds of namespaces take a few seconds.
  - The namespace the module runs in is named V("") (the empty string) in the option and in the result.
  - A namespace without a name (a container's, a process's) is named by the path of a file of it, such as
    C(/proc/PID/ns/net) or C(/run/docker/netns/ID); each namespace says where it comes from
    (RV(net.namespaces.<netns>.source)).
options:
  netns:
    description:
      - The namespaces to read, by name (as in C(ip netns)) or by the absolute path of a namespace file
        (C(/proc/PID/ns/net), C(/run/docker/netns/ID)); V("") is the namespace the module runs in.
      - Omitted, the current namespace, all named namespaces (files under C(/run/netns)), and the namespaces
        without a name that veth pairs of those lead to (a container attached to a bridge, for example), each
        named by C(/proc/PID/ns/net) of its lowest PID, else (no process in it) by a mounted file of it outside
        C(/run/netns).
      - A namespace in the list that does not exist is an error (nothing is read, nothing is created).
    type: list
    elements: str
  gather:
    description:
      - What to read in each namespace. Addresses are shown under their link, so V(addresses) implies V(links).
      - Routes are those of every table but C(local), without the kernel's IPv6 link-local routes.
      - FDB entries are the static ones (see RV(net.namespaces.<netns>.fdb)).
      - Neighbours are the permanent and C(noarp) entries, without the kernel's multicast ones.
    type: list
    elements: str
    choices: [links, addresses, routes, fdb, neighbors]
    default: [links, addresses, routes, fdb, neighbors]
  as_facts:
    description: Also return the result as C(ansible_facts.fabric_net), so later tasks and plays see it as
      C(fabric_net).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Reads the same in check mode; nothing is ever changed.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
extends_documentation_fragment:
  - linuxnet.fabric.common
seealso:
  - module: linuxnet.fabric.netns
  - module: linuxnet.fabric.veth
  - module: linuxnet.fabric.vxlan
  - module: linuxnet.fabric.fdb
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Everything in every namespace of the host
  linuxnet.fabric.net_info:
  register: info

- name: The address of eth0 in nginx-1
  ansible.builtin.debug:
    msg: "{{ info.net.namespaces['nginx-1'].links.eth0.addresses }}"

- name: Only the links and routes of two namespaces, as facts
  linuxnet.fabric.net_info:
    netns: [host-a, host-b]
    gather: [links, routes]
    as_facts: true

- name: The current namespace only
  linuxnet.fabric.net_info:
    netns: [""]

- name: The namespace of a process (a container's, given its PID)
  linuxnet.fabric.net_info:
    netns: ["/proc/{{ container_pid }}/ns/net"]

- name: A topology picture (Mermaid) of what was read
  ansible.builtin.copy:
    content: "{{ info.net | linuxnet.fabric.to_mermaid }}"
    dest: /tmp/topology.mmd
    mode: "0644"
'''

RETURN = r'''
changed:
  description: Always false; nothing is changed.
  returned: always
  type: bool
  sample: false
net:
  description: What the namespaces hold.
  returned: always
  type: dict
  contains:
    namespaces:
      description:
        - One entry per namespace read, keyed by its name; the namespace the module runs in is V(""), one without
          a name is keyed by the path of a file of it.
        - Order - the current namespace, the named ones sorted, then those without a name (or the order of
          O(netns)).
      type: dict
      contains:
        <netns>:
          description: One namespace. Besides RV(net.namespaces.<netns>.source), only the keys of O(gather) are
            present.
          type: dict
          contains:
            source:
              description: Where the namespace comes from - V(current) (the one the module runs in), V(named) (a
                file under C(/run/netns)), V(pid) (C(/proc/PID/ns/net)) or V(path) (another namespace file).
              returned: always
              type: str
              sample: named
            links:
              description: The interfaces, keyed by name, in index order.
              returned: when O(gather) has V(links) or V(addresses)
              type: dict
              contains:
                <interface>:
                  description:
                    - One interface. A link of a kind the collection has a module for (named after the kind, such
                      as M(linuxnet.fabric.bridge) or M(linuxnet.fabric.vxlan)) also has the fields of that kind as
                      its module returns them, for example C(stp), C(vni) or C(remotes); a namespace among them
                      is named as here, V("") for the current one.
                  type: dict
                  contains:
                    name:
                      description: Interface name.
                      type: str
                    index:
                      description: Interface index in its namespace.
                      type: int
                    kind:
                      description: Link kind (V(bridge), V(veth), V(vxlan), ...); V(device) for one without a
                        kind such as C(lo) or a physical NIC.
                      type: str
                    master:
                      description: The bridge it is attached to, null when none.
                      type: str
                    mtu:
                      description: MTU.
                      type: int
                    mac_address:
                      description: Link-layer address.
                      type: str
                    up:
                      description: Administratively up.
                      type: bool
                    alias:
                      description: Interface alias, null when unset.
                      type: str
                    addresses:
                      description: Addresses as V(ip/prefix), IPv4 then IPv6, without IPv6 link-local ones.
                      returned: when O(gather) has V(addresses)
                      type: list
                      elements: str
                    peer:
                      description: The other end of a veth pair.
                      returned: when kind is V(veth)
                      type: dict
                      contains:
                        name:
                          description: Name of the other end, null if it cannot be found.
                          type: str
                        netns:
                          description: Namespace of the other end, V("") for the current one, the path of a
                            namespace without a name that was read too, or V("(unnamed namespace, nsid N\)") for
                            another one.
                          type: str
            routes:
              description: Routes of every table but C(local), IPv4 and IPv6, in the kernel's order.
              returned: when O(gather) has V(routes)
              type: list
              elements: dict
              contains:
                dst:
                  description: Destination network; V(0.0.0.0/0) or V(::/0) for a default route.
                  type: str
                table:
                  description: Table number (254 is C(main)).
                  type: int
                metric:
                  description: Metric (priority).
                  type: int
                gateway:
                  description: Next hop, null for a connected route.
                  type: str
                dev:
                  description: Outgoing interface, null when none (for example a blackhole route).
                  type: str
                onlink:
                  description: Whether the gateway is taken as on the link.
                  type: bool
                scope:
                  description: Scope (V(global), V(link), V(host), ...).
                  type: str
                type:
                  description: Route type (V(unicast), V(blackhole), V(unreachable), ...).
                  type: str
                proto:
                  description: Who made it - V(kernel) (connected routes), V(static) (the collection's
                    M(linuxnet.fabric.route)), V(boot) (C(ip route add)), V(dhcp), V(ra), or the number.
                  type: raw
            fdb:
              description:
                - Static FDB entries - bridge entries that forward to a port, and device entries (a vxlan's remote
                  VTEPs, its flood list included; unicast ones of other devices), in the kernel's order.
                - Not shown - learnt entries, the bridge ports' own addresses (local) and the devices' multicast
                  address lists.
              returned: when O(gather) has V(fdb)
              type: list
              elements: dict
              contains:
                interface:
                  description: The port or device the entry is on.
                  type: str
                mac:
                  description: Link-layer address; V(00:00:00:00:00:00) for a flood entry.
                  type: str
                master:
                  description: Whether it is an entry of the bridge (C(master)).
                  type: bool
                self:
                  description: Whether it is an entry of the device itself (C(self)).
                  type: bool
                bridge:
                  description: The bridge of a C(master) entry, else null.
                  type: str
                dst:
                  description: Remote VTEP of a vxlan entry, else null.
                  type: str
                vni:
                  description: VNI of a vxlan entry, else null.
                  type: int
                permanent:
                  description: Whether the entry is permanent (or static, for a bridge entry).
                  type: bool
            neighbors:
              description: Permanent and C(noarp) neighbour (ARP/NDP) entries, without the kernel's multicast ones
                and those on C(lo).
              returned: when O(gather) has V(neighbors)
              type: list
              elements: dict
              contains:
                interface:
                  description: Interface the neighbour is on.
                  type: str
                ip:
                  description: IP address (IPv6 compressed).
                  type: str
                mac:
                  description: Link-layer address.
                  type: str
                state:
                  description: V(permanent) or V(noarp).
                  type: str
  sample:
    namespaces:
      "":
        source: current
        links:
          docker0:
            name: docker0
            index: 2
            kind: bridge
            master: null
            mtu: 1500
            mac_address: "5a:3e:0c:1d:22:01"
            up: true
            alias: null
            addresses: [172.17.0.1/16]
            stp: false
            forward_delay: 15
            ageing_time: 300
          veth-nginx-1:
            name: veth-nginx-1
            index: 4
            kind: veth
            master: docker0
            mtu: 1500
            mac_address: "9e:02:7a:41:5c:10"
            up: true
            alias: null
            addresses: []
            peer:
              name: eth0
              netns: nginx-1
        routes:
          - dst: 172.17.0.0/16
            table: 254
            metric: 0
            gateway: null
            dev: docker0
            onlink: false
            scope: link
            type: unicast
            proto: kernel
        fdb: []
        neighbors: []
      nginx-1:
        source: named
        links:
          eth0:
            name: eth0
            index: 2
            kind: veth
            master: null
            mtu: 1500
            mac_address: "02:42:ac:11:00:02"
            up: true
            alias: null
            addresses: [172.17.0.2/16]
            peer:
              name: veth-nginx-1
              netns: ""
        routes:
          - dst: 0.0.0.0/0
            table: 254
            metric: 0
            gateway: 172.17.0.1
            dev: eth0
            onlink: false
            scope: global
            type: unicast
            proto: static
        fdb: []
        neighbors: []
ansible_facts:
  description: The same as RV(net), when O(as_facts) is true.
  returned: when O(as_facts=true)
  type: dict
  contains:
    fabric_net:
      description: The same as RV(net).
      type: dict
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import info_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.net_info import GATHER, NetInfo


def read(nl, module):
    net = NetInfo(nl, module.params).read()
    result = dict(net=net)
    if module.params['as_facts']:
        result['ansible_facts'] = dict(fabric_net=net)
    return result


def main():
    info_main(dict(
        netns=dict(type='list', elements='str'),
        gather=dict(type='list', elements='str', choices=list(GATHER), default=list(GATHER)),
        as_facts=dict(type='bool', default=False),
    ), read)


if __name__ == '__main__':
    main()
