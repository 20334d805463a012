# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs shared by modules (documented in doc_fragments/common.py); the link modules' are built from
their kinds' fields (_resources/link.py)."""

NETNS = dict(type='str')
STATE = dict(type='str', default='present', choices=['present', 'absent'])


# The bridge_network module's options: also what a state file of a persisted network holds (_persist checks one
# against it before the boot-time runner uses it).
BRIDGE_NETWORK = dict(
    network=dict(type='str', required=True),
    bridge=dict(type='str', required=True),
    netns=NETNS,
    subnet=dict(type='str'),
    gateway=dict(type='str'),
    ip_range=dict(type='str'),
    subnet6=dict(type='str'),
    gateway6=dict(type='str'),
    ip_range6=dict(type='str'),
    mtu=dict(type='int'),
    endpoints=dict(type='list', elements='dict', default=[], options=dict(
        name=dict(type='str', required=True),
        netns_path=dict(type='str'),
        pid=dict(type='int'),
        address=dict(type='str'),
        address6=dict(type='str'),
        interface=dict(type='str', default='eth0'),
        mac_address=dict(type='str'),
    ), mutually_exclusive=[('netns_path', 'pid')]),
    purge=dict(type='bool', default=False),
    force=dict(type='bool', default=False),
    replaces=dict(type='list', elements='str', default=[]),
    persist=dict(type='raw', default=False),
    persist_root=dict(type='path', default='/'),
    firewall=dict(type='bool', default=True),
    masquerade=dict(type='bool', default=True),
    masquerade6=dict(type='bool', default=False),
    isolate=dict(type='bool', default=True),
    published_ports=dict(type='list', elements='dict', default=[], options=dict(
        endpoint=dict(type='str', required=True),
        port=dict(type='raw', required=True),
        host_port=dict(type='raw'),
        protocol=dict(type='str', default='tcp', choices=['tcp', 'udp']),
        host_ip=dict(type='str'),
    )),
    vxlan=dict(type='dict', options=dict(
        vni=dict(type='int', required=True),
        port=dict(type='int', default=4789),
        name=dict(type='str'),
        local=dict(type='str', required=True),
        dev=dict(type='str'),
        mode=dict(type='str', default='l2', choices=['l2', 'l3']),
        restrict_peers=dict(type='bool', default=True),
        peers=dict(type='list', elements='dict', default=[], options=dict(
            underlay=dict(type='str', required=True),
            subnet=dict(type='str'),
            subnet6=dict(type='str'),
        )),
    )),
    state=STATE,
)
