"""The role linuxnet.fabric.overlay_network on the lab of playbooks/lab/ (inside the sandbox only).

The lab: namespaces lab-h1..h3 (the overlay's hosts, underlay 198.18.0.1-3 on eth0) and lab-h4 (an outsider on the
same underlay, 198.18.0.4), cabled to a switch in lab-underlay. Each overlay host gets 2 endpoints, hN-app1/2.
Playbooks run from the built collection with ansible-playbook and an inventory, the way a user runs them.
"""
import ipaddress
import json
import re
import subprocess

import pytest
import yaml

import harness
from harness import ip_json, ping, snapshot, snapshot_diff

HOSTS = ('h1', 'h2', 'h3')
UNDERLAY = {h: '198.18.0.%d' % i for i, h in enumerate(HOSTS + ('h4',), 1)}
SUBNET = {h: '10.244.%d.0/24' % i for i, h in enumerate(HOSTS)}  # each host's slice, by position in the group
VX, BRIDGE, VNI, PORT = 'vx42', 'ov0', 42, 4789
ROGUE = '10.244.250.1'  # the outsider's address on its rogue VTEP
FLOOD = '00:00:00:00:00:00'
STATE = harness._state  # pylint: disable=protected-access  # workdir and collections of the session's build


# --- running playbooks ---------------------------------------------------------------------------------------------

def playbook(name, inventory, *args, check=False):
    """ansible-playbook on a playbook of the built collection; returns (recap by host, recorded task results,
    output for assertion messages)."""
    workdir = STATE['workdir']
    record = workdir / 'overlay-record.json'
    record.unlink(missing_ok=True)
    path = STATE['collections'] / 'ansible_collections/linuxnet/fabric/playbooks' / name
    cmd = [str(harness.BIN / 'ansible-playbook'), '-i', str(inventory), str(path),
           '-e', 'ansible_python_interpreter=%s' % harness.module_python()] + list(args) + (['--check'] if check else [])
    env = dict(harness.ansible_env(workdir), FABRIC_RECORD_FILE=str(record))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, check=False)
    recap = {m[0]: dict(re.findall(r'(\w+)=(\d+)', m[1]))
             for m in re.findall(r'^(\S+)\s+: (ok=.*)$', proc.stdout, re.M)}
    recap = {h: {k: int(v) for k, v in r.items()} for h, r in recap.items()}
    results = json.loads(record.read_text()) if record.exists() else []
    output = 'rc=%s\n%s\n%s' % (proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:])
    return recap, results, output


def converge(inventory, *args, check=False, hosts=HOSTS):
    recap, results, output = playbook('overlay_network.yml', inventory, *args, check=check)
    assert sorted(recap) == sorted(hosts) and all(r['failed'] == 0 for r in recap.values()), output
    return recap


def make_lab(tmp_path, mode):
    inventory = tmp_path / 'lab.yml'
    recap, _results, output = playbook('lab/create.yml', 'localhost,', '-e', 'lab_mode=%s' % mode,
                                       '-e', 'lab_outsiders=1', '-e', 'lab_inventory=%s' % inventory)
    assert recap.get('localhost', {}).get('failed') == 0 and inventory.exists(), output
    return inventory


# --- reading the lab -----------------------------------------------------------------------------------------------

def sh(netns, *cmd, check=True):
    proc = subprocess.run(['ip', 'netns', 'exec', netns] + list(cmd), capture_output=True, text=True, check=False)
    assert proc.returncode == 0 or not check, (netns, cmd, proc.stderr)
    return proc


def endpoints(hosts=HOSTS):
    """{endpoint namespace: its eth0 address} of the hosts' endpoints."""
    return {ep: ip_json(ep, '-4', 'addr', 'show', 'dev', 'eth0')[0]['addr_info'][0]['local']
            for ep in harness.list_netns() if ep.split('-')[0] in hosts and '-app' in ep}


def link(netns, name):
    return ip_json(netns, '-d', 'link', 'show', 'dev', name)[0]


def df_ping(netns, address):
    """A DF ping of the largest size that fits the endpoint's MTU (MTU - 28 bytes of ICMP payload)."""
    size = link(netns, 'eth0')['mtu'] - 28
    return sh(netns, 'ping', '-n', '-q', '-c1', '-W1', '-M', 'do', '-s', str(size), address, check=False).returncode == 0


def assert_full_mesh(hosts=HOSTS):
    eps = endpoints(hosts)
    assert len(eps) == 2 * len(hosts), eps
    lost = [(a, b) for a in eps for b in eps if a != b and not ping(a, eps[b])]
    assert not lost, 'lost pings (from, to): %s' % lost
    lost = [(a, b) for a in eps for b in eps if a != b and not df_ping(a, eps[b])]
    assert not lost, 'lost DF pings at the MTU (from, to): %s' % lost


def assert_mtu(hosts=HOSTS):
    for h in hosts:
        ns = 'lab-' + h
        want = link(ns, 'eth0')['mtu'] - 50
        ports = [x['ifname'] for x in ip_json(ns, 'link', 'show', 'master', BRIDGE) if x['ifname'] != VX]
        got = {name: link(ns, name)['mtu'] for name in [VX, BRIDGE] + ports}
        got.update({ep + ':eth0': link(ep, 'eth0')['mtu'] for ep in endpoints([h])})
        assert len(got) == 2 + 2 + 2 and set(got.values()) == {want}, (h, want, got)  # vxlan, bridge, veths, eth0s


def peer_entries(h):
    """What host h holds about other hosts: FDB entries of its vxlan device, its permanent neighbours on it, its
    routes via it, and the VXLAN peers its firewall accepts."""
    ns = 'lab-' + h
    dump = subprocess.run(['bridge', '-n', ns, '-j', 'fdb', 'show', 'dev', VX], capture_output=True, text=True,
                          check=True).stdout
    fdb = [(e['mac'], e.get('dst'), e.get('state')) for e in json.loads(dump or '[]') if e.get('dst')]
    neigh = [(n['dst'], n.get('lladdr')) for n in ip_json(ns, 'neigh', 'show', 'dev', VX, 'nud', 'permanent')]
    routes = [(r['dst'], r.get('gateway')) for r in ip_json(ns, 'route', 'show', 'dev', VX) if r.get('gateway')]
    rules = sh(ns, 'nft', 'list', 'table', 'inet', 'linuxnet_fabric').stdout
    peers = sorted(set(re.findall(r'198\.18\.0\.\d+', rules)))
    return dict(fdb=fdb, neigh=neigh, routes=routes, firewall=peers)


def assert_peer_entries(mode, hosts=HOSTS):
    for h in hosts:
        others = [p for p in hosts if p != h]
        got = peer_entries(h)
        assert got['firewall'] == sorted(UNDERLAY[p] for p in others), (h, got['firewall'])
        static = [(mac, dst) for mac, dst, state in got['fdb'] if state == 'permanent' or mac == FLOOD]
        if mode == 'l2':  # exactly one flood entry per peer, nothing routed
            assert sorted(static) == sorted((FLOOD, UNDERLAY[p]) for p in others), (h, got)
            assert got['neigh'] == [] and got['routes'] == [], (h, got)
            continue
        vtep = {p: link('lab-' + p, VX)['address'] for p in others}  # flannel-style: per peer FDB + neighbour + route
        address = {p: str(ipaddress.ip_network(SUBNET[p]).network_address) for p in others}
        assert sorted(static) == sorted((vtep[p], UNDERLAY[p]) for p in others), (h, got)
        assert sorted(got['neigh']) == sorted((address[p], vtep[p]) for p in others), (h, got)
        assert sorted(got['routes']) == sorted((SUBNET[p], address[p]) for p in others), (h, got)


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
