"""The filters to_mermaid and to_dot (plugins/filter/topology.py) on fixed net_info output."""
import copy
import shutil
import subprocess

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.linuxnet.fabric.plugins.filter.topology import FilterModule, Topology, to_dot, to_mermaid


def link(name, index, kind, addresses=(), **extra):
    return dict(dict(name=name, index=index, kind=kind, master=None, mtu=1500, mac_address='02:00:00:00:00:%02x' % index,
                     up=True, alias=None, addresses=list(addresses)), **extra)


LO = link('lo', 1, 'device', ['127.0.0.1/8', '::1/128'])

# The seed topology as net_info returns it (shortened: no routes, fdb, neighbours).
SEED = dict(namespaces={
    '': dict(links={
        'lo': LO,
        'docker0': link('docker0', 2, 'bridge', ['172.17.0.1/16'], stp=False),
        'veth-nginx-1': link('veth-nginx-1', 3, 'veth', master='docker0', peer=dict(name='eth0', netns='nginx-1')),
    }),
    'nginx-1': dict(links={
        'lo': LO,
        'eth0': link('eth0', 2, 'veth', ['172.17.0.2/16'], peer=dict(name='veth-nginx-1', netns='')),
    }),
    'empty': dict(links={'lo': LO}),
})

SEED_MERMAID = '''flowchart LR
    subgraph h0_n0["current netns"]
        h0_n0_i0["docker0 (bridge)<br/>172.17.0.1/16"]
        h0_n0_i1["veth-nginx-1 (veth)"]
    end
    subgraph h0_n1["nginx-1"]
        h0_n1_i0["eth0 (veth)<br/>172.17.0.2/16"]
    end
    h0_n0_i1 === h0_n1_i0
    h0_n0_i0 --- h0_n0_i1
'''

SEED_DOT = r'''graph topology {
    rankdir=LR;
    node [shape=box, style=rounded];
    subgraph cluster_h0_n0 {
        label="current netns";
        h0_n0_i0 [label="docker0 (bridge)\n172.17.0.1/16"];
        h0_n0_i1 [label="veth-nginx-1 (veth)"];
    }
    subgraph cluster_h0_n1 {
        label="nginx-1";
        h0_n1_i0 [label="eth0 (veth)\n172.17.0.2/16"];
    }
    h0_n0_i1 -- h0_n1_i0 [style=bold];
    h0_n0_i0 -- h0_n0_i1 [color=gray40];
}
'''


def vxlan(name, index, vni, local, remotes, **extra):
    return link(name, index, 'vxlan', vni=vni, dstport=4789, local=local, group=None, dev='ul0', learning=False,
                ttl=0, remotes=remotes, **extra)


# Two hosts: host-a floods to host-b and to an address no host of the input holds (l2); host-b reaches
# host-a through an FDB entry with a destination (l3, no flood list).
HOST_A = dict(changed=False, net=dict(namespaces={
    '': dict(links={
        'lo': LO,
        'br0': link('br0', 2, 'bridge', ['10.244.1.1/24']),
        'ul0': link('ul0', 3, 'device', ['198.18.0.1/24']),
        'vx0': vxlan('vx0', 4, 42, '198.18.0.1', ['198.18.0.2', '198.18.0.9'], master='br0'),
    }, fdb=[]),
}))
HOST_B = dict(namespaces={
    '': dict(links={
        'lo': LO,
        'ul0': link('ul0', 2, 'device', ['198.18.0.2/24']),
        'vx9': vxlan('vx9', 3, 9, '198.18.0.2', []),
        'flannel.1': vxlan('flannel.1', 4, 42, '198.18.0.2', []),
    }, fdb=[dict(interface='flannel.1', mac='02:00:00:00:0a:00', master=False, self=True, bridge=None,
                 dst='198.18.0.1', vni=42, permanent=True)]),
})
HOSTS = {'host-a': HOST_A, 'host-b': HOST_B}


def labels(topo):
    names = dict((node, lines[0]) for node, lines, _group in topo.nodes)
    return sorted((names[a], names[b], kind, label) for a, b, kind, label in topo.edges)


def test_filters_are_registered():
    assert FilterModule().filters() == dict(to_mermaid=to_mermaid, to_dot=to_dot)


def test_seed_as_mermaid():
    assert to_mermaid(SEED) == SEED_MERMAID


def test_seed_as_dot():
    assert to_dot(SEED) == SEED_DOT


@pytest.mark.parametrize('form', [
    lambda net: dict(changed=False, net=net),  # the registered result
    lambda net: dict(fabric_net=net),          # hostvars of a host that ran it with as_facts
])
def test_every_form_of_one_output_gives_the_same_text(form):
    assert to_mermaid(form(SEED)) == SEED_MERMAID and to_dot(form(SEED)) == SEED_DOT


def test_hosts_are_groups_of_their_own_and_vteps_meet_across_hosts():
    topo = Topology(HOSTS)
    assert [g for g in topo.groups if g[2] is None] == [('h0', 'host-a', None), ('h1', 'host-b', None)]
    assert ('h1_n0', 'current netns', 'h1') in topo.groups
    assert labels(topo) == [
        ('br0 (bridge)', 'vx0 (vxlan 42)', 'port', None),
        ('vx0 (vxlan 42)', 'VTEP 198.18.0.9', 'vxlan', 'vni 42'),
        # once, though host-a floods to host-b and host-b has an FDB entry towards host-a; to the vxlan with the
        # same VNI (not vx9, not ul0 which holds the address)
        ('vx0 (vxlan 42)', 'flannel.1 (vxlan 42)', 'vxlan', 'vni 42'),
    ]
    text = to_mermaid(HOSTS)
    assert '    subgraph h0["host-a"]\n        subgraph h0_n0["current netns"]\n' in text
    assert 'h0_n0_i2 -.-|vni 42| h1_n0_i2' in text
    assert 'x_198_18_0_9["VTEP 198.18.0.9<br/>(not in the input)"]' in text
    assert 'h0_n0_i2 -- h1_n0_i2 [style=dashed, color=blue, label="vni 42"];' in to_dot(HOSTS)


def test_a_remote_without_a_vxlan_goes_to_the_interface_holding_it():
    hosts = copy.deepcopy(HOSTS)
    del hosts['host-b']['namespaces']['']['links']['flannel.1']
    assert ('vx0 (vxlan 42)', 'ul0 (device)', 'vxlan', 'vni 42') in labels(Topology(hosts))


def test_the_same_vni_in_one_machine_links_namespaces():
    """The lab: every "host" a namespace of one machine, read by one net_info."""
    net = dict(namespaces={'h1': HOST_A['net']['namespaces'][''], 'h2': HOST_B['namespaces']['']})
    assert ('vx0 (vxlan 42)', 'flannel.1 (vxlan 42)', 'vxlan', 'vni 42') in labels(Topology(net))


def test_exclude_direction_and_namespaces_left_empty():
    text = to_mermaid(SEED, exclude=['lo', 'docker0'], direction='TB')
    assert text.startswith('flowchart TB\n') and 'docker0' not in text and 'lo (' not in text
    assert '"empty"' not in text  # only lo in it
    assert 'lo (device)' in to_dot(SEED, exclude=[]) and 'label="empty"' in to_dot(SEED, exclude=[])
    assert 'rankdir=BT;' in to_dot(SEED, direction='BT')


def test_quotes_and_backslashes_are_escaped():
    net = dict(namespaces={'a"b\\c': dict(links={'x#1': link('x#1', 2, 'device')})})
    assert 'subgraph h0_n0["a#quot;b\\c"]' in to_mermaid(net) and '["x#35;1 (device)"]' in to_mermaid(net)
    assert 'label="a\\"b\\\\c";' in to_dot(net)


@pytest.mark.parametrize('data,match', [
    ([], 'expected the output of linuxnet.fabric.net_info'),
    ({}, 'expected the output of linuxnet.fabric.net_info'),
    ({'host-a': {'changed': False}}, 'host host-a: not the output'),
])
def test_bad_input(data, match):
    with pytest.raises(AnsibleFilterError, match=match):
        to_mermaid(data)


def test_bad_options():
    with pytest.raises(AnsibleFilterError, match='direction: expected one of LR, RL, TB, BT'):
        to_dot(SEED, direction='up')
    with pytest.raises(AnsibleFilterError, match='exclude: expected a list'):
        to_mermaid(SEED, exclude='lo')


@pytest.mark.skipif(not shutil.which('dot'), reason="graphviz's dot is not installed")
@pytest.mark.parametrize('data', [SEED, HOSTS])
def test_graphviz_reads_the_dot_text(data):
    subprocess.run(['dot', '-Tsvg', '-o', '/dev/null'], input=to_dot(data), text=True, check=True)
