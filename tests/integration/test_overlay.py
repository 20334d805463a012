"""The role linuxnet.fabric.overlay_network on the lab of playbooks/lab/ (inside the sandbox only).

The lab and its helpers: lab.py. Playbooks run from the built collection with ansible-playbook and an inventory,
the way a user runs them.
"""
import json
import re
import subprocess

import pytest
import yaml

import harness
from harness import ping, snapshot, snapshot_diff
from lab import (BRIDGE, FLOOD, PORT, UNDERLAY, VNI, VX, assert_full_mesh, assert_mtu, assert_peer_entries,
                 converge, endpoints, link, make_lab, peer_entries, playbook, sh)

pytestmark = pytest.mark.roles

ROGUE = '10.244.250.1'  # the outsider's address on its rogue VTEP


# --- the rogue VTEP ------------------------------------------------------------------------------------------------

def rogue_vtep(mode):
    """A VTEP with the overlay's VNI in the outsider lab-h4, sending to h1, aimed at h1-app1 (l2: its MAC, l3: h1's
    VTEP MAC). Counts, inside h1-app1, the packets that come from the rogue address."""
    target = endpoints(['h1'])['h1-app1']
    mac = link('h1-app1', 'eth0')['address'] if mode == 'l2' else link('lab-h1', VX)['address']
    batch = ['link add %s type vxlan id %d dstport %d local %s dev eth0 nolearning' % (VX, VNI, PORT, UNDERLAY['h4']),
             'address add %s/32 dev %s' % (ROGUE, VX), 'link set %s up' % VX,
             'neigh replace %s lladdr %s dev %s nud permanent' % (target, mac, VX),
             'route replace %s/32 dev %s' % (target, VX)]
    subprocess.run(['ip', '-n', 'lab-h4', '-batch', '-'], input='\n'.join(batch) + '\n', text=True, check=True)
    subprocess.run(['bridge', '-n', 'lab-h4', 'fdb', 'append', FLOOD, 'dev', VX, 'dst', UNDERLAY['h1']], check=True)
    sh('h1-app1', 'nft', 'add table inet probe; add chain inet probe input { type filter hook input priority 0; }; '
       'add rule inet probe input ip saddr %s counter' % ROGUE)
    return target


def rogue_packets_received(target):
    sh('lab-h4', 'ping', '-n', '-q', '-c3', '-i0.2', '-W1', target, check=False)
    table = json.loads(sh('h1-app1', 'nft', '-j', 'list', 'table', 'inet', 'probe').stdout)['nftables']
    return sum(e['counter']['packets'] for o in table if 'rule' in o for e in o['rule']['expr'] if 'counter' in e)


# --- tests ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('mode', ['l2', 'l3'])
def test_overlay_across_hosts(mode, tmp_path):
    """One lab per mode, in order: check mode, converge, rerun, rogue VTEP, a host leaves, teardown."""
    inventory = make_lab(tmp_path, mode)
    # Check mode on the fresh lab predicts changes on every host and changes nothing.
    before = snapshot()
    assert all(r['changed'] > 0 for r in converge(inventory, check=True).values())
    assert snapshot() == before, 'check mode changed the kernel:\n' + snapshot_diff(before, snapshot())

    assert all(r['changed'] > 0 for r in converge(inventory).values())
    assert_full_mesh()
    assert_mtu()
    assert_peer_entries(mode)
    assert all(r['changed'] == 0 for r in converge(inventory).values()), 'second run changed something'

    # An outsider on the underlay with a VTEP of the same VNI gets nothing into the overlay ...
    target = rogue_vtep(mode)
    assert rogue_packets_received(target) == 0
    # ... because of the firewall: without the collection's table in h1, the same packets arrive.
    sh('lab-h1', 'nft', 'delete', 'table', 'inet', 'linuxnet_fabric')
    assert rogue_packets_received(target) > 0

    # h3 leaves the group: the others drop everything they held about it (and h1's firewall comes back).
    lab = yaml.safe_load(inventory.read_text())
    groups = lab['all']['children']
    groups['outsiders']['hosts'] = dict(groups['outsiders']['hosts'] or {}, h3=groups['overlay']['hosts'].pop('h3'))
    smaller = tmp_path / 'without-h3.yml'
    smaller.write_text(yaml.safe_dump(lab))
    converge(smaller, hosts=['h1', 'h2'])
    assert_peer_entries(mode, hosts=['h1', 'h2'])
    for h in ['h1', 'h2']:
        leftovers = [e for e in peer_entries(h)['fdb'] if e[1] == UNDERLAY['h3'] and e[2] == 'permanent']
        assert not leftovers, (h, leftovers)
    assert_full_mesh(['h1', 'h2'])
    assert not ping('h3-app1', endpoints(['h1'])['h1-app1']), 'h3 still reaches h1 after leaving the group'

    # Tearing the lab down leaves nothing behind.
    playbook('lab/destroy.yml', 'localhost,')
    assert harness.list_netns() == []


CASES = {  # group: (its variables, its hosts' variables, what the message must say)
    'vni': ({'overlay_network_vni': 16777216}, [{}, {}], r'overlay_network_vni=16777216: must be an integer from 1 to 16777215'),
    'mode': ({'overlay_network_mode': 'l4'}, [{}, {}], r'overlay_network_mode.*one of: l2, l3.*l4'),
    'same': ({}, [{}, {'overlay_network_underlay_address': '198.18.0.1'}],
             r"hosts 'same-a' and 'same-b' both have 198\.18\.0\.1"),
    'outside': ({}, [{}, {'overlay_network_host_subnet': '10.9.0.0/24'}],
                r"overlay_network_host_subnet=10\.9\.0\.0/24 of host 'outside-b' is outside the cluster subnet"),
    'overlap': ({}, [{'overlay_network_host_subnet': '10.244.0.0/24'}, {'overlay_network_host_subnet': '10.244.0.128/25'}],
                r"10\.244\.0\.128/25 of host 'overlap-b' \(pinned\) overlaps 10\.244\.0\.0/24, held by host 'overlap-a'"),
    'nounder': ({}, [{}, {'overlay_network_underlay_address': ''}],
                r"overlay_network_underlay_address: host 'nounder-b' has none"),
}


def test_bad_variables_are_rejected_before_any_change(tmp_path):
    make_lab(tmp_path, 'l2')
    children = {}
    for group, (group_vars, host_vars, _pattern) in CASES.items():
        hosts = {}
        for letter, extra in zip('ab', host_vars):
            h = 'h1' if letter == 'a' else 'h2'
            hosts['%s-%s' % (group, letter)] = dict({'overlay_network_netns': 'lab-' + h,
                                                     'overlay_network_underlay_address': UNDERLAY[h],
                                                     'overlay_network_endpoints': [{'name': '%s-app1' % h}]}, **extra)
        children[group] = {'vars': dict(group_vars, overlay_network_group=group), 'hosts': hosts}
    inventory = tmp_path / 'bad.yml'
    inventory.write_text(yaml.safe_dump({'all': {'children': {'overlay': {'children': children}}, 'vars': {
        'ansible_connection': 'local', 'overlay_network_name': BRIDGE, 'overlay_network_vni': VNI,
        'overlay_network_subnet': '10.244.0.0/16', 'overlay_network_install_requirements': False}}}))
    before = snapshot()
    recap, results, output = playbook('overlay_network.yml', inventory, '-f', '12')
    assert snapshot() == before, 'a rejected run changed the kernel:\n' + snapshot_diff(before, snapshot())
    assert len(recap) == 2 * len(CASES) and all(r['failed'] == 1 and r['changed'] == 0 for r in recap.values()), output
    messages = [str(r.get('msg')) for r in results if r['failed']]
    for group, (_group_vars, _host_vars, pattern) in CASES.items():
        assert len([m for m in messages if re.search(pattern, m)]) == 2, (group, pattern, messages)
