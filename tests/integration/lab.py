"""The lab of playbooks/lab/ for the integration tests (inside the sandbox only): building it, running the overlay
role on it from the built collection (the way a user runs playbooks), and reading its hosts.

The lab: namespaces lab-h1..h3 (the overlay's hosts, underlay 198.18.0.1-3 on eth0) and lab-h4 (an outsider on the
same underlay, 198.18.0.4), cabled to a switch in lab-underlay. Each overlay host gets 2 endpoints, hN-app1/2.
"""
import ipaddress
import json
import re
import subprocess
import time

import yaml

import harness
from harness import ip_json, ping

HOSTS = ('h1', 'h2', 'h3')
UNDERLAY = {h: '198.18.0.%d' % i for i, h in enumerate(HOSTS + ('h4',), 1)}
SUBNET = {h: '10.244.%d.0/24' % i for i, h in enumerate(HOSTS)}  # each host's slice, by position in the group
VX, BRIDGE, VNI, PORT = 'vx42', 'ov0', 42, 4789
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


def load(inventory):
    return yaml.safe_load(open(inventory))


def save(lab, path):
    path.write_text(yaml.safe_dump(lab))
    return path


def overlay_hosts(lab):
    return lab['all']['children']['overlay']['hosts']


def make_lab(tmp_path, mode, underlay='ipv4', family='ipv4'):
    inventory = tmp_path / 'lab.yml'
    recap, _results, output = playbook('lab/create.yml', 'localhost,', '-e', 'lab_mode=%s' % mode,
                                       '-e', 'lab_outsiders=1', '-e', 'lab_inventory=%s' % inventory,
                                       '-e', 'lab_underlay=%s' % underlay, '-e', 'lab_family=%s' % family)
    assert recap.get('localhost', {}).get('failed') == 0 and inventory.exists(), output
    return inventory


# --- reading the lab -----------------------------------------------------------------------------------------------

def sh(netns, *cmd, check=True):
    proc = subprocess.run(['ip', 'netns', 'exec', netns] + list(cmd), capture_output=True, text=True, check=False)
    assert proc.returncode == 0 or not check, (netns, cmd, proc.stderr)
    return proc


def endpoints(hosts=HOSTS, version=4):
    """{endpoint namespace: its eth0 address of that IP version} of the hosts' endpoints (namespaces hN-...)."""
    found = {}
    for ep in harness.list_netns():
        if ep.split('-')[0] in hosts and not ep.startswith('lab-'):
            ours = [i['local'] for a in ip_json(ep, '-%d' % version, 'addr', 'show', 'dev', 'eth0') or []
                    for i in a['addr_info'] if i.get('scope') == 'global']
            if ours:
                found[ep] = ours[0]
    return found


def link(netns, name):
    return ip_json(netns, '-d', 'link', 'show', 'dev', name)[0]


def df_ping(netns, address):
    """A DF ping of the largest size that fits the endpoint's MTU (MTU - 28 bytes of ICMP payload, 48 for ICMPv6)."""
    size = link(netns, 'eth0')['mtu'] - (48 if ':' in address else 28)
    return sh(netns, 'ping', '-n', '-q', '-c1', '-W1', '-M', 'do', '-s', str(size), address, check=False).returncode == 0


def assert_full_mesh(hosts=HOSTS, version=4, count=None):
    """Every endpoint of the hosts reaches every other (ping, and DF ping at the MTU); 'count' endpoints if given."""
    eps = endpoints(hosts, version)
    assert len(eps) == (2 * len(hosts) if count is None else count), eps
    lost = [(a, b) for a in eps for b in eps if a != b and not ping(a, eps[b])]
    lost = [(a, b) for a, b in lost if not ping(a, eps[b], count=3)]  # once more: a loaded machine is slow to answer
    assert not lost, 'lost pings (from, to): %s' % lost
    lost = [(a, b) for a in eps for b in eps if a != b and not df_ping(a, eps[b]) and not df_ping(a, eps[b])]
    assert not lost, 'lost DF pings at the MTU (from, to): %s' % lost


def assert_mtu(hosts=HOSTS, overhead=50):
    for h in hosts:
        ns = 'lab-' + h
        want = link(ns, 'eth0')['mtu'] - overhead
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


# --- day 2 -----------------------------------------------------------------------------------------------------------

def addresses(netns, dev='eth0'):
    """The global addresses of an interface, as 'address/prefix' (IPv4 and IPv6), sorted."""
    return sorted('%s/%s' % (i['local'], i['prefixlen']) for a in ip_json(netns, 'addr', 'show', 'dev', dev) or []
                  for i in a['addr_info'] if i.get('scope') != 'link')


def vxlan_packets(hosts):
    """Packets sent and received by every VXLAN device of the hosts: {(host, device): count}."""
    counts = {}
    for h in hosts:
        for dev in ip_json('lab-' + h, '-s', 'link', 'show', 'type', 'vxlan') or []:
            stats = dev.get('stats64') or dev['stats']
            counts[(h, dev['ifname'])] = stats['rx']['packets'] + stats['tx']['packets']
    return counts


def assert_quiet(hosts, seconds=1.0, most=100):
    """No loop: with nobody sending, the VXLAN devices of the lab move fewer than 'most' packets in a second."""
    before = vxlan_packets(hosts)
    time.sleep(seconds)
    after = vxlan_packets(hosts)
    busy = {k: after[k] - before.get(k, 0) for k in after if after[k] - before.get(k, 0) >= most}
    assert not busy, 'VXLAN devices busy while idle (a loop?): %s' % busy


def lab_namespaces():
    return [ns for ns in harness.list_netns() if ns.startswith('lab-h') or re.match(r'h\d+-', ns)]
