"""linuxnet.fabric.network_firewall against the real kernel and real traffic (inside the sandbox only).

    outside  198.51.100.2 --eth0==uplink-- 198.51.100.1 [fw-host] br-a 10.88.1.1/24 -- a1 .2, a2 .3
    stranger 203.0.113.2  --eth0==uplink2- 203.0.113.1  (ip_forward) br-b 10.88.2.1/24 -- b1 .2

The outside namespaces have no route to 10.88.0.0/16: a connection from an endpoint only gets an answer when it
is masqueraded. Every nft table lives in fw-host (or another namespace the test made), never in the sandbox root.
"""
import contextlib
import json
import subprocess
import time

from harness import (PY, ask, echo_server, http_get, http_server, ip_json, listening, netns_exec, ping, python, run,
                     server, wait_for)
from lifecycle import assert_ok, checked, predicted_matches, task

HOST = 'fw-host'
TABLE = ('inet', 'linuxnet_fabric')
SUBNET = {'a': '10.88.1.0/24', 'b': '10.88.2.0/24'}


# --- tasks -----------------------------------------------------------------------------------------------------

def fw(network, netns=HOST, **options):
    args = dict(network=network, netns=netns, **options)
    if options.get('state') != 'absent':
        args.setdefault('bridge', 'br-' + network)
        args.setdefault('subnet', SUBNET.get(network))
    return task('network_firewall', **args)


def endpoint(net, name, host):
    return [task('netns', name=name, loopback_up=True),
            task('veth', name='v-' + name, netns=HOST, master='br-' + net,
                 peer=dict(name='eth0', netns=name, addresses=['10.88.%d.%d/24' % (ord(net) - 96, host)])),
            task('route', netns=name, dst='default', gateway='10.88.%d.1' % (ord(net) - 96))]


TOPOLOGY = [
    task('netns', name=HOST, loopback_up=True),
    task('netns', name='outside', loopback_up=True),
    task('netns', name='stranger', loopback_up=True),
    task('veth', name='uplink', netns=HOST, addresses=['198.51.100.1/24'],
         peer=dict(name='eth0', netns='outside', addresses=['198.51.100.2/24'])),
    task('veth', name='uplink2', netns=HOST, addresses=['203.0.113.1/24'],
         peer=dict(name='eth0', netns='stranger', addresses=['203.0.113.2/24'])),
    task('sysctl', netns=HOST, name='net.ipv4.ip_forward', value=1),
    task('bridge', name='br-a', netns=HOST, addresses=['10.88.1.1/24']),
    task('bridge', name='br-b', netns=HOST, addresses=['10.88.2.1/24']),
] + endpoint('a', 'a1', 2) + endpoint('a', 'a2', 3) + endpoint('b', 'b1', 2)


# --- nft and traffic helpers ---------------------------------------------------------------------------------

def nft(netns, *args):
    proc = netns_exec(netns, 'nft', *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def ruleset(netns=HOST):
    return nft(netns, 'list', 'ruleset')


def our_rules(netns=HOST):
    """{comment: [(chain, handle)]} of the rules in the collection's table ({} without the table)."""
    if 'table inet linuxnet_fabric' not in ruleset(netns):
        return {}
    found = {}
    for obj in json.loads(nft(netns, '-j', 'list', 'table', *TABLE))['nftables']:
        if 'rule' in obj:
            found.setdefault(obj['rule'].get('comment'), []).append((obj['rule']['chain'], obj['rule']['handle']))
    return found


UDP_SINK = '''
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 4789))
while True:
    data, a = s.recvfrom(64)
    print(data.decode(), a[0], flush=True)
'''
UDP_SEND = ('import socket, sys; '
            'socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(sys.argv[2].encode(), (sys.argv[1], 4789))')


# --- tests -----------------------------------------------------------------------------------------------------

CREATE = dict(published_ports=[dict(address='10.88.1.2', port=80, host_port=8080)])
MODIFY = dict(masquerade=False, published_ports=[dict(address='10.88.1.3', port=53, host_port=5353, protocol='udp')],
              vxlan_port=4789, vxlan_peers=['198.18.0.3', '198.18.0.2'])


def test_firewall_lifecycle():
    """check fresh -> create -> rerun -> check converged -> check modify -> modify -> rerun -> absent x2."""
    run([task('netns', name=HOST), task('bridge', name='br-a', netns=HOST)])  # its route_localnet is set too
    empty = ruleset()
    fresh = run([checked(fw('a', **CREATE))])[0]
    assert_ok(fresh, True)
    assert ruleset() == empty == '', 'check mode changed nft'

    made, again, converged = run([fw('a', **CREATE), fw('a', **CREATE), checked(fw('a', **CREATE))])
    assert_ok(made, True)
    assert_ok(again, False)
    assert_ok(converged, False)
    assert made['diff']['before'] == {} and made['firewall'] == made['diff']['after']
    assert fresh['actions'] == made['actions'] and fresh['actions'][0].startswith('create table inet linuxnet_fabric')
    predicted_matches(fresh['firewall'], made['firewall'])
    rules = made['firewall']['rules']
    assert 'postrouting: ip saddr 10.88.1.0/24 oifname != "br-a" masquerade comment "fabric:a:masquerade"' in rules
    assert ('prerouting: fib daddr type local meta nfproto ipv4 tcp dport 8080 dnat ip to '
            '10.88.1.2:80 comment "fabric:a:publish:tcp:8080"') in rules
    assert len(rules) == 12 and made['firewall']['table'] == 'inet linuxnet_fabric' and made['firewall']['netns'] == HOST
    listed = ruleset()
    assert 'type nat hook postrouting priority srcnat; policy accept;' in listed
    assert 'type filter hook forward priority filter; policy accept;' in listed
    handles = our_rules()

    predicted = run([checked(fw('a', **MODIFY))])[0]
    assert_ok(predicted, True)
    assert ruleset() == listed, 'check mode changed nft'
    changed, stable = run([fw('a', **MODIFY), fw('a', **MODIFY)])
    assert_ok(changed, True)
    assert_ok(stable, False)
    predicted_matches(predicted['firewall'], changed['firewall'])
    assert predicted['actions'] == changed['actions']
    assert sum(a.startswith('delete rule') for a in changed['actions']) == 3  # masquerade, 2 x publish:tcp:8080
    assert sum(a.startswith('add rule') for a in changed['actions']) == 5  # 2 x publish:udp:5353, 3 x vxlan
    now = our_rules()
    assert now['fabric:a:bridge'] == handles['fabric:a:bridge'], 'unchanged rules must stay (same handles)'
    assert now['fabric:a:isolate'] == handles['fabric:a:isolate']
    assert 'fabric:a:masquerade' not in now and 'fabric:a:publish:tcp:8080' not in now
    assert 'udp dport 4789 ip saddr { 198.18.0.2, 198.18.0.3 } accept comment "fabric:a:vxlan:4789"' in ruleset()

    check_gone, gone, gone_again = run([checked(fw('a', state='absent')), fw('a', state='absent'),
                                        fw('a', state='absent')])
    assert_ok(check_gone, True)
    assert_ok(gone, True)
    assert_ok(gone_again, False)
    assert check_gone['actions'] == gone['actions']
    assert gone['actions'][-1] == 'delete table inet linuxnet_fabric (no rules left in it)'
    assert gone['diff']['after'] == {} and gone['diff']['before'] == changed['firewall']
    assert ruleset() == ''


def test_ipv6_network_and_a_second_network_share_the_table():
    run([task('netns', name=HOST)])
    v6 = fw('six', bridge='br-six', subnet='fd00:88::/64', vxlan_port=4789, vxlan_peers=['fd00:1::2', '198.18.0.2'],
            published_ports=[dict(address='fd00:88::2', port=80, host_port=8080)])
    made, again, other = run([v6, v6, fw('a', **CREATE)])
    assert_ok(made, True)
    assert_ok(again, False)
    assert_ok(other, True)  # the same host port on another protocol family: different rules, no conflict
    listed = ruleset()
    assert 'ip6 saddr fd00:88::/64 oifname != "br-six" masquerade' in listed
    assert 'dnat ip6 to [fd00:88::2]:80' in listed and 'ip6 daddr != ::1' in listed
    assert 'udp dport 4789 ip6 saddr fd00:1::2 accept' in listed and 'udp dport 4789 ip saddr 198.18.0.2 accept' in listed
    gone = run([fw('six', state='absent')])[0]
    assert_ok(gone, True)
    assert 'delete table' not in ' '.join(gone['actions']) and set(our_rules()) == {
        'fabric:a:masquerade', 'fabric:a:bridge', 'fabric:a:isolate', 'fabric:a:publish:tcp:8080', 'fabric:a:hairpin',
        'fabric:a:localhost'}
    # A base chain's policy changed by hand is set back to accept.
    nft(HOST, 'add', 'chain', *TABLE, 'forward', '{ type filter hook forward priority filter; policy drop; }')
    fixed = run([fw('a', **CREATE)])[0]
    assert_ok(fixed, True)
    assert [a for a in fixed['actions'] if 'assuming' not in a] == [  # the note: br-a does not exist here
        'set policy of chain inet linuxnet_fabric forward: drop -> accept']
    assert 'hook forward priority filter; policy accept;' in ruleset()


def test_traffic_masquerade_isolation_published_port_and_vxlan_peers():
    built = run(TOPOLOGY)
    assert [(r['_task'], r.get('msg')) for r in built if r['failed']] == []
    with echo_server('outside'), server(HOST, PY, '-u', '-c', UDP_SINK) as sink, http_server('a1', '10.88.1.2', 8000):
        assert wait_for(lambda: listening('outside', 9000) and listening(HOST, 4789) and listening('a1', 8000))
        # Without the firewall: networks route to each other, nothing is masqueraded (no answer from outside),
        # no port is published, and anyone may send to the VXLAN port.
        assert ping('a1', '10.88.2.2') and ping('b1', '10.88.1.2')
        assert ask('a1', '198.51.100.2') is None
        assert http_get('outside', 'http://198.51.100.1:8080/') is None
        assert python('stranger', UDP_SEND, '203.0.113.1', 'stranger-before') == ''

        # Two networks, two separate module runs.
        made = run([fw('a', published_ports=[dict(address='10.88.1.2', port=8000, host_port=8080)],
                       vxlan_port=4789, vxlan_peers=['198.51.100.2']), fw('b')])
        for r in made:
            assert_ok(r, True)

        # Isolation, both ways; within a network and to the gateway all is well.
        assert not ping('a1', '10.88.2.2') and not ping('b1', '10.88.1.2')
        assert ping('a1', '10.88.1.3') and ping('a1', '10.88.1.1') and ping('b1', '10.88.2.1')
        # Masquerade: the outside sees the host's uplink address and can answer.
        assert ask('a1', '198.51.100.2') == '198.51.100.1'
        assert ask('b1', '198.51.100.2') == '198.51.100.1'
        # The published port answers from outside (prerouting) and from the host itself (output).
        assert http_get('outside', 'http://198.51.100.1:8080/') == '200'
        assert http_get(HOST, 'http://198.51.100.1:8080/') == '200'
        assert http_get(HOST, 'http://203.0.113.1:8080/') == '200'
        assert http_get('b1', 'http://198.51.100.1:8080/') == '200'  # DNAT passes isolation, as Docker's
        assert http_get('b1', 'http://10.88.1.2:8000/') is None  # not straight to the endpoint
        # VXLAN's port: the peer gets through, the stranger does not.
        assert python('outside', UDP_SEND, '198.51.100.1', 'peer-after') == ''
        assert python('stranger', UDP_SEND, '203.0.113.1', 'stranger-after') == ''
        assert python('outside', UDP_SEND, '198.51.100.1', 'peer-last') == ''
        time.sleep(0.5)
        sink.kill()
        received = sink.communicate()[0].split('\n')
    assert 'stranger-before 203.0.113.2' in received and 'peer-after 198.51.100.2' in received
    assert 'peer-last 198.51.100.2' in received and not any(r.startswith('stranger-after') for r in received)

    # Isolation does not depend on which network was created first: b again without isolate, a still isolates.
    assert_ok(run([fw('b', isolate=False)])[0], True)
    assert not ping('b1', '10.88.1.2') and not ping('a1', '10.88.2.2')
    # Without any firewall of a, and b not isolating, the networks route to each other again.
    assert_ok(run([fw('a', state='absent')])[0], True)
    assert ping('a1', '10.88.2.2') and ping('b1', '10.88.1.2')


FOREIGN = '''
table inet other {
    chain forward {
        type filter hook forward priority 10; policy accept;
        iifname "br-a" oifname "br-b" counter comment "fabric:a:isolate"
    }
}
table ip linuxnet_fabric {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        ip saddr 10.88.1.0/24 masquerade comment "fabric:a:masquerade"
    }
}
table inet linuxnet_fabric2 {
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport 4789 drop comment "fabric:a:vxlan:4789"
    }
}
'''


def test_foreign_tables_and_rules_are_never_touched():
    run([task('netns', name=HOST)])
    subprocess.run(['ip', 'netns', 'exec', HOST, 'nft', '-f', '-'], input=FOREIGN, text=True, check=True)
    foreign = ruleset()

    assert_ok(run([fw('a', **CREATE)])[0], True)
    # Rules that are not this network's, in the collection's own table: another network whose name starts the
    # same, a bare 'fabric:' comment, no comment at all.
    nft(HOST, 'add', 'rule', *TABLE, 'forward', 'iifname', '"br-a"', 'counter', 'comment', '"fabric:a2:isolate"')
    nft(HOST, 'add', 'rule', *TABLE, 'postrouting', 'oifname', '"br-a"', 'counter', 'comment', '"fabric:"')
    nft(HOST, 'add', 'rule', *TABLE, 'input', 'udp', 'dport', '4789', 'counter')
    theirs = {c: h for c, h in our_rules().items() if not (c or '').startswith('fabric:a:')}

    for r in run([fw('a', **MODIFY), fw('a', **MODIFY), fw('a', state='absent'), fw('a', state='absent')]):
        assert not r['failed'], r
    assert our_rules() == theirs, 'foreign rules in our table changed'
    listed = ruleset()
    assert 'table inet linuxnet_fabric {' in listed  # foreign rules remain: the table stays
    for name in ('table inet other', 'table ip linuxnet_fabric', 'table inet linuxnet_fabric2'):
        block = foreign[foreign.index(name):].split('\n}\n')[0]
        assert block in listed, name


def test_check_mode_and_missing_namespace():
    res = run([fw('a', netns='later', **CREATE)], check=True)[0]
    assert_ok(res, True)
    assert "netns 'later' does not exist yet: assuming an earlier task creates it" in res['actions']
    missing, absent = run([fw('a', netns='later', **CREATE), fw('a', netns='later', state='absent')], ignore_errors=True)
    assert missing['failed'] and "netns='later'" in missing['msg'] and 'no such network namespace' in missing['msg']
    assert_ok(absent, False)


# --- published ports from everywhere, IPv6, VXLAN peers --------------------------------------------------------
#
#   outside 198.51.100.2 2001:db8:1::2 --eth0==uplink-- 198.51.100.1 .11 2001:db8:1::1 [fw-host] (forwarding)
#     br-a 10.88.1.1/24 fd00:88:1::1/64 -- a1 .2 ::2, a2 .3 ::3     br-b 10.88.2.1/24 fd00:88:2::1/64 -- b1 .2 ::2
#     br-c fd00:88:3::1/64 (IPv6 only) -- c1 ::2
# Made with iproute2 (nodad: IPv6 addresses usable at once). The outside routes fd00:88::/32 to the host, so
# without masquerade6 it answers the endpoints' own IPv6 addresses; it has no route to 10.88.0.0/16.

def endpoint_commands(ns, bridge, v4=None, v6=None):
    lines = ['ip -n %s link add v-%s type veth peer name eth0 netns %s' % (HOST, ns, ns),
             'ip -n %s link set v-%s master %s up' % (HOST, ns, bridge), 'ip -n %s link set eth0 up' % ns]
    if v4:
        lines += ['ip -n %s addr add %s/24 dev eth0' % (ns, v4),
                  'ip -n %s route add default via %s' % (ns, v4.rsplit('.', 1)[0] + '.1')]
    if v6:
        lines += ['ip -n %s addr add %s/64 dev eth0 nodad' % (ns, v6),
                  'ip -n %s -6 route add default via %s' % (ns, v6.rsplit(':', 1)[0] + ':1')]
    return lines


def dual_stack_topology():
    lines = []
    for ns in (HOST, 'outside', 'a1', 'a2', 'b1', 'c1'):
        lines += ['ip netns add %s' % ns, 'ip -n %s link set lo up' % ns]
    lines += [
        'ip netns exec %s sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1' % HOST,
        'ip -n %s link add uplink type veth peer name eth0 netns outside' % HOST,
        'ip -n %s addr add 198.51.100.1/24 dev uplink' % HOST, 'ip -n %s addr add 198.51.100.11/24 dev uplink' % HOST,
        'ip -n %s addr add 2001:db8:1::1/64 dev uplink nodad' % HOST, 'ip -n %s link set uplink up' % HOST,
        'ip -n outside addr add 198.51.100.2/24 dev eth0', 'ip -n outside addr add 2001:db8:1::2/64 dev eth0 nodad',
        'ip -n outside link set eth0 up', 'ip -n outside route add fd00:88::/32 via 2001:db8:1::1']
    for bridge, v4, v6 in (('br-a', '10.88.1.1/24', 'fd00:88:1::1/64'), ('br-b', '10.88.2.1/24', 'fd00:88:2::1/64'),
                           ('br-c', None, 'fd00:88:3::1/64')):
        lines += ['ip -n %s link add %s type bridge' % (HOST, bridge), 'ip -n %s link set %s up' % (HOST, bridge),
                  'ip -n %s addr add %s dev %s nodad' % (HOST, v6, bridge)]
        lines += ['ip -n %s addr add %s dev %s' % (HOST, v4, bridge)] if v4 else []
    lines += endpoint_commands('a1', 'br-a', '10.88.1.2', 'fd00:88:1::2')
    lines += endpoint_commands('a2', 'br-a', '10.88.1.3', 'fd00:88:1::3')
    lines += endpoint_commands('b1', 'br-b', '10.88.2.2', 'fd00:88:2::2')
    lines += endpoint_commands('c1', 'br-c', None, 'fd00:88:3::2')
    subprocess.run(['bash', '-euc', '\n'.join(lines)], check=True)


# Answers each TCP connection and UDP datagram with 'NAME:PORT SOURCE' (the source as this namespace sees it), on
# IPv4 and IPv6, on the ports given as tcp/80 udp/53 ...
SERVE = '''
import socket, sys, threading
def reply(port, addr):
    return ("%s:%d %s" % (sys.argv[1], port, addr[0].replace("::ffff:", ""))).encode()
def serve(kind, port):
    s = socket.socket(socket.AF_INET6, kind)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", port))
    if kind == socket.SOCK_DGRAM:
        while True:
            data, addr = s.recvfrom(64)
            s.sendto(reply(port, addr), addr)
    s.listen(16)
    while True:
        c, addr = s.accept()
        c.sendall(reply(port, addr))
        c.close()
for spec in sys.argv[2:]:
    proto, port = spec.split("/")
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    threading.Thread(target=serve, args=(kind, int(port)), daemon=True).start()
threading.Event().wait()
'''
FETCH = '''
import socket, sys
proto, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
if proto == "tcp":
    print(socket.create_connection((host, port), timeout=2).recv(128).decode())
else:
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(b"?", (host, port))
    print(s.recv(128).decode())
'''


def fetch(netns, host, port, proto='tcp'):
    """What the server behind host:port answers to 'netns' ('NAME:PORT SOURCE'), or None."""
    return python(netns, FETCH, proto, host, port) or None


@contextlib.contextmanager
def servers(*specs):
    """SERVE in each (netns, port specs...) for the duration of the block."""
    with contextlib.ExitStack() as stack:
        for netns, *ports in specs:
            stack.enter_context(server(netns, PY, '-c', SERVE, netns, *ports))
        for netns, *ports in specs:
            assert wait_for(lambda: all(listening(netns, int(p.split('/')[1])) for p in ports)), (netns, ports)
        yield


def bridge_nf_call_iptables(value=None):
    """br_netfilter's switch in fw-host (a per-namespace sysctl): whether bridged IPv4 goes through the inet hooks.
    Sets it when 'value' is given; False when br_netfilter is not loaded."""
    key = 'net.bridge.bridge-nf-call-iptables'
    if value is not None:
        netns_exec(HOST, 'sysctl', '-qw', '%s=%d' % (key, value))
    return netns_exec(HOST, 'sysctl', '-n', key).stdout.strip() == '1'


def route_localnet(bridge):
    return netns_exec(HOST, 'sysctl', '-n', 'net.ipv4.conf.%s.route_localnet' % bridge).stdout.strip()


NET_A = dict(subnet6='fd00:88:1::/64', published_ports=[
    dict(address='10.88.1.2', address6='fd00:88:1::2', port=80, host_port=8080),
    dict(address='10.88.1.2', port='9000-9001', host_port='8000-8001'),
    dict(address='10.88.1.2', port=53, host_port=5353, protocol='udp'),
    dict(address='10.88.1.3', port=80, host_port=8443, host_ip='198.51.100.11'),
    dict(address='10.88.1.3', port=80, host_port=8444, host_ip='127.0.0.1')])
NET_B = dict(subnet6='fd00:88:2::/64')
NET_C = dict(subnet=None, subnet6='fd00:88:3::/64',
             published_ports=[dict(address6='fd00:88:3::2', port=80, host_port=8081)])
A1 = ('a1', 'tcp/80', 'tcp/9000', 'tcp/9001', 'udp/53')


def test_published_ports_answer_from_everywhere():
    dual_stack_topology()
    with servers(A1, ('a2', 'tcp/80')):
        assert fetch('outside', '198.51.100.1', 8080) is None and fetch(HOST, '127.0.0.1', 8080) is None
        for r in run([fw('a', **NET_A), fw('b', **NET_B), fw('c', **NET_C)]):
            assert_ok(r, True)
        assert route_localnet('br-a') == '1' and route_localnet('br-b') == '0'

        # From outside, on any of the host's addresses; the endpoint sees the real client.
        assert fetch('outside', '198.51.100.1', 8080) == 'a1:80 198.51.100.2'
        assert fetch('outside', '198.51.100.11', 8080) == 'a1:80 198.51.100.2'
        # From the host itself, on its own addresses and on 127.0.0.1 (masqueraded to the bridge's address).
        assert fetch(HOST, '198.51.100.1', 8080) == 'a1:80 198.51.100.1'
        assert (fetch(HOST, '10.88.2.1', 8080) or '').startswith('a1:80 ')  # b's address: b masquerades it
        assert fetch(HOST, '127.0.0.1', 8080) == 'a1:80 10.88.1.1'
        # Hairpin: another endpoint of the same network through a host address.
        assert fetch('a2', '198.51.100.1', 8080) == 'a1:80 10.88.1.1'
        # The endpoint itself. With br_netfilter the DNATed packet is bridged back out of the port it came in by,
        # which a bridge port does only in hairpin mode (a setting of the port, not of the firewall); routed
        # (bridge-nf-call-iptables=0, or no br_netfilter) it needs nothing more.
        if bridge_nf_call_iptables():
            assert fetch('a1', '198.51.100.1', 8080) is None
            subprocess.run(['bridge', '-n', HOST, 'link', 'set', 'dev', 'v-a1', 'hairpin', 'on'], check=True)
            assert fetch('a1', '198.51.100.1', 8080) == 'a1:80 10.88.1.1'
            subprocess.run(['bridge', '-n', HOST, 'link', 'set', 'dev', 'v-a1', 'hairpin', 'off'], check=True)
            bridge_nf_call_iptables(0)
        assert fetch('a1', '198.51.100.1', 8080) == 'a1:80 10.88.1.1'
        assert fetch('a2', '198.51.100.1', 8080) == 'a1:80 10.88.1.1'
        assert fetch('a2', '198.51.100.1', 5353, 'udp') == 'a1:53 10.88.1.1'
        bridge_nf_call_iptables(1)
        # Another network: through the published port (DNAT passes isolation), never straight to the endpoint.
        assert fetch('b1', '198.51.100.1', 8080) == 'a1:80 10.88.1.1'
        assert fetch('b1', '10.88.1.2', 80) is None and not ping('b1', '10.88.1.2')
        # A range, host ports 8000-8001 to 9000-9001, port by port; 8002 is not published.
        assert fetch('outside', '198.51.100.1', 8000) == 'a1:9000 198.51.100.2'
        assert fetch('outside', '198.51.100.1', 8001) == 'a1:9001 198.51.100.2'
        assert fetch('outside', '198.51.100.1', 8002) is None
        assert fetch(HOST, '127.0.0.1', 8001) == 'a1:9001 10.88.1.1'
        assert fetch('a2', '198.51.100.1', 8000) == 'a1:9000 10.88.1.1'
        # UDP, from the same places.
        assert fetch('outside', '198.51.100.1', 5353, 'udp') == 'a1:53 198.51.100.2'
        assert fetch(HOST, '127.0.0.1', 5353, 'udp') == 'a1:53 10.88.1.1'
        assert fetch('a2', '198.51.100.1', 5353, 'udp') == 'a1:53 10.88.1.1'
        assert fetch('b1', '198.51.100.1', 5353, 'udp') == 'a1:53 10.88.1.1'
        # host_ip: on that address only.
        assert fetch('outside', '198.51.100.11', 8443) == 'a2:80 198.51.100.2'
        assert fetch(HOST, '198.51.100.11', 8443) == 'a2:80 198.51.100.1'  # the uplink's primary address
        assert fetch('outside', '198.51.100.1', 8443) is None and fetch(HOST, '127.0.0.1', 8443) is None
        # host_ip 127.0.0.1: the host itself only.
        assert fetch(HOST, '127.0.0.1', 8444) == 'a2:80 10.88.1.1'
        assert fetch('outside', '198.51.100.1', 8444) is None and fetch(HOST, '198.51.100.1', 8444) is None
        assert fetch('a1', '10.88.1.1', 8444) is None


LOOPBACK_SINK = '''
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 9999))
while True:
    print(s.recvfrom(64)[0].decode(), flush=True)
'''
SEND_LOOPBACK = ('import socket, sys; '
                 'socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(sys.argv[1].encode(), ("127.0.0.1", 9999))')


def test_route_localnet_does_not_open_the_hosts_loopback_to_endpoints():
    """route_localnet=1 on the bridge lets 127.0.0.1 reach a published port; it would also let an endpoint reach
    the host's loopback services (CVE-2020-8558 of kube-proxy). The 'localhost' input rule drops that."""
    dual_stack_topology()
    assert_ok(run([fw('a', **NET_A)])[0], True)
    # a1 sends to 127.0.0.1 through its gateway, as an attacker would.
    subprocess.run(['bash', '-euc', '\n'.join([
        'ip -n a1 route del local 127.0.0.0/8 dev lo table local',
        'ip -n a1 route del local 127.0.0.1 dev lo table local',
        'ip -n a1 route add 127.0.0.0/8 via 10.88.1.1'])], check=True)
    with server(HOST, PY, '-u', '-c', LOOPBACK_SINK) as sink:
        assert wait_for(lambda: listening(HOST, 9999))
        python('a1', SEND_LOOPBACK, 'guarded')
        guard = [handle for chain, handle in our_rules()['fabric:a:localhost'] if chain == 'input']
        nft(HOST, 'delete', 'rule', *TABLE, 'input', 'handle', str(guard[0]))
        python('a1', SEND_LOOPBACK, 'open')
        again = run([fw('a', **NET_A)])[0]
        assert_ok(again, True)
        assert again['actions'] == ['add rule inet linuxnet_fabric input iifname "br-a" ip daddr 127.0.0.0/8 ct state '
                                    '!= { established, related } drop comment "fabric:a:localhost"']
        python('a1', SEND_LOOPBACK, 'guarded-again')
        time.sleep(0.5)
        sink.kill()
        received = sink.communicate()[0].split()
    assert received == ['open'], received


def test_ipv6_published_ports_isolation_and_masquerade6():
    dual_stack_topology()
    with servers(('a1', 'tcp/80'), ('c1', 'tcp/80'), ('outside', 'tcp/7000')):
        # Without the firewall: the networks route to each other, nothing is published.
        assert ping('a1', 'fd00:88:2::2', count=3) and ping('b1', 'fd00:88:1::2', count=3)  # count: ND first
        assert fetch('outside', '2001:db8:1::1', 8080) is None
        for r in run([fw('a', **NET_A), fw('b', **NET_B), fw('c', **NET_C)]):
            assert_ok(r, True)

        # Published ports on the host's IPv6 addresses, from outside, the host, the same and another network.
        assert fetch('outside', '2001:db8:1::1', 8080) == 'a1:80 2001:db8:1::2'
        assert fetch(HOST, '2001:db8:1::1', 8080) == 'a1:80 2001:db8:1::1'
        assert fetch('a2', '2001:db8:1::1', 8080) == 'a1:80 fd00:88:1::1'  # hairpin
        assert fetch('b1', '2001:db8:1::1', 8080) == 'a1:80 fd00:88:2::2'  # no masquerade6: b1 itself
        assert fetch(HOST, '::1', 8080) is None  # IPv6 cannot send ::1 out of the host (documented)
        assert fetch('outside', '2001:db8:1::1', 8000) is None  # the range is published on IPv4 only
        # The IPv6-only network.
        assert fetch('outside', '2001:db8:1::1', 8081) == 'c1:80 2001:db8:1::2'
        assert fetch('a1', '2001:db8:1::1', 8081) == 'c1:80 fd00:88:1::2'
        # Isolation holds for IPv6, both ways; inside a network and to the gateway all is well.
        assert not ping('a1', 'fd00:88:2::2') and not ping('b1', 'fd00:88:1::2')
        assert not ping('c1', 'fd00:88:1::2') and not ping('a1', 'fd00:88:3::2')
        assert ping('a1', 'fd00:88:1::3', count=3) and ping('a1', 'fd00:88:1::1') and ping('c1', 'fd00:88:3::1', count=3)

        # masquerade6 off (default): the outside sees the endpoint's own address; on: the host's.
        assert fetch('a1', '2001:db8:1::2', 7000) == 'outside:7000 fd00:88:1::2'
        assert_ok(run([fw('a', **dict(NET_A, masquerade6=True))])[0], True)
        assert fetch('a1', '2001:db8:1::2', 7000) == 'outside:7000 2001:db8:1::1'
        assert fetch('a1', '198.51.100.2', 7000) == 'outside:7000 198.51.100.1'  # IPv4 masquerade as before
        off = run([fw('a', **NET_A)])[0]
        assert_ok(off, True)
        assert len(off['actions']) == 1 and off['actions'][0].startswith(
            'delete rule inet linuxnet_fabric postrouting handle') and '"fabric:a:masquerade6"' in off['actions'][0]
        assert 'fabric:a:masquerade6' not in our_rules()
        assert fetch('a1', '2001:db8:1::2', 7000) == 'outside:7000 fd00:88:1::2'


def test_new_options_check_mode_idempotence_and_removal():
    dual_stack_topology()
    create = dict(NET_A, masquerade6=True)
    empty = ruleset()
    fresh = run([checked(fw('a', **create))])[0]
    assert_ok(fresh, True)
    assert ruleset() == empty and route_localnet('br-a') == '0', 'check mode changed something'
    made, again, converged = run([fw('a', **create), fw('a', **create), checked(fw('a', **create))])
    assert_ok(made, True)
    assert_ok(again, False)
    assert_ok(converged, False)
    assert fresh['actions'] == made['actions'] and fresh['firewall'] == made['firewall']
    assert made['actions'][-1] == "set net.ipv4.conf.br-a.route_localnet to 1 in netns 'fw-host'"
    assert made['firewall']['sysctls'] == {'net.ipv4.conf.br-a.route_localnet': '1'} and route_localnet('br-a') == '1'
    assert made['diff']['before'] == {} and made['diff']['after'] == made['firewall']
    assert set(our_rules()) == {'fabric:a:%s' % p for p in (
        'masquerade', 'masquerade6', 'hairpin', 'localhost', 'bridge', 'isolate', 'publish:tcp:8080',
        'publish:tcp:8000-8001', 'publish:udp:5353', 'publish:tcp:8443', 'publish:tcp:8444')}

    # Day 2: one port left (on one address), no masquerade6: the rest goes, route_localnet first.
    modify = dict(subnet6='fd00:88:1::/64', published_ports=[NET_A['published_ports'][3]])
    handles = our_rules()
    predicted = run([checked(fw('a', **modify))])[0]
    changed, stable = run([fw('a', **modify), fw('a', **modify)])
    assert_ok(predicted, True)
    assert_ok(changed, True)
    assert_ok(stable, False)
    assert predicted['actions'] == changed['actions'] and predicted['firewall'] == changed['firewall']
    assert changed['actions'][0] == "set net.ipv4.conf.br-a.route_localnet to 0 in netns 'fw-host'"
    assert not any(a.startswith('add rule') for a in changed['actions'])
    now = our_rules()
    assert set(now) == {'fabric:a:masquerade', 'fabric:a:hairpin', 'fabric:a:bridge', 'fabric:a:isolate',
                        'fabric:a:publish:tcp:8443'}
    assert all(set(now[c]) <= set(handles[c]) for c in now), 'rules that stay keep their handles'
    assert route_localnet('br-a') == '0' and changed['firewall']['sysctls'] == {
        'net.ipv4.conf.br-a.route_localnet': '0'}
    assert changed['diff']['before']['sysctls'] == {'net.ipv4.conf.br-a.route_localnet': '1'}

    # absent (no bridge given: the one its rules name) takes route_localnet back to 0 with the rules.
    assert_ok(run([fw('a', **create)])[0], True)
    predicted, gone = run([checked(fw('a', state='absent')), fw('a', state='absent')])
    assert_ok(gone, True)
    assert predicted['actions'] == gone['actions']
    assert gone['actions'][0] == "set net.ipv4.conf.br-a.route_localnet to 0 in netns 'fw-host'"
    assert gone['actions'][-1] == 'delete table inet linuxnet_fabric (no rules left in it)'
    assert route_localnet('br-a') == '0' and ruleset() == '' and gone['firewall'] == {}


def test_a_host_port_of_another_network_is_refused_with_nothing_changed():
    dual_stack_topology()
    assert_ok(run([fw('a', **NET_A)])[0], True)
    before = ruleset()
    cases = [
        (dict(published_ports=[dict(address='10.88.2.2', port=80, host_port=8080)]),
         "published_ports[0].host_port=8080: tcp port 8080 on all IPv4 addresses is already published by network a "
         "in netns 'fw-host'"),
        (dict(published_ports=[dict(address='10.88.2.2', port='80-89', host_port='7995-8004')]),
         "published_ports[0].host_port='7995-8004': tcp ports 8000-8001 on all IPv4 addresses is already published "
         "by network a"),
        (dict(published_ports=[dict(address='10.88.2.2', port=80, host_port=8443)]),
         'tcp port 8443 on 198.51.100.11 is already published by network a'),
        (dict(subnet6='fd00:88:2::/64', published_ports=[dict(address6='fd00:88:2::2', port=80, host_port=8080)]),
         'tcp port 8080 on all IPv6 addresses is already published by network a'),
        (dict(bridge='br-a'), "bridge='br-a': already belongs to network a in netns 'fw-host'"),
    ]
    results = run([t for case in cases for t in (checked(fw('b', **case[0])), fw('b', **case[0]))])
    for i, (options, message) in enumerate(cases):
        for result in results[2 * i:2 * i + 2]:
            assert result['failed'] and not result['changed'] and message in result['msg'], (options, result)
    assert ruleset() == before and route_localnet('br-b') == '0'
    # The same host port on another host address, protocol or family is not a conflict.
    fine = [dict(address='10.88.2.2', port=80, host_port=8443, host_ip='198.51.100.1'),
            dict(address='10.88.2.2', port=80, host_port=8080, protocol='udp'),
            dict(address6='fd00:88:2::2', port=80, host_port=8000)]
    assert_ok(run([fw('b', subnet6='fd00:88:2::/64', published_ports=fine)])[0], True)
    assert 'ip daddr 198.51.100.1 tcp dport 8443 dnat ip to 10.88.2.2:80' in ruleset()


def vxlan_topology():
    """fw-host holds a VXLAN device per underlay family (vx6 on 4789 over IPv6, vx4 on 4790 over IPv4), with flood
    entries to 'outside' and 'stranger', which each have the other end."""
    lines = []
    for ns in (HOST, 'outside', 'stranger'):
        lines += ['ip netns add %s' % ns, 'ip -n %s link set lo up' % ns]
    for link, peer, v4, v6 in (('uplink', 'outside', '198.51.100', '2001:db8:1'),
                               ('uplink2', 'stranger', '203.0.113', '2001:db8:2')):
        lines += ['ip -n %s link add %s type veth peer name eth0 netns %s' % (HOST, link, peer),
                  'ip -n %s addr add %s.1/24 dev %s' % (HOST, v4, link),
                  'ip -n %s addr add %s::1/64 dev %s nodad' % (HOST, v6, link),
                  'ip -n %s addr add %s.2/24 dev eth0' % (peer, v4),
                  'ip -n %s addr add %s::2/64 dev eth0 nodad' % (peer, v6),
                  'ip -n %s link set %s up' % (HOST, link), 'ip -n %s link set eth0 up' % peer]
    lines += ['ip -n stranger route add 198.51.100.0/24 via 203.0.113.1',
              'ip -n stranger route add 2001:db8:1::/64 via 2001:db8:2::1']
    for dev, vni, port, local, net in (('vx6', 6, 4789, '2001:db8:1::1', '10.96.0'),
                                       ('vx4', 4, 4790, '198.51.100.1', '10.94.0')):
        lines += ['ip -n %s link add %s type vxlan id %d dstport %d local %s nolearning' % (HOST, dev, vni, port, local),
                  'ip netns exec %s sysctl -qw net.ipv6.conf.%s.disable_ipv6=1' % (HOST, dev),  # no ND, MLD
                  'ip -n %s addr add %s.1/24 dev %s' % (HOST, net, dev), 'ip -n %s link set %s up' % (HOST, dev)]
        for i, (peer, underlay) in enumerate((('outside', '198.51.100.2' if vni == 4 else '2001:db8:1::2'),
                                              ('stranger', '203.0.113.2' if vni == 4 else '2001:db8:2::2'))):
            lines += ['bridge -n %s fdb append 00:00:00:00:00:00 dev %s dst %s' % (HOST, dev, underlay),
                      'ip -n %s link add %s type vxlan id %d dstport %d local %s remote %s'
                      % (peer, dev, vni, port, underlay, local),
                      'ip netns exec %s sysctl -qw net.ipv6.conf.%s.disable_ipv6=1' % (peer, dev),
                      'ip -n %s addr add %s.%d/24 dev %s' % (peer, net, i + 2, dev), 'ip -n %s link set %s up' % (peer, dev)]
    subprocess.run(['bash', '-euc', '\n'.join(lines)], check=True)


def test_vxlan_peers_over_both_underlays_and_a_peer_that_leaves():
    vxlan_topology()
    both = dict(ov6=['2001:db8:1::2', '2001:db8:2::2'], ov4=['198.51.100.2', '203.0.113.2'])

    def overlay(peers):
        return [fw(name, bridge='br-' + name, subnet='10.96.0.0/24' if name == 'ov6' else '10.94.0.0/24',
                   masquerade=False, vxlan_port=4789 if name == 'ov6' else 4790, vxlan_peers=peers[name])
                for name in ('ov6', 'ov4')]

    def pings(netns, address):  # the first ones resolve neighbours over the overlay and the underlay
        return ping(netns, address, count=3)

    assert pings('outside', '10.96.0.1') and pings('stranger', '10.96.0.1')  # baseline, without firewall
    assert pings('outside', '10.94.0.1') and pings('stranger', '10.94.0.1')
    for r in run(overlay(both)):
        assert_ok(r, True)
    assert pings('outside', '10.96.0.1') and pings('stranger', '10.96.0.1')
    assert pings('outside', '10.94.0.1') and pings('stranger', '10.94.0.1')
    assert 'udp dport 4789 ip6 saddr { 2001:db8:1::2, 2001:db8:2::2 } accept' in ruleset()

    # The stranger leaves both lists: its allowance goes, its VXLAN datagrams are dropped; the peer stays.
    left = dict(ov6=both['ov6'][:1], ov4=both['ov4'][:1])
    for r in run(overlay(left)):
        assert_ok(r, True)
    listed = ruleset()
    assert '2001:db8:2::2' not in listed and '203.0.113.2' not in listed
    assert 'udp dport 4789 ip6 saddr 2001:db8:1::2 accept' in listed
    assert pings('outside', '10.96.0.1') and pings('outside', '10.94.0.1')
    assert not pings('stranger', '10.96.0.1') and not pings('stranger', '10.94.0.1')
    vx6 = ip_json(HOST, '-s', 'link', 'show', 'vx6')[0]['stats64']['rx']['packets']
    ping('stranger', '10.96.0.1', count=2)
    assert ip_json(HOST, '-s', 'link', 'show', 'vx6')[0]['stats64']['rx']['packets'] == vx6, 'a datagram got in'
    for r in run(overlay(left)):
        assert_ok(r, False)
