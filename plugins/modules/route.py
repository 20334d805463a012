#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: route
short_description: Manage an IPv4 or IPv6 route in any network namespace
version_added: 0.1.0
description:
  - Adds, changes or removes one route, in the current or a named network namespace, idempotently.
  - A route is identified as the kernel identifies it, by O(dst), O(table) and O(metric). Without O(metric) the
    route to O(dst) with the kernel's default metric (0 for IPv4, 1024 for IPv6) is meant, or else the one with
    the lowest metric; it keeps its metric.
  - A change of O(gateway), O(dev), O(onlink) or O(scope) of an existing route is one atomic C(replace), never a
    delete and an add, so traffic keeps flowing. Only the options you set are compared.
  - A O(gateway) must be reachable on a connected route (an address on its subnet) unless O(onlink=true); this
    is checked before anything is changed. In check mode an unreachable gateway is a note, not an error, as an
    earlier task may add that address.
options:
  dst:
    description:
      - Destination network in CIDR form (host bits zero), for example V(10.244.2.0/24) or V(fd00:2::/64), or
        V(default).
      - V(default) is V(0.0.0.0/0), or V(::/0) when O(gateway) is an IPv6 address. Write V(::/0) for an IPv6 default
        route without gateway.
    type: str
    required: true
  gateway:
    description:
      - Next hop address (C(via)), of the same family as O(dst). An IPv6 link-local gateway needs O(dev).
      - With O(state=absent), only routes via this gateway are removed.
    type: str
  dev:
    description:
      - Output interface. Without it the kernel picks the interface of the connected route to O(gateway).
      - With O(state=absent), only routes through this interface are removed.
    type: str
  onlink:
    description:
      - Treat O(gateway) as directly attached to O(dev) even if no address covers it (flannel's per-peer routes on
        a VXLAN device). Needs O(gateway) and O(dev). Not managed when omitted.
    type: bool
  metric:
    description:
      - Route metric (priority), 0 to 4294967295; part of the route's identity. For IPv6, 0 means 1024 (as in the
        kernel).
    type: int
  table:
    description: Routing table, a number from 1 to 4294967295 or V(main), V(local), V(default).
    type: raw
    default: main
  scope:
    description:
      - IPv4 only. V(global) (also V(universe)), V(site), V(link) or V(host). A route via a gateway must be
        V(global) or V(site).
      - Not managed when omitted; a new route without gateway gets V(link) (as with C(ip route add)), a new route
        via a gateway V(global).
    type: str
    choices: [global, universe, site, link, host]
  state:
    description:
      - V(present) adds the route or changes it in place. V(absent) removes every route to O(dst) in O(table) that
        matches the O(metric), O(gateway) and O(dev) you set.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - linuxnet.fabric.common
  - linuxnet.fabric.common.netns
  - linuxnet.fabric.common.lock
seealso:
  - module: linuxnet.fabric.address
  - module: linuxnet.fabric.neighbor
  - module: linuxnet.fabric.fdb
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Default route of a container via its bridge
  linuxnet.fabric.route:
    netns: web-1
    dst: default
    gateway: 172.17.0.1

- name: Flannel-style route to a peer host's pod subnet over the VXLAN device
  linuxnet.fabric.route:
    netns: host-a
    dst: 10.244.2.0/24
    gateway: 10.244.2.0
    dev: flannel.1
    onlink: true

- name: IPv6 default route via a link-local router
  linuxnet.fabric.route:
    netns: web-1
    dst: default
    gateway: fe80::1
    dev: eth0

- name: A route in another table, with a metric
  linuxnet.fabric.route:
    netns: host-a
    dst: 10.0.0.0/8
    dev: eth0
    table: 100
    metric: 50

- name: Remove it
  linuxnet.fabric.route:
    netns: host-a
    dst: 10.0.0.0/8
    table: 100
    metric: 50
    state: absent
'''

RETURN = r'''
changed:
  description: Whether a route was (or in check mode would be) added, replaced or removed.
  returned: always
  type: bool
  sample: true
actions:
  description: What was done, or in check mode what would be done, in order, plus notes on assumptions.
  returned: always
  type: list
  elements: str
  sample: ["replace route default via 172.17.0.1 dev eth0 in netns 'web-1' (gateway 172.17.0.1 -> 172.17.0.254)"]
diff:
  description: The route before and after (empty dict when there is none).
  returned: always
  type: dict
  contains:
    before:
      description: The route before the run (with O(state=absent) and several matches, the first of them).
      type: dict
    after:
      description: The route after the run (in check mode, the predicted state).
      type: dict
route:
  description: The route after the run (predicted in check mode); empty dict when absent.
  returned: always
  type: dict
  contains:
    dst:
      description: Destination in CIDR form (V(0.0.0.0/0) or V(::/0) for a default route).
      type: str
    gateway:
      description: Next hop, null for a route without gateway.
      type: str
    dev:
      description: Output interface (null if not known yet in check mode).
      type: str
    onlink:
      description: Whether the gateway is taken as on-link.
      type: bool
    metric:
      description: Metric (priority).
      type: int
    table:
      description: Table number (254 is main).
      type: int
    scope:
      description: Scope (V(global), V(site), V(link), V(host)); always V(global) for IPv6.
      type: str
    type:
      description: Route type; V(unicast) for routes this module makes (others, such as V(blackhole), are replaced).
      type: str
    netns:
      description: Namespace name, null for the current one.
      type: str
  sample: {dst: 0.0.0.0/0, gateway: 172.17.0.1, dev: eth0, onlink: false, metric: 0, table: 254, scope: global,
           type: unicast, netns: web-1}
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils import _specs
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import module_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.route import Route


def main():
    module_main(dict(
        netns=_specs.NETNS,
        dst=dict(type='str', required=True),
        gateway=dict(type='str'),
        dev=dict(type='str'),
        onlink=dict(type='bool'),
        metric=dict(type='int'),
        table=dict(type='raw', default='main'),
        scope=dict(type='str', choices=['global', 'universe', 'site', 'link', 'host']),
        state=_specs.STATE,
    ), Route, 'route')


if __name__ == '__main__':
    main()
