#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
module: probe
short_description: Probe the data plane from inside network namespaces (ICMP echo, TCP connect)
version_added: 0.1.0
description:
  - Says, as a task, "from this namespace, this must reach that, and that must not". Each probe is an ICMP echo
    (IPv4 or IPv6) or a TCP connection attempt, made from inside a network namespace; the task fails when any
    expectation is not met, and its C(msg) lists the failing probes, one line each.
  - In-process - a thread per source namespace enters it (C(setns)), raw ICMP/ICMPv6 sockets send the echo
    requests, a plain C(connect) tries TCP. No C(ping) binary, no C(ip netns exec), no shell.
  - Read-only - C(changed) is always false, and it runs the same in check mode (the probes are sent).
  - Everything is validated before the first probe - a missing namespace, an address of the wrong family or a
    size beyond 65507 is a clear error and nothing is sent.
  - The probes of one namespace run at once (up to 64 in flight), O(parallel) namespaces at a time - thousands
    of probes take seconds.
options:
  checks:
    description: Probes with an expectation each.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: A label for the probe, shown in RV(results) and in the failure message.
        type: str
      from:
        description:
          - The namespace to probe from, by name (as in C(ip netns), a file under C(/run/netns)).
          - Omitted (or V(""), and without O(checks[].netns_path) and O(checks[].pid)), the namespace the module
            runs in.
        type: str
      netns_path:
        description: The namespace to probe from, as the path of its file (C(/proc/PID/ns/net),
          C(/run/docker/netns/ID)). Not with O(checks[].from) or O(checks[].pid).
        type: str
      pid:
        description: The namespace to probe from, as that of a process (C(/proc/PID/ns/net)), e.g. a container's.
          Not with O(checks[].from) or O(checks[].netns_path).
        type: int
      to:
        description: The address to probe, IPv4 or IPv6. An address with a prefix length (C(10.0.0.2/24)) is
          taken as the address.
        type: str
        required: true
      proto:
        description: V(icmp) sends echo requests (ICMPv6 for an IPv6 address), V(tcp) tries to connect.
        type: str
        choices: [icmp, tcp]
        default: icmp
      port:
        description: The TCP port to connect to. Required with O(checks[].proto=tcp), not allowed with V(icmp).
        type: int
      size:
        description:
          - ICMP only. The whole IP packet in bytes, headers included, as an MTU counts it - at least 28 (IPv4)
            or 48 (IPv6), at most 65507. Omitted, O(size) (default 84 for IPv4, 104 for IPv6, as C(ping)).
        type: int
      df:
        description:
          - ICMP only. Send with Don't Fragment (IPv4 DF bit, IPv6 C(IPV6_DONTFRAG)) at exactly O(checks[].size)
            bytes, which proves a path MTU. A packet larger than the route's MTU is refused at the sender
            (outcome V(blocked), the message says so); one dropped on the way gets no answer (V(blocked)).
          - Omitted, O(df).
        type: bool
      expect:
        description: V(reach) - an echo reply or an established connection must come back. V(blocked) - it must
          not.
        type: str
        choices: [reach, blocked]
        default: reach
      timeout:
        description: Seconds to wait for each answer (a number more than 0, at most 60). Omitted, O(timeout).
        type: raw
      count:
        description: Attempts at most (1 to 100); the probe stops at the first answer. Omitted, O(count).
        type: int
      listener:
        description:
          - TCP only. The namespace and port of the server behind O(checks[].to), e.g. the endpoint behind a
            published port. The probe is made only when a TCP socket listens on that port in that namespace;
            otherwise its outcome is V(skipped), which fails nothing.
        type: dict
        suboptions:
          netns:
            description: The namespace, by name. Omitted (and without the other two), the current one.
            type: str
          netns_path:
            description: The namespace, by the path of its file.
            type: str
          pid:
            description: The namespace of this process.
            type: int
          port:
            description: The port that must be listened on.
            type: int
            required: true
  matrix:
    description:
      - Endpoints probed all pairs with ICMP (N endpoints, N x (N - 1) probes), each pair expected to reach.
        O(size), O(df), O(timeout) and O(count) apply to every pair. RV(matrix) is the table.
      - All endpoints must have addresses of one family. At least two endpoints.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - Row and column label. Omitted, the namespace's name (or path, or C(pid N)).
          - Without O(matrix[].netns), O(matrix[].netns_path) and O(matrix[].pid), also the endpoint's namespace,
            as the endpoints of M(linuxnet.fabric.bridge_network) are named - so a role's endpoint list can be
            passed as it is.
        type: str
      netns:
        description: The endpoint's namespace, by name; V("") is the namespace the module runs in.
        type: str
      netns_path:
        description: The endpoint's namespace, by the path of its file.
        type: str
      pid:
        description: The endpoint's namespace, as that of a process.
        type: int
      address:
        description:
          - The endpoint's address, with or without prefix length.
          - Omitted, read from O(matrix[].interface) in the endpoint's namespace (its first IPv4 address, else its
            first global IPv6 one); this needs pyroute2.
        type: str
      interface:
        description: Where the address is read from when O(matrix[].address) is omitted.
        type: str
        default: eth0
  size:
    description: The size of every ICMP probe that does not set its own (see O(checks[].size)), and of the
      O(matrix) probes. Omitted, 84 bytes (IPv4) or 104 (IPv6).
    type: int
  df:
    description: Don't Fragment for every ICMP probe that does not set it (see O(checks[].df)).
    type: bool
    default: false
  timeout:
    description: Seconds to wait for each answer (a number more than 0, at most 60), for every probe that does
      not set it.
    type: raw
    default: 1.0
  count:
    description: Attempts at most per probe, for every probe that does not set it; a probe stops at its first
      answer.
    type: int
    default: 1
  parallel:
    description: How many namespaces are probed from at once (1 to 256), each with up to 64 probes in flight.
    type: int
    default: 16
attributes:
  check_mode:
    support: full
    description: Runs the same in check mode - the probes are sent, nothing is changed.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
  idempotent:
    support: full
    description: Never changes anything.
extends_documentation_fragment:
  - linuxnet.fabric.common
notes:
  - Needs root (raw sockets, C(setns)). pyroute2 is needed only to read matrix addresses that are not given.
  - The first packet to a neighbour waits for ARP or neighbour discovery; that time is in its RV(results[].rtt).
  - An all-pairs matrix on one L2 segment needs an ARP (or NDP) entry per pair, and the kernel keeps one table for
    all namespaces of the machine, at most C(net.ipv4.neigh.default.gc_thresh3) entries (1024 by default). Beyond
    it the kernel drops packets silently; when its counter of full tables grew during the run, every unanswered
    probe's message and RV(msg) say so.
seealso:
  - module: linuxnet.fabric.net_info
  - module: linuxnet.fabric.bridge_network
  - module: linuxnet.fabric.network_firewall
author:
  - linuxnet.fabric maintainers (@linuxnet)
'''

EXAMPLES = r'''
- name: Both endpoints reach the gateway; the other network's endpoint must not be reachable
  linuxnet.fabric.probe:
    checks:
      - {from: nginx-1, to: 172.17.0.1}
      - {from: nginx-2, to: 172.17.0.1}
      - {name: isolation, from: nginx-1, to: 172.18.0.2, expect: blocked}

- name: The database port from the web container (by its PID), and the path MTU with DF
  linuxnet.fabric.probe:
    checks:
      - {pid: "{{ web_pid }}", to: 10.244.1.5, proto: tcp, port: 5432}
      - {from: h1-app1, to: 10.244.2.2, size: 1450, df: true}
      - {from: h1-app1, to: 10.244.2.2, size: 1451, df: true, expect: blocked}

- name: Everyone to everyone, at the overlay MTU, never fragmented
  linuxnet.fabric.probe:
    matrix:
      - {netns: h1-app1}
      - {netns: h2-app1}
      - {netns: h3-app1, address: 10.244.2.2}
    size: 1450
    df: true
  register: overlay

- name: Show the table
  ansible.builtin.debug:
    var: overlay.matrix
'''

RETURN = r'''
changed:
  description: Always false; nothing is changed.
  returned: always
  type: bool
  sample: false
msg:
  description: How many probes passed; when some failed, one line per failing probe.
  returned: always
  type: str
  sample: "1 of 3 probes failed:\n- from nginx-1 to 172.18.0.2 (icmp, 84 bytes): expected blocked, got reach: echo
    reply in 0.071 ms"
passed:
  description: How many probes met their expectation.
  returned: always
  type: int
  sample: 2
results:
  description: One entry per probe - the O(checks) in order, then the O(matrix) pairs row by row.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The probe's label, when it has one.
      type: str
    from:
      description: Where it started - the namespace's name, path or C(pid N) (a matrix row's label); V("") for
        the namespace the module runs in.
      type: str
    to:
      description: The address probed.
      type: str
    proto:
      description: V(icmp) or V(tcp).
      type: str
    port:
      description: The TCP port (TCP only).
      type: int
    size:
      description: The IP packet size in bytes (ICMP only).
      type: int
    df:
      description: Whether Don't Fragment was set (ICMP only).
      type: bool
    expect:
      description: V(reach) or V(blocked).
      type: str
    outcome:
      description:
        - V(reach) - an echo reply from the address, or an established TCP connection.
        - V(blocked) - no answer in time, an ICMP error (unreachable, prohibited, fragmentation needed), a TCP
          reset, a route that refuses, or a DF packet too large for the route at the sender.
        - V(error) - the probe could not be made (never meets an expectation).
        - V(skipped) - a TCP probe whose O(checks[].listener) does not listen (fails nothing).
      type: str
    passed:
      description: Whether the outcome is the expectation (false for V(skipped)).
      type: bool
    rtt:
      description: Round-trip time in milliseconds of the answer, null without one. Indicative only (measured
        in Python, many probes at once).
      type: float
    message:
      description: What happened, e.g. C(echo reply in 0.061 ms), C(no answer in 1 s (1 request)),
        C(refused at the sender - 1451 bytes with DF set do not fit the MTU of the route (EMSGSIZE)).
      type: str
failed_checks:
  description: The entries of RV(results) that did not meet their expectation (not the V(skipped) ones).
  returned: always
  type: list
  elements: dict
matrix:
  description: The O(matrix) as a table a person can read, one string per line - rows probe columns, C(ok),
    C(LOST) (blocked), C(ERR) (error), C(.) for the endpoint itself. Empty without O(matrix).
  returned: always
  type: list
  elements: str
  sample:
    - "from/to  h1-app1  h2-app1"
    - "h1-app1  .        ok"
    - "h2-app1  ok       ."
'''

from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import info_main
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import probe

WHERE = dict(netns_path=dict(type='str'), pid=dict(type='int'))


def main():
    info_main(dict(
        checks=dict(type='list', elements='dict', default=[], options=dict(
            WHERE,
            name=dict(type='str'),
            to=dict(type='str', required=True),
            proto=dict(type='str', choices=list(probe.PROTOS), default='icmp'),
            port=dict(type='int'),
            size=dict(type='int'),
            df=dict(type='bool'),
            expect=dict(type='str', choices=list(probe.EXPECTS), default='reach'),
            timeout=dict(type='raw'),  # checked by the engine, which names the value
            count=dict(type='int'),
            listener=dict(type='dict', options=dict(WHERE, netns=dict(type='str'),
                                                    port=dict(type='int', required=True))),
            **{'from': dict(type='str')})),
        matrix=dict(type='list', elements='dict', default=[], options=dict(
            WHERE,
            name=dict(type='str'),
            netns=dict(type='str'),
            address=dict(type='str'),
            interface=dict(type='str', default='eth0'),
        )),
        size=dict(type='int'),
        df=dict(type='bool', default=False),
        timeout=dict(type='raw', default=1.0),
        count=dict(type='int', default=1),
        parallel=dict(type='int', default=16),
    ), lambda nl, module: probe.run(nl, module.params))


if __name__ == '__main__':
    main()
