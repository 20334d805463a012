"""_netlink.Wire (the engine's reads on a plain netlink socket) answers what pyroute2's IPRoute answers: the same
links, addresses, routes and peer namespace ids, message for message, on the module interpreter's pyroute2 (0.9 on
the venv's Python, 0.7 with FABRIC_TEST_PYTHON=/usr/bin/python3), in a namespace with a bridge, a veth pair into
another namespace, IPv4 and IPv6 addresses and routes of several tables."""
import json
import subprocess

import harness
from harness import sh

SCRIPT = r'''
import json, os, socket, sys
sys.path.insert(0, sys.argv[1])
from ansible_collections.linuxnet.fabric.plugins.module_utils import _netlink, _nsfs

LINK = ('IFLA_IFNAME', 'IFLA_MTU', 'IFLA_ADDRESS', 'IFLA_IFALIAS', 'IFLA_MASTER', 'IFLA_LINK', 'IFLA_LINK_NETNSID')
ADDR = ('IFA_ADDRESS', 'IFA_LOCAL')
ROUTE = ('RTA_DST', 'RTA_GATEWAY', 'RTA_OIF', 'RTA_PRIORITY', 'RTA_TABLE')

def link(m):
    return [m['index'], m['flags'], _netlink.kind_of(m), _netlink.info(m, 'IFLA_BR_STP_STATE')] + [m.get_attr(a) for a in LINK]

def addr(m):
    return [m['index'], m['family'], m['prefixlen'], m['flags'], m['scope']] + [m.get_attr(a) for a in ADDR]

def route(m):
    return [m['family'], m['dst_len'], m['table'], m['type'], m['scope'], m['flags']] + [m.get_attr(a) for a in ROUTE]

with _nsfs.enter('w-host'):
    ipr, wire = _netlink.iproute(), _netlink.Wire()
out = {}
for label, via_ipr, via_wire, norm in (
        ('links', lambda: ipr.get_links(), wire.links, link),
        ('addresses', lambda: ipr.get_addr(), wire.addresses, addr),
        ('routes4', lambda: ipr.get_routes(family=socket.AF_INET), lambda: wire.routes(socket.AF_INET), route),
        ('routes6', lambda: ipr.get_routes(family=socket.AF_INET6), lambda: wire.routes(socket.AF_INET6), route)):
    out[label] = [sorted(map(norm, via_ipr()), key=str), sorted(map(norm, via_wire()), key=str)]
index = ipr.link('get', ifname='v-host')[0]['index']
out['get'] = [[link(ipr.link('get', index=index)[0]), link(ipr.link('get', ifname='v-host')[0])],
              [link(wire.link(index=index)), link(wire.link(ifname='v-host'))]]
try:
    wire.link(ifname='nosuchlink')
    out['missing'] = None
except _netlink.NetlinkError as e:
    out['missing'] = e.code
fd = os.open('/run/netns/w-peer', os.O_RDONLY)
out['nsid'] = [ipr.get_netnsid(fd=fd)['nsid'], wire.nsid(fd)['nsid']]
print(json.dumps(out))
'''


def test_wire_reads_what_iproute_reads():
    sh('ip netns add w-host', 'ip netns add w-peer',
       'ip -n w-host link add br-w type bridge', 'ip -n w-host link set br-w alias fabric:w up',
       'ip -n w-host addr add 10.7.0.1/24 dev br-w', 'ip -n w-host addr add fd07::1/64 dev br-w nodad',
       'ip -n w-host link add v-host mtu 1400 master br-w type veth peer name eth0 netns w-peer',
       'ip -n w-host link set v-host up', 'ip -n w-peer link set eth0 up',
       'ip -n w-host route add 10.8.0.0/16 via 10.7.0.2 metric 7',
       'ip -n w-host route add 10.9.0.0/16 via 10.7.0.3 table 100',
       'ip -n w-host -6 route add fd08::/64 via fd07::2')
    proc = subprocess.run([harness.module_python(), '-c', SCRIPT, str(harness._state['collections'])],  # pylint: disable=protected-access
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    for key in ('links', 'addresses', 'routes4', 'routes6', 'get', 'nsid'):
        via_ipr, via_wire = out[key]
        assert via_ipr == via_wire, (key, via_ipr, via_wire)
    assert len(out['links'][0]) == 3 and len(out['routes4'][0]) >= 4, out  # lo, br-w, v-host; connected + 2 + local
    assert out['missing'] == 19  # ENODEV, as from IPRoute
    assert out['nsid'][0] is not None


WRITES = r'''
import os, socket, sys
sys.path.insert(0, sys.argv[1])
from ansible_collections.linuxnet.fabric.plugins.module_utils import _netlink, _nsfs

netns, how = sys.argv[2], sys.argv[3]
with _nsfs.enter(netns):
    ipr, wire = _netlink.iproute(), _netlink.Wire()
br, v = (ipr.link('get', ifname=n)[0]['index'] for n in ('brw', 'v'))
V4, V6 = socket.AF_INET, socket.AF_INET6
fd = os.open('/run/netns/%s-peer' % netns, os.O_RDONLY)
steps = [
    ('link', 'add', dict(ifname='nbr', kind='bridge', address='02:00:00:00:00:10', mtu=1450)),
    ('link', 'add', dict(ifname='nv', kind='veth', address='02:00:00:00:00:11', mtu=1450, master=br, state='up',
                         peer=dict(ifname='eth0', address='02:00:00:00:00:12', mtu=1450, net_ns_fd=fd))),
    ('link', 'add', dict(ifname='nv2', kind='veth', peer=dict(ifname='nv2p'))),
    ('link', 'add', dict(ifname='nv', kind='veth', peer=dict(ifname='nvp'))),  # EEXIST
    ('link', 'set', dict(index=v, state='up', ifalias='fabric:w:a', master=br, mtu=1400)),
    ('link', 'set', dict(index=br, state='up')),
    ('addr', 'add', dict(index=br, address='10.7.0.1', prefixlen=24)),
    ('addr', 'add', dict(index=br, address='fd07::1', prefixlen=64, flags=2)),
    ('addr', 'add', dict(index=br, address='10.7.1.1', prefixlen=24)),
    ('route', 'add', dict(family=V4, dst='0.0.0.0', dst_len=0, table=254, priority=0, gateway='10.7.0.2', oif=br, scope=0)),
    ('route', 'add', dict(family=V4, dst='10.9.0.0', dst_len=16, table=100, priority=5, gateway='10.7.0.3', scope=0)),
    ('route', 'add', dict(family=V4, dst='10.10.0.0', dst_len=16, table=1000, priority=0, gateway='10.7.0.9', oif=br, scope=0, flags=4)),
    ('route', 'add', dict(family=V6, dst='::', dst_len=0, table=254, priority=1024, gateway='fd07::2', oif=br)),
    ('route', 'replace', dict(family=V4, dst='10.9.0.0', dst_len=16, table=100, priority=5, gateway='10.7.1.3', scope=0)),
    ('addr', 'del', dict(index=br, address='10.7.1.1', prefixlen=24)),
    ('route', 'add', dict(family=V4, dst='10.11.0.0', dst_len=16, table=254, priority=0, oif=br, scope=253)),
    ('route', 'del', dict(family=V4, dst='10.11.0.0', dst_len=16, table=254, priority=0, oif=br, scope=253, type=1)),
    ('link', 'set', dict(index=v, state='down', ifalias='fabric:w:b')),
    ('addr', 'add', dict(index=br, address='10.7.0.1', prefixlen=24)),  # EEXIST
    ('route', 'del', dict(family=V4, dst='10.12.0.0', dst_len=16, table=254, priority=0, scope=0, type=1)),  # ESRCH
]
wires = dict(link=wire.set_link, addr=wire.address, route=wire.route)
for kind, command, kwargs in steps:
    try:
        if how == 'wire' and command == 'add' and kind == 'link':
            wire.add_link(**kwargs)
        elif how == 'wire':
            wires[kind](**kwargs) if kind == 'link' else wires[kind](command, **kwargs)
        else:
            getattr(ipr, kind)(command, **kwargs)
        print(kind, command, 'ok')
    except _netlink.NetlinkError as e:
        print(kind, command, 'error', e.code)
'''


ADMIN_FLAGS = {'UP', 'BROADCAST', 'MULTICAST', 'LOOPBACK'}  # not the carrier's, which follows later


def kernel_state(netns):
    """What the writes left, without what differs between two namespaces anyway (MACs, timers, counters)."""
    links = [(x['ifname'], x['mtu'], sorted(set(x['flags']) & ADMIN_FLAGS), x.get('master'), x.get('ifalias'),
              x.get('linkinfo', {}).get('info_kind'), x['address'] if x['address'].startswith('02:00:00') else None)
             for ns in (netns, netns + '-peer') for x in harness.ip_json(ns, '-d', 'link', 'show')]
    addrs = [(x['ifname'], a['local'], a['prefixlen'], a.get('scope'), a.get('nodad', False))
             for x in harness.ip_json(netns, 'addr', 'show') for a in x['addr_info']]
    routes = [sorted((k, [f for f in v if f != 'linkdown'] if k == 'flags' else v) for k, v in r.items())
              for fam in ('-4', '-6') for r in harness.ip_json(netns, fam, '-d', 'route', 'show', 'table', 'all')]
    return links, sorted(addrs), sorted(map(str, routes))


def test_wire_writes_what_iproute_writes():
    """The same link, address and route requests made by the Wire in one namespace and by IPRoute in another
    leave the same state and the same errors (EEXIST, ESRCH)."""
    answers = {}
    for netns, how in (('w-a', 'wire'), ('w-b', 'iproute')):
        sh('ip netns add ' + netns, 'ip netns add %s-peer' % netns, 'ip -n %s link add brw type bridge' % netns,
           'ip -n %s link add v type veth peer name v2' % netns)
        proc = subprocess.run([harness.module_python(), '-c', WRITES, str(harness._state['collections']), netns, how],  # pylint: disable=protected-access
                              capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr
        answers[how] = proc.stdout.splitlines()
    assert answers['wire'] == answers['iproute']
    assert answers['wire'][-2:] == ['addr add error 17', 'route del error 3'], answers
    assert kernel_state('w-a') == kernel_state('w-b')
    links, addrs, routes = kernel_state('w-a')
    assert ('v', 1400, ['BROADCAST', 'MULTICAST'], 'brw', 'fabric:w:b', 'veth', None) in links, links
    assert ('nv', 1450, ['BROADCAST', 'MULTICAST', 'UP'], 'brw', None, 'veth', '02:00:00:00:00:11') in links, links
    assert ('eth0', 1450, ['BROADCAST', 'MULTICAST'], None, None, 'veth', '02:00:00:00:00:12') in links, links
    assert ('nbr', 1450, ['BROADCAST', 'MULTICAST'], None, None, 'bridge', '02:00:00:00:00:10') in links, links
    assert answers['wire'][3] == 'link add error 17', answers
    assert ('brw', 'fd07::1', 64, 'global', True) in addrs and not [a for a in addrs if a[1] == '10.7.1.1'], addrs
    assert any("('gateway', '10.7.1.3')" in r and "('table', '100')" in r for r in routes), routes
