"""The bridge_network module on day 2: dual-stack and IPv6-only networks, leases that survive a fresh namespace,
renumbering that leaves nothing of the old configuration, renamed interfaces and bridges, endpoints given by PID
or path, and the refusal to detach endpoints in use."""
import json
import os
import signal
import subprocess

from harness import LEASES, ip_json, list_netns, ping, run, sh, snapshot, snapshot_diff
from lifecycle import assert_ok, task

NET = dict(network='web', bridge='br-web', subnet='10.88.0.0/24')


def net(**extra):
    return task('bridge_network', **dict(NET, **extra))


def eps(*names):
    return [dict(name=n) for n in names]


def addresses(netns, dev='eth0'):
    return sorted('%s/%s' % (a['local'], a['prefixlen']) for a in ip_json(netns, 'addr', 'show', 'dev', dev)[0]['addr_info']
                  if a.get('scope') != 'link')


def default_routes(netns, family):
    return [(r.get('gateway'), r.get('dev')) for r in ip_json(netns, family, 'route', 'show', 'default')]


def ping6(netns, addr):
    return subprocess.run((['ip', 'netns', 'exec', netns] if netns else []) + ['ping', '-6', '-n', '-q', '-c1', '-W1', addr],
                          capture_output=True, check=False).returncode == 0


def test_dual_stack_network_answers_at_once_and_is_stable():
    dual = dict(subnet6='fd00:88::/64', endpoints=eps('ds-1', 'ds-2'))
    before = snapshot()
    predicted = run([net(**dual)], check=True)[0]
    assert_ok(predicted, True)
    assert snapshot() == before, snapshot_diff(before, snapshot())
    made = run([net(**dual)])[0]
    assert_ok(made, True)
    assert made['actions'] == predicted['actions']
    # Right after the run, with no sleep: IPv6 addresses are added without DAD.
    assert ping6('ds-1', 'fd00:88::3') and ping6('ds-2', 'fd00:88::1') and ping6(None, 'fd00:88::2')
    assert ping('ds-1', '10.88.0.3') and ping(None, '10.88.0.2')
    assert addresses('ds-1') == ['10.88.0.2/24', 'fd00:88::2/64']
    assert addresses(None, 'br-web') == ['10.88.0.1/24', 'fd00:88::1/64']
    assert default_routes('ds-2', '-6') == [('fd00:88::1', 'eth0')]
    assert default_routes('ds-2', '-4') == [('10.88.0.1', 'eth0')]
    assert made['network']['endpoints']['ds-2']['address6'] == 'fd00:88::3/64'
    converged = snapshot()
    assert_ok(run([net(**dual)])[0], False)
    assert_ok(run([net(**dual)], check=True)[0], False)
    assert snapshot() == converged, snapshot_diff(converged, snapshot())


def test_ipv6_only_network_in_a_large_prefix():
    six = dict(subnet=None, subnet6='fd00:99::/48', gateway6='fd00:99::1', endpoints=eps('six-1', 'six-2'))
    made = run([net(**six)])[0]
    assert_ok(made, True)
    assert addresses('six-2') == ['fd00:99::3/48'] and ping6('six-1', 'fd00:99::3')
    assert default_routes('six-1', '-4') == [] and default_routes('six-1', '-6') == [('fd00:99::1', 'eth0')]
    assert_ok(run([net(**six)])[0], False)


def test_leases_give_a_fresh_namespace_its_address_back():
    run([net(endpoints=eps('l-a', 'l-b', 'l-c'))])
    lease = json.load(open(os.path.join(LEASES, 'web.json')))
    assert lease['endpoints'] == {'l-a': {'address': '10.88.0.2/24'}, 'l-b': {'address': '10.88.0.3/24'},
                                  'l-c': {'address': '10.88.0.4/24'}}
    assert os.stat(os.path.join(LEASES, 'web.json')).st_mode & 0o777 == 0o600
    # A reboot: the kernel forgets everything, the leases stay. l-b is no longer listed.
    sh('ip -all netns delete', 'ip link del br-web')
    res = run([net(endpoints=eps('l-a', 'l-c'))])[0]
    assert_ok(res, True)
    assert addresses('l-c') == ['10.88.0.4/24'] and addresses('l-a') == ['10.88.0.2/24']
    assert_ok(run([net(endpoints=eps('l-a', 'l-c'))])[0], False)


def test_a_new_subnet_leaves_no_old_address_or_route_behind():
    run([net(subnet6='fd00:88::/64', endpoints=eps('r-1', 'r-2'))])
    sh('ip -n r-1 addr add 192.0.2.7/24 dev eth0')  # someone else's address: it stays
    res = run([net(subnet='10.77.0.0/24', endpoints=eps('r-1', 'r-2'))])[0]
    assert_ok(res, True)
    assert addresses('r-1') == ['10.77.0.2/24', '192.0.2.7/24'] and addresses('r-2') == ['10.77.0.3/24']
    assert addresses(None, 'br-web') == ['10.77.0.1/24']
    assert default_routes('r-1', '-4') == [('10.77.0.1', 'eth0')] and default_routes('r-1', '-6') == []
    assert ping('r-1', '10.77.0.3')
    assert_ok(run([net(subnet='10.77.0.0/24', endpoints=eps('r-1', 'r-2'))])[0], False)


def test_an_unchanged_endpoint_keeps_its_address_when_the_range_moves_under_others():
    run([net(endpoints=[dict(name='k-1', address='10.88.0.200'), dict(name='k-2')])])
    res = run([net(ip_range='10.88.0.128/25', endpoints=[dict(name='k-1', address='10.88.0.200'), dict(name='k-2')])])[0]
    assert_ok(res, True)
    assert addresses('k-1') == ['10.88.0.200/24'] and addresses('k-2') == ['10.88.0.129/24']  # not the range's own


def test_renamed_interface_and_bridge_leave_nothing_behind():
    run([net(endpoints=eps('n-1'))])
    old_port = [x['ifname'] for x in ip_json(None, 'link', 'show', 'master', 'br-web')]
    res = run([net(bridge='br-new', endpoints=[dict(name='n-1', interface='eth1')])])[0]
    assert_ok(res, True)
    assert ip_json(None, 'link', 'show', 'br-web') is None
    assert [x['ifname'] for x in ip_json('n-1', 'link', 'show')] == ['lo', 'eth1']
    assert ip_json(None, 'link', 'show', old_port[0]) is None
    assert ping('n-1', '10.88.0.1')
    assert_ok(run([net(bridge='br-new', endpoints=[dict(name='n-1', interface='eth1')])])[0], False)


def _sleeper():
    proc = subprocess.Popen(['unshare', '--net', 'sleep', '600'])
    for _attempt in range(100):  # until unshare has exec'd sleep in its new namespace
        if os.readlink('/proc/%d/ns/net' % proc.pid) != os.readlink('/proc/self/ns/net'):
            return proc
        subprocess.run(['sleep', '0.02'], check=True)
    raise AssertionError('unshare did not start')


def test_endpoints_by_pid_and_path_are_attached_and_never_deleted():
    by_pid, by_path = _sleeper(), _sleeper()
    try:
        path = '/proc/%d/ns/net' % by_path.pid
        endpoints = [dict(name='proc-a', pid=by_pid.pid), dict(name='proc-b', netns_path=path)]
        predicted = run([net(endpoints=endpoints)], check=True)[0]
        made = run([net(endpoints=endpoints)])[0]
        assert_ok(made, True)
        assert made['actions'] == predicted['actions']
        assert list_netns() == []  # nothing named, nothing created
        assert made['network']['endpoints']['proc-b']['netns'] == path
        assert ping(None, '10.88.0.2') and ping(None, '10.88.0.3')
        assert_ok(run([net(endpoints=endpoints)])[0], False)
        # Processes run there: absent refuses and changes nothing ...
        before = snapshot()
        refused = run([net(state='absent')])[0]
        assert refused['failed'] and 'force' in refused['msg'] and str(by_pid.pid) in refused['msg'], refused
        assert 'sleep' in refused['msg'] and snapshot() == before
        # ... unless forced: only the veth pairs go, the processes keep running.
        gone = run([net(state='absent', force=True)])[0]
        assert_ok(gone, True)
        assert by_pid.poll() is None and by_path.poll() is None
        assert ip_json(None, 'link', 'show', 'type', 'veth') == []
        assert [x['ifname'] for x in json.loads(subprocess.run(
            ['nsenter', '--net=' + path, 'ip', '-j', 'link'], capture_output=True, text=True, check=True).stdout)] == ['lo']
    finally:
        for proc in (by_pid, by_path):
            proc.send_signal(signal.SIGKILL)
            proc.wait()


def test_a_stopped_process_is_one_clear_line():
    proc = _sleeper()
    pid = proc.pid
    proc.kill()
    proc.wait()
    res = run([net(endpoints=[dict(name='gone', pid=pid)])])[0]
    assert res['failed'] and res['msg'].startswith('endpoints[0].pid=') and 'endpoint gone' in res['msg'], res


def test_purge_refuses_an_endpoint_in_use_unless_forced():
    run([net(endpoints=eps('u-1', 'u-2'))])
    busy = subprocess.Popen(['ip', 'netns', 'exec', 'u-2', 'sleep', '600'])
    try:
        for _attempt in range(100):
            if os.path.exists('/proc/%d/ns/net' % busy.pid) and os.stat('/proc/%d/ns/net' % busy.pid).st_ino == \
                    os.stat('/run/netns/u-2').st_ino:
                break
            subprocess.run(['sleep', '0.02'], check=True)
        before = snapshot()
        refused = run([net(endpoints=eps('u-1'), purge=True)], check=True)[0]
        assert refused['failed'] and 'PID %d (sleep)' % busy.pid in refused['msg'], refused
        refused = run([net(endpoints=eps('u-1'), purge=True)])[0]
        assert refused['failed'] and refused['msg'].startswith('force=False: endpoint u-2'), refused
        assert snapshot() == before
        assert_ok(run([net(endpoints=eps('u-1'), purge=True, force=True)])[0], True)
        assert list_netns() == ['u-1']
    finally:
        busy.kill()
        busy.wait()
