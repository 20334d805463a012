"""linuxnet.fabric.probe against real namespaces and real traffic (inside the sandbox only).

Every outcome kind is judged independently in the same test: ICMP by `ping` (exit status 0 answered, 1 no answer,
2 error), TCP by a plain Python connect, both run with `nsenter --net=FILE` in the probe's namespace. probe never
judges itself alone.

    P (unshare --net sleep, by netns_path) eth0 10.9.1.2 --- p0 10.9.1.1 [a] e 10.9.0.1 --- e 10.9.0.2 [b]
    Q (unshare --net sleep, by pid)        eth0 10.9.2.2 --- q0 10.9.2.1 [a]     fd09::1         fd09::2
a forwards, but prohibits 10.99.0.0/24 (an ICMP error); b has no route back to P and Q (no answer).
"""
import contextlib
import os
import subprocess
import sys
import time

from harness import probe, run, sh
from lifecycle import task

PY = sys.executable
# A TCP server on [::]:PORT (IPv4 too) that accepts and closes, until killed.
SERVER = ('import socket, sys\n'
          's = socket.socket(socket.AF_INET6)\n'
          's.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)\n'
          's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n'
          's.bind(("::", int(sys.argv[1])))\n'
          's.listen(64)\n'
          'while True:\n'
          '    s.accept()[0].close()\n')
CONNECT = 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()'


def netns_file(where):
    """The namespace file of a probe's 'from': a name, a path, or a PID ('' or None: the sandbox root)."""
    if not where:
        return '/proc/self/ns/net'
    if isinstance(where, int):
        return '/proc/%d/ns/net' % where
    return where if where.startswith('/') else '/run/netns/' + where


def ping_rc(where, addr, *args):
    """ping's exit status from inside a namespace: 0 answered, 1 no answer, 2 error."""
    return ping_says(where, addr, *args)[0]


def ping_says(where, addr, *args):
    proc = subprocess.run(['nsenter', '--net=' + netns_file(where), 'ping', '-n', '-q', '-c1', '-W1'] + list(args)
                          + [addr], capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def tcp_connects(where, addr, port):
    return subprocess.run(['nsenter', '--net=' + netns_file(where), PY, '-c', CONNECT, addr, str(port)],
                          capture_output=True, check=False).returncode == 0


def listening(where, port):
    out = subprocess.run(['nsenter', '--net=' + netns_file(where), 'ss', '-Hltn', 'sport = :%d' % port],
                         capture_output=True, text=True, check=True).stdout
    return bool(out.strip())


@contextlib.contextmanager
def processes():
    """Started processes (Popen), killed by their own PID at the end."""
    started = []
    try:
        yield started
    finally:
        for proc in started:
            proc.kill()
            proc.wait()


def unshared(started):
    """A process in a new network namespace of its own: its PID."""
    proc = subprocess.Popen(['unshare', '--net', 'sleep', '600'])
    started.append(proc)
    mine, end = os.readlink('/proc/self/ns/net'), time.monotonic() + 5
    while os.readlink('/proc/%d/ns/net' % proc.pid) == mine:
        assert time.monotonic() < end and proc.poll() is None, 'unshare did not start'
        time.sleep(0.02)
    return proc.pid


def serve(started, where, port):
    proc = subprocess.Popen(['nsenter', '--net=' + netns_file(where), PY, '-c', SERVER, str(port)])
    started.append(proc)
    end = time.monotonic() + 5
    while not listening(where, port):
        assert time.monotonic() < end and proc.poll() is None, 'the server in %s did not start' % where
        time.sleep(0.05)


def judge(check):
    """What ping or a Python connect says about the same probe, as an outcome."""
    where = check.get('from') or check.get('netns_path') or check.get('pid')
    if check.get('proto') == 'tcp':
        return 'reach' if tcp_connects(where, check['to'], check['port']) else 'blocked'
    args = []
    if check.get('size'):
        args = ['-M', 'do' if check.get('df') else 'dont', '-s', str(check['size'] - (48 if ':' in check['to'] else 28))]
    rc, said = ping_says(where, check['to'], *args)
    if rc == 2 and 'Do you want to ping broadcast?' in said:  # ping's guess for EACCES: ask it to allow broadcast
        rc, said = ping_says(where, check['to'], '-b', *args)
        if rc != 2:
            return 'error'  # it is a broadcast address: not a host to probe
    if rc == 2 and 'connect: ' in said:  # ping calls a route that refuses an error ('connect: No route to host')
        return 'blocked'
    return {0: 'reach', 1: 'blocked', 2: 'error'}[rc]


def test_reach_blocked_and_error_for_icmp_and_tcp_from_named_path_and_pid_namespaces():
    with processes() as started:
        path_pid, pid = unshared(started), unshared(started)
        path = '/proc/%d/ns/net' % path_pid
        sh('ip netns add a', 'ip netns add b',
           'ip -n a link set lo up', 'ip -n b link set lo up',
           'ip -n a link add e type veth peer name e netns b',
           'ip -n a addr add 10.9.0.1/24 dev e', 'ip -n b addr add 10.9.0.2/24 dev e',
           'ip -n a addr add fd09::1/64 dev e nodad', 'ip -n b addr add fd09::2/64 dev e nodad',
           'ip -n a link set e up', 'ip -n b link set e up',
           'ip -n a link add p0 type veth peer name eth0 netns %d' % path_pid,
           'ip -n a link add q0 type veth peer name eth0 netns %d' % pid,
           'ip -n a addr add 10.9.1.1/24 dev p0', 'ip -n a addr add 10.9.2.1/24 dev q0',
           'ip -n a link set p0 up', 'ip -n a link set q0 up',
           'ip netns exec a sysctl -qw net.ipv4.ip_forward=1', 'ip -n a route add prohibit 10.99.0.0/24',
           'ip -n a route add blackhole 10.50.0.0/16', 'ip -n a route add prohibit 10.51.0.0/16',
           'ip -n a route add unreachable 10.52.0.0/16', 'ip -n a -6 route add prohibit fd51::/64',
           'nsenter --net=%s sh -c "ip addr add 10.9.1.2/24 dev eth0; ip link set eth0 up; '
           'ip route add default via 10.9.1.1"' % path,
           'nsenter --net=/proc/%d/ns/net sh -c "ip addr add 10.9.2.2/24 dev eth0; ip link set eth0 up; '
           'ip route add default via 10.9.2.1"' % pid)
        for where in ('a', 'b'):
            serve(started, where, 8080)
        checks = [
            {'from': 'a', 'to': '10.9.0.2'},
            {'from': 'a', 'to': 'fd09::2'},
            {'from': 'a', 'to': '10.9.0.3', 'expect': 'blocked'},  # nobody there: no answer
            {'from': 'a', 'to': '10.9.0.2', 'proto': 'tcp', 'port': 8080},
            {'from': 'a', 'to': 'fd09::2', 'proto': 'tcp', 'port': 8080},
            {'from': 'a', 'to': '10.9.0.2', 'proto': 'tcp', 'port': 8081, 'expect': 'blocked'},  # reset
            {'from': 'a', 'to': '10.50.0.1', 'expect': 'blocked'},  # routes that refuse at the sender
            {'from': 'a', 'to': '10.51.0.1', 'expect': 'blocked'},
            {'from': 'a', 'to': '10.52.0.1', 'expect': 'blocked'},
            {'from': 'a', 'to': 'fd51::1', 'expect': 'blocked'},
            {'from': 'a', 'to': '10.51.0.1', 'proto': 'tcp', 'port': 8080, 'expect': 'blocked'},
            {'netns_path': path, 'to': '10.9.1.1'},
            {'netns_path': path, 'to': '10.99.0.1', 'expect': 'blocked'},  # a prohibits: ICMP error
            {'netns_path': path, 'to': '10.9.1.1', 'proto': 'tcp', 'port': 8080},
            {'netns_path': path, 'to': '10.9.0.2', 'proto': 'tcp', 'port': 8080, 'expect': 'blocked'},
            {'pid': pid, 'to': '10.9.2.1'},
            {'pid': pid, 'to': '10.9.0.2', 'expect': 'blocked'},  # b has no route back: no answer
            {'pid': pid, 'to': '10.9.2.1', 'proto': 'tcp', 'port': 8080},
            {'pid': pid, 'to': '10.9.2.1', 'proto': 'tcp', 'port': 8081, 'expect': 'blocked'},
            {'from': '', 'to': '10.9.0.2', 'expect': 'blocked'},  # the sandbox root has no route: ENETUNREACH
        ]
        result = probe(checks)
        assert not result['failed'], result['msg']
        assert result['changed'] is False and result['passed'] == len(checks) == len(result['results'])
        assert result['msg'] == '%d of %d probes passed' % (len(checks), len(checks))
        got = [(r['outcome'], r['message']) for r in result['results']]
        assert 'destination unreachable: administratively prohibited (ICMP from 10.9.1.1)' in [m for _o, m in got], got
        assert 'connection refused (reset)' in [m for _o, m in got], got
        assert 'refused at the sender: Network is unreachable (ENETUNREACH)' == got[-1][1], got
        assert all(r['rtt'] > 0 for r in result['results'] if r['outcome'] == 'reach')
        assert result['results'][11]['from'] == path and result['results'][15]['from'] == 'pid %d' % pid

        # The judges: ping and a plain connect, from the same namespaces.
        assert [judge(c) for c in checks] == \
            [r['outcome'] for r in result['results']]

        # 'error': the probe cannot be made (a broadcast address is not a host); ping errs too.
        broadcast = probe([{'from': 'a', 'to': '10.9.0.255', 'expect': 'blocked'}])
        r, = broadcast['results']
        assert broadcast['failed'] and r['outcome'] == 'error' and not r['passed'], r
        assert r['message'] == 'cannot send: 10.9.0.255 is a broadcast address here, not a host'
        assert judge({'from': 'a', 'to': '10.9.0.255'}) == 'error'

        # 'skipped': a TCP probe whose listener does not listen is not made (ss agrees); then it is.
        published = {'from': 'a', 'to': '10.9.0.2', 'proto': 'tcp', 'port': 9090,
                     'listener': {'netns': 'b', 'port': 9090}}
        skipped = probe([published])
        assert not skipped['failed'] and skipped['results'][0]['outcome'] == 'skipped' and not listening('b', 9090)
        assert skipped['msg'] == '0 of 0 probes passed, 1 skipped'
        serve(started, 'b', 9090)
        made = probe([published])
        assert not made['failed'] and made['results'][0]['outcome'] == 'reach' and tcp_connects('a', '10.9.0.2', 9090)


def test_df_at_the_mtu_passes_and_one_byte_more_is_blocked():
    """a --1500-- r --1400-- c: DF at 1400 bytes reaches c; at 1401 the router answers 'fragmentation needed'
    (IPv4) or 'packet too big' (IPv6); from c, 1401 bytes are refused at the sender (EMSGSIZE). Without DF the
    router fragments and 1401 bytes get through."""
    sh('for n in a r c; do ip netns add $n; ip -n $n link set lo up; done',
       'ip -n a link add e type veth peer name ra netns r', 'ip -n r link add rc type veth peer name e netns c',
       'ip -n r link set dev rc mtu 1400', 'ip -n c link set dev e mtu 1400',
       'ip -n a addr add 10.10.0.1/24 dev e', 'ip -n r addr add 10.10.0.254/24 dev ra',
       'ip -n r addr add 10.10.1.254/24 dev rc', 'ip -n c addr add 10.10.1.1/24 dev e',
       'ip -n a addr add fd10::1/64 dev e nodad', 'ip -n r addr add fd10::fe/64 dev ra nodad',
       'ip -n r addr add fd10:1::fe/64 dev rc nodad', 'ip -n c addr add fd10:1::1/64 dev e nodad',
       'for l in a/e r/ra r/rc c/e; do ip -n ${l%/*} link set dev ${l#*/} up; done',
       'ip -n a route add default via 10.10.0.254', 'ip -n c route add default via 10.10.1.254',
       'ip -n a -6 route add default via fd10::fe', 'ip -n c -6 route add default via fd10:1::fe',
       'ip netns exec r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1')
    checks = [
        {'from': 'a', 'to': '10.10.1.1', 'size': 1400, 'df': True},
        {'from': 'a', 'to': '10.10.1.1', 'size': 1401, 'df': True, 'expect': 'blocked'},
        {'from': 'a', 'to': '10.10.1.1', 'size': 1401, 'df': False},
        {'from': 'a', 'to': 'fd10:1::1', 'size': 1400, 'df': True},
        {'from': 'a', 'to': 'fd10:1::1', 'size': 1401, 'df': True, 'expect': 'blocked'},
        {'from': 'c', 'to': '10.10.0.1', 'size': 1400, 'df': True},
        {'from': 'c', 'to': '10.10.0.1', 'size': 1401, 'df': True, 'expect': 'blocked'},
        {'from': 'c', 'to': 'fd10::1', 'size': 1401, 'df': True, 'expect': 'blocked'},
    ]
    result = probe(checks, count=2)
    assert not result['failed'], result['msg']
    messages = [r['message'] for r in result['results']]
    assert messages[1] == 'fragmentation needed: next-hop MTU 1400 (ICMP from 10.10.0.254)', messages
    assert messages[4] == 'packet too big: MTU 1400 (ICMP from fd10::fe)', messages
    for i in (6, 7):
        assert messages[i] == 'refused at the sender: 1401 bytes with DF set do not fit the MTU of the route ' \
                              '(EMSGSIZE)', messages
    assert [judge(c) for c in checks] == [r['outcome'] for r in result['results']]


NETWORKS = {'n1': ('10.88.1.0/24', ['n1-a', 'n1-b']), 'n2': ('10.88.2.0/24', ['n2-a'])}


def bridge_networks():
    return [task('netns', name='fw')] + [
        task('bridge_network', network=net, bridge='br-' + net, netns='fw', subnet=subnet, firewall=False,
             endpoints=[{'name': e} for e in eps]) for net, (subnet, eps) in NETWORKS.items()
    ] + [task('sysctl', netns='fw', name='net.ipv4.ip_forward', value=1)]


def firewalls():
    return [task('network_firewall', network=net, netns='fw', bridge='br-' + net, subnet=subnet, isolate=True,
                 masquerade=False, published_ports=[{'address': '10.88.1.3', 'port': 80, 'host_port': 8080}]
                 if net == 'n1' else [])
            for net, (subnet, _eps) in NETWORKS.items()]


ACROSS = [('n1-a', '10.88.2.2'), ('n1-b', '10.88.2.2'), ('n2-a', '10.88.1.2'), ('n2-a', '10.88.1.3')]


def test_isolation_between_two_bridge_networks_is_reported_blocked():
    """Two networks of the bridge_network module on one host, without their firewall: routed to each other
    (ip_forward) until network_firewall isolates them. probe and ping agree before and after."""
    for r in run(bridge_networks()):
        assert not r['failed'], r
    before = probe(ACROSS)
    assert not before['failed'], before['msg']
    assert all(ping_rc(ns, addr) == 0 for ns, addr in ACROSS)

    for r in run(firewalls()):
        assert not r['failed'] and r['changed'], r
    inside = [{'netns': e} for e in NETWORKS['n1'][1]]
    after = probe([(ns, addr, 'blocked') for ns, addr in ACROSS]
                  + [('n1-a', '10.88.1.1'), ('n2-a', '10.88.2.1')], matrix=inside)
    assert not after['failed'], after['msg']
    assert after['matrix'] == ['from/to  n1-a     n1-b', 'n1-a     .        ok', 'n1-b     ok       .']
    assert all(ping_rc(ns, addr) == 1 for ns, addr in ACROSS)
    assert ping_rc('n1-a', '10.88.1.3') == 0 and ping_rc('n2-a', '10.88.2.1') == 0

    # Had the test expected the networks to reach each other, the task fails and says which probe and why.
    wrong = probe([{'name': 'n1 to n2', 'from': 'n1-a', 'to': '10.88.2.2'}], timeout=0.5)
    assert wrong['failed'] and len(wrong['failed_checks']) == 1
    assert wrong['msg'] == ('1 of 1 probes failed:\n- n1 to n2: from n1-a to 10.88.2.2 (icmp, 84 bytes): expected '
                            'reach, got blocked: no answer in 0.5 s (1 request)'), wrong['msg']

    # The published port through the host's address: skipped while n1-b does not listen, then reached.
    port = {'from': 'fw', 'to': '10.88.1.1', 'proto': 'tcp', 'port': 8080, 'listener': {'netns': 'n1-b', 'port': 80}}
    assert probe([port])['results'][0]['outcome'] == 'skipped'
    with processes() as started:
        serve(started, 'n1-b', 80)
        reached = probe([port])
        assert not reached['failed'] and reached['results'][0]['outcome'] == 'reach', reached['msg']
        assert tcp_connects('fw', '10.88.1.1', 8080)


def test_a_failing_expectation_fails_the_task_and_names_the_probe():
    sh('ip netns add a', 'ip -n a link set lo up')
    result = probe([{'name': 'loopback', 'from': 'a', 'to': '127.0.0.1'},
                    {'name': 'must answer', 'from': 'a', 'to': '10.77.0.1'},
                    {'name': 'must not answer', 'from': 'a', 'to': '127.0.0.1', 'expect': 'blocked'}])
    assert result['failed'] and result['_status'] == 'failed' and result['passed'] == 1
    assert [r['name'] for r in result['failed_checks']] == ['must answer', 'must not answer']
    lines = result['msg'].splitlines()
    assert lines[0] == '2 of 3 probes failed:'
    assert lines[1] == ('- must answer: from a to 10.77.0.1 (icmp, 84 bytes): expected reach, got blocked: refused '
                        'at the sender: Network is unreachable (ENETUNREACH)')
    assert lines[2].startswith('- must not answer: from a to 127.0.0.1 (icmp, 84 bytes): expected blocked, got '
                               'reach: echo reply in ')
    assert len(result['results']) == 3 and result['changed'] is False
    assert ping_rc('a', '127.0.0.1') == 0 and ping_rc('a', '10.77.0.1') != 0


def test_check_mode_gives_the_same_results():
    sh('ip netns add a', 'ip netns add b', 'ip -n a link add e type veth peer name e netns b',
       'ip -n a addr add 10.9.0.1/24 dev e', 'ip -n b addr add 10.9.0.2/24 dev e',
       'ip -n a link set e up', 'ip -n b link set e up', 'ip -n a link set lo up')
    checks = [('a', '10.9.0.2'), ('b', '10.9.0.1'), ('a', '10.9.0.9', 'blocked'), ('b', '10.9.1.1', 'blocked'),
              {'from': 'a', 'to': '10.9.0.2', 'proto': 'tcp', 'port': 22, 'expect': 'blocked'}]
    matrix = [{'netns': 'a', 'interface': 'e'}, {'netns': 'b', 'interface': 'e'}]
    normal, checked = probe(checks, matrix, timeout=0.3), probe(checks, matrix, check=True, timeout=0.3)
    for result in (normal, checked):
        assert not result['failed'] and result['changed'] is False, result['msg']
    strip = [[dict((k, v) for k, v in r.items() if k not in ('rtt', 'message')) for r in res['results']]
             for res in (normal, checked)]
    assert strip[0] == strip[1] and len(strip[0]) == 7
    assert normal['matrix'] == checked['matrix'] == ['from/to  a        b', 'a        .        ok', 'b        ok       .']


MISSING = [
    ({'checks': [{'from': 'nope', 'to': '10.0.0.1'}]}, "checks[0].from='nope': no such network namespace"),
    ({'checks': [{'pid': 4194304, 'to': '10.0.0.1'}]}, 'checks[0].pid=4194304: no such process'),
    ({'checks': [{'netns_path': '/etc/passwd', 'to': '10.0.0.1'}]}, "checks[0].netns_path='/etc/passwd': no such"),
    ({'matrix': [{'netns': 'a'}, {'netns': 'a', 'name': 'again', 'interface': 'nic9'}]},
     "matrix[1].interface='nic9': no such interface in a"),
]


def test_missing_namespaces_and_interfaces_fail_before_any_probe():
    sh('ip netns add a', 'ip -n a link add eth0 type veth peer name x', 'ip -n a addr add 10.9.0.1/24 dev eth0')
    results = run([{'name': 'probe', 'linuxnet.fabric.probe': options} for options, _message in MISSING])
    for result, (_options, message) in zip(results, MISSING):
        assert result['failed'] and result['msg'].startswith(message), result['msg']
        assert 'results' not in result
