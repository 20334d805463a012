"""linuxnet.fabric.network_firewall against the real kernel and real traffic (inside the sandbox only).

    outside  198.51.100.2 --eth0==uplink-- 198.51.100.1 [fw-host] br-a 10.88.1.1/24 -- a1 .2, a2 .3
    stranger 203.0.113.2  --eth0==uplink2- 203.0.113.1  (ip_forward) br-b 10.88.2.1/24 -- b1 .2

The outside namespaces have no route to 10.88.0.0/16: a connection from an endpoint only gets an answer when it
is masqueraded. Every nft table lives in fw-host (or another namespace the test made), never in the sandbox root.
"""
import json
import subprocess
import time

from harness import PY, echo_server, ask, http_get, http_server, listening, netns_exec, ping, python, run, server, wait_for
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
    run([task('netns', name=HOST)])
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
    assert ('prerouting: iifname != "br-a" fib daddr type local meta nfproto ipv4 tcp dport 8080 dnat ip to '
            '10.88.1.2:80 comment "fabric:a:publish:tcp:8080"') in rules
    assert len(rules) == 7 and made['firewall']['table'] == 'inet linuxnet_fabric' and made['firewall']['netns'] == HOST
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
        'fabric:a:masquerade', 'fabric:a:bridge', 'fabric:a:isolate', 'fabric:a:publish:tcp:8080'}
    # A base chain's policy changed by hand is set back to accept.
    nft(HOST, 'add', 'chain', *TABLE, 'forward', '{ type filter hook forward priority filter; policy drop; }')
    fixed = run([fw('a', **CREATE)])[0]
    assert_ok(fixed, True)
    assert fixed['actions'] == ['set policy of chain inet linuxnet_fabric forward: drop -> accept']
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
        assert http_get('b1', 'http://198.51.100.1:8080/') is None  # DNAT, then isolation drops it
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
