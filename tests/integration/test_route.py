"""linuxnet.fabric.route against the real kernel (inside the sandbox)."""
import subprocess
import time

from harness import ip_json, run, snapshot, snapshot_diff
from lifecycle import assert_ok, checked, lifecycle, predicted_matches, task

SETUP = [
    task('netns', name='r1'),
    task('bridge', name='br0', netns='r1', addresses=['10.0.0.1/24', 'fd00::1/64']),
    task('bridge', name='br1', netns='r1', addresses=['10.1.0.1/24']),
]


def routes(netns, *args):
    """Routes as ip shows them, without 'linkdown' (the test's bridges have no ports, so no carrier)."""
    return [dict({k: r.get(k) for k in ('dst', 'gateway', 'dev', 'metric', 'scope', 'type')},
                 flags=[f for f in r.get('flags', []) if f != 'linkdown']) for r in ip_json(netns, *args)]


def test_route_lifecycle_ipv4_gateway_change_is_one_replace():
    def created(result):
        assert routes('r1', 'route', 'show', '10.9.0.0/24') == [dict(
            dst='10.9.0.0/24', gateway='10.0.0.5', dev='br0', metric=None, flags=[], scope=None, type=None)]
        assert result['route']['dev'] == 'br0' and result['route']['table'] == 254
        assert result['actions'] == ["add route 10.9.0.0/24 via 10.0.0.5 in netns 'r1'"]

    def modified(result):
        assert routes('r1', 'route', 'show', '10.9.0.0/24')[0]['gateway'] == '10.1.0.5'
        assert routes('r1', 'route', 'show', '10.9.0.0/24')[0]['dev'] == 'br1'
        assert result['actions'] == ["replace route 10.9.0.0/24 via 10.0.0.5 dev br0 in netns 'r1' "
                                     "(gateway 10.0.0.5 -> 10.1.0.5)"]
    lifecycle('route', dict(netns='r1', dst='10.9.0.0/24', gateway='10.0.0.5'),
              dict(netns='r1', dst='10.9.0.0/24', gateway='10.1.0.5'),
              dict(netns='r1', dst='10.9.0.0/24', state='absent'), 'route',
              setup=SETUP, verify_created=created, verify_modified=modified)
    assert routes('r1', 'route', 'show', '10.9.0.0/24') == []


def test_route_lifecycle_ipv6_default_via_link_local():
    def created(result):
        found = routes('r1', '-6', 'route', 'show', 'default')
        assert found == [dict(dst='default', gateway='fd00::5', dev='br0', metric=1024, flags=[], scope=None,
                              type=None)]
        assert result['route']['dst'] == '::/0' and result['route']['metric'] == 1024

    def modified(result):
        found = routes('r1', '-6', 'route', 'show', 'default')
        assert [(r['gateway'], r['dev']) for r in found] == [('fe80::1', 'br0')]
    lifecycle('route', dict(netns='r1', dst='default', gateway='fd00::5'),
              dict(netns='r1', dst='default', gateway='fe80::1', dev='br0'),
              dict(netns='r1', dst='::/0', state='absent'), 'route',
              setup=SETUP, verify_created=created, verify_modified=modified)
    assert routes('r1', '-6', 'route', 'show', 'default') == []


def test_gateway_change_never_deletes_the_route():
    """Watch the kernel's route events while the gateway changes: one replace, no 'Deleted'."""
    run(SETUP + [task('route', netns='r1', dst='default', gateway='10.0.0.5')])
    mon = subprocess.Popen(['ip', '-n', 'r1', 'monitor', 'route'], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.3)
        res = run([task('route', netns='r1', dst='default', gateway='10.0.0.6')])[0]
        time.sleep(0.3)
    finally:
        mon.terminate()
    events = mon.communicate(timeout=5)[0]
    assert_ok(res, True)
    assert len(res['actions']) == 1 and res['actions'][0].startswith('replace route default via 10.0.0.5')
    assert 'default via 10.0.0.6 dev br0' in events and 'Deleted' not in events, events


def test_onlink_dev_route_table_and_metric():
    tasks = [
        task('route', netns='r1', dst='10.20.0.0/16', gateway='192.0.2.1', dev='br0', onlink=True),
        task('route', netns='r1', dst='10.21.0.0/16', dev='br1'),
        task('route', netns='r1', dst='default', gateway='10.0.0.7', table=100, metric=50),
        task('route', netns='r1', dst='default', gateway='10.0.0.8', table='100', metric=60),
    ]
    made = run(SETUP + tasks)[len(SETUP):]
    for r in made:
        assert_ok(r, True)
    again = run(tasks)
    for r in again:
        assert_ok(r, False)
    assert routes('r1', 'route', 'show', '10.20.0.0/16')[0]['flags'] == ['onlink']
    assert routes('r1', 'route', 'show', '10.21.0.0/16')[0]['scope'] == 'link'
    table = ip_json('r1', 'route', 'show', 'table', '100')
    assert [(r['gateway'], r['metric']) for r in table] == [('10.0.0.7', 50), ('10.0.0.8', 60)]
    # metric is identity: changing the gateway of the metric-60 route leaves the metric-50 one alone
    res = run([task('route', netns='r1', dst='default', gateway='10.1.0.8', table=100, metric=60)])[0]
    assert_ok(res, True)
    table = ip_json('r1', 'route', 'show', 'table', '100')
    assert [(r['gateway'], r['metric']) for r in table] == [('10.0.0.7', 50), ('10.1.0.8', 60)]
    # without metric, absent removes every route to dst in the table
    gone = run([task('route', netns='r1', dst='default', table=100, state='absent')])[0]
    assert_ok(gone, True)
    assert len(gone['actions']) == 2 and ip_json('r1', 'route', 'show', 'table', '100') == []
    # onlink off: the gateway must now be reachable -> a clear error, route untouched
    res = run([task('route', netns='r1', dst='10.20.0.0/16', gateway='192.0.2.1', dev='br0', onlink=False)])[0]
    assert res['failed'] and "gateway='192.0.2.1': not reachable on dev br0" in res['msg']
    assert routes('r1', 'route', 'show', '10.20.0.0/16')[0]['flags'] == ['onlink']


def test_only_what_is_set_is_compared_and_blackhole_is_replaced():
    subprocess.run(['bash', '-ec', 'ip netns add r2; ip -n r2 link add br0 type bridge; ip -n r2 link set br0 up;'
                    'ip -n r2 addr add 10.0.0.1/24 dev br0; ip -n r2 route add 10.5.0.0/16 via 10.0.0.9 metric 7;'
                    'ip -n r2 route add blackhole 10.6.0.0/16'], check=True)
    same = run([task('route', netns='r2', dst='10.5.0.0/16', dev='br0')])[0]
    assert_ok(same, False)
    assert same['route']['metric'] == 7 and same['route']['gateway'] == '10.0.0.9'
    fixed = run([task('route', netns='r2', dst='10.6.0.0/16', gateway='10.0.0.9')])[0]
    assert_ok(fixed, True)
    assert fixed['diff']['before']['type'] == 'blackhole' and fixed['route']['type'] == 'unicast'
    assert routes('r2', 'route', 'show', '10.6.0.0/16')[0]['gateway'] == '10.0.0.9'


def test_check_mode_in_a_namespace_that_does_not_exist_yet():
    before = snapshot()
    res = run([task('route', netns='later', dst='default', gateway='10.0.0.1')], check=True)[0]
    assert_ok(res, True)
    assert any("netns 'later' does not exist yet" in a for a in res['actions'])
    assert res['route']['gateway'] == '10.0.0.1' and res['route']['dst'] == '0.0.0.0/0'
    assert snapshot() == before, snapshot_diff(before, snapshot())
    res = run([task('route', netns='later', dst='default', gateway='10.0.0.1')])[0]
    assert res['failed'] and "netns='later': no such network namespace" in res['msg']


def test_check_mode_predicts_the_dev_the_kernel_picks():
    run(SETUP)
    predicted = run([checked(task('route', netns='r1', dst='10.30.0.0/24', gateway='10.1.0.9'))])[0]
    made = run([task('route', netns='r1', dst='10.30.0.0/24', gateway='10.1.0.9')])[0]
    assert predicted['route']['dev'] == 'br1'
    predicted_matches(predicted['route'], made['route'])
