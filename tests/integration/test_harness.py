"""Tests of the test harness itself: sandbox, guard, run(), snapshot(), cleanup, ping."""
import os
import subprocess
import sys
import time

import pytest

import harness
from harness import GUARD_MSG, REPO, in_sandbox, ip_json, ping, run, sh, snapshot, snapshot_diff


def build_lab():
    """A small topology made with plain ip/bridge commands: netns, bridge, veth, vxlan, addr, route, fdb, neigh."""
    sh('''
    ip netns add h1
    ip link add br-lab type bridge
    ip link add veth-h1 type veth peer name eth0 netns h1
    ip link set veth-h1 master br-lab up
    ip link set br-lab up
    ip addr add 10.99.0.1/24 dev br-lab
    ip addr add fd99::1/64 dev br-lab
    ip -n h1 link set lo up
    ip -n h1 link set eth0 up
    ip -n h1 addr add 10.99.0.2/24 dev eth0
    ip -n h1 route add default via 10.99.0.1
    ip -n h1 link add vx0 type vxlan id 42 dstport 4789 local 10.99.0.2 dev eth0
    ip -n h1 link set vx0 up
    bridge -n h1 fdb append 00:00:00:00:00:00 dev vx0 dst 10.99.0.1
    ip neigh add 10.99.0.3 lladdr 02:00:00:00:00:03 dev br-lab nud permanent
    bridge fdb add 02:00:00:00:00:04 dev veth-h1 master static
    ip route add 10.98.0.0/24 via 10.99.0.2
    ''')


def test_inside_sandbox():
    assert in_sandbox()
    assert os.environ.get('FABRIC_SANDBOX') == '1'
    assert [link['ifname'] for link in ip_json(None, 'link', 'show')] == ['lo']


def test_guard_refuses_outside_sandbox():
    if not os.environ.get('FABRIC_OUTER_PID'):
        pytest.skip('not started by tests/sandbox')
    # Collect-only in the netns outside the sandbox: reads nothing from the kernel, and even a broken guard runs no test.
    proc = subprocess.run(['nsenter', '--net=/proc/%s/ns/net' % os.environ['FABRIC_OUTER_PID'], '--', sys.executable, '-m', 'pytest',
                           '--collect-only', '-q', str(REPO / 'tests' / 'integration')],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert GUARD_MSG.splitlines()[0] in proc.stdout + proc.stderr


def test_snapshot_stable_on_untouched_system():
    build_lab()
    before = snapshot()
    time.sleep(2)
    after = snapshot()
    assert before == after, snapshot_diff(before, after)
    assert before['netns'] == ['h1']
    assert {link['ifname'] for link in before['state']['h1']['link']} == {'lo', 'eth0', 'vx0'}
    assert any(n.get('dst') == '10.99.0.3' for n in before['state']['']['neigh'])
    assert any(e['mac'] == '02:00:00:00:00:04' for e in before['state']['']['fdb'])
    assert any(e.get('dst') == '10.99.0.1' for e in before['state']['h1']['fdb'])


def test_snapshot_sees_change():
    before = snapshot()
    sh('ip link add br-x type bridge')
    assert snapshot_diff(before, snapshot())


def test_ping_between_namespaces():
    build_lab()
    assert ping('h1', '10.99.0.1')
    assert ping(None, '10.99.0.2', count=2)
    assert not ping('h1', '10.99.0.200')


def test_run_command_creates_bridge():
    res = run([{'name': 'make bridge', 'ansible.builtin.command': 'ip link add br-h type bridge'}])
    assert len(res) == 1 and res[0]['_task'] == 'make bridge'
    assert res[0]['changed'] and res[0]['rc'] == 0 and not res[0].get('failed')
    assert ip_json(None, 'link', 'show', 'br-h')[0]['ifname'] == 'br-h'


def test_cleanup_removed_previous_bridge():
    assert ip_json(None, 'link', 'show', 'br-h') is None


def test_run_records_failures_check_mode_and_tracebacks():
    tasks = [
        {'name': 'fails', 'ansible.builtin.command': 'ip link del nonexistent0'},
        {'name': 'still runs', 'ansible.builtin.command': 'echo Traceback (fake)'},
    ]
    stopped = run(tasks, check_traceback=False)
    assert [r['_status'] for r in stopped] == ['failed']  # as in any play, a failed task stops it
    res = run(tasks, check_traceback=False, ignore_errors=True)
    assert [r['_status'] for r in res] == ['failed', 'ok']
    assert res[0]['failed'] and 'Cannot find device' in res[0]['stderr']
    assert res.tracebacks() == ['task 1 (still runs)']
    checked = run(tasks[:1], check=True)
    assert checked[0]['_status'] == 'skipped'  # command does not run in check mode
    assert checked.tracebacks() == []


CRASHER = '''from ansible.module_utils.basic import AnsibleModule
m = AnsibleModule(argument_spec={'crash': {'type': 'bool'}})
if m.params['crash']:
    raise ValueError('boom')
m.fail_json(msg='handled failure')
'''


def test_unhandled_module_exception_is_reported(tmp_path, monkeypatch):
    (tmp_path / 'crasher.py').write_text(CRASHER)
    monkeypatch.setenv('ANSIBLE_LIBRARY', str(tmp_path))
    res = run([{'crasher': {'crash': True}}, {'crasher': {'crash': False}}], check_traceback=False, ignore_errors=True)
    assert [r['failed'] for r in res] == [True, True]
    assert res.tracebacks() == ['task 0 (crasher)']  # the handled fail_json is not flagged


# --- the snapshot normalisation (pure functions) ------------------------------------------------------------

def test_links_drop_timers_and_carrier_state():
    link = {'ifname': 'br0', 'operstate': 'DOWN', 'flags': ['BROADCAST', 'UP', 'LOWER_UP'],
            'linkinfo': {'info_kind': 'bridge', 'info_data': {'hello_timer': 1.5, 'stp_state': 0}}}
    [out] = harness.norm_links([link])
    assert out == {'ifname': 'br0', 'flags': ['BROADCAST', 'UP'],
                   'linkinfo': {'info_kind': 'bridge', 'info_data': {'stp_state': 0}}}


def test_addrs_drop_lifetimes_and_dad_flags():
    link = {'ifname': 'e', 'addr_info': [{'local': 'fd00::1', 'prefixlen': 64, 'tentative': True,
                                          'valid_life_time': 4294967295, 'preferred_life_time': 10}]}
    assert harness.norm_addrs([link]) == [{'ifname': 'e', 'addr_info': [{'local': 'fd00::1', 'prefixlen': 64}]}]


def test_routes_drop_ipv6_kernel_local_table_only():
    routes = [{'type': 'local', 'dst': 'fd00::1', 'table': 'local', 'protocol': 'kernel'},
              {'type': 'local', 'dst': '10.0.0.1', 'table': 'local', 'protocol': 'kernel'},
              {'dst': 'fd01::/64', 'gateway': 'fd00::2', 'expires': 30}]
    assert [r['dst'] for r in harness.norm_routes(routes)] == ['10.0.0.1', 'fd01::/64']
    assert 'expires' not in harness.norm_routes(routes)[1]


def test_fdb_keeps_static_entries_only():
    entries = [{'mac': '02:00:00:00:00:01', 'ifname': 'v', 'master': 'br0', 'state': 'static'},
               {'mac': '02:00:00:00:00:02', 'ifname': 'v', 'master': 'br0', 'state': ''},  # learned
               {'mac': '33:33:00:00:00:01', 'ifname': 'v', 'flags': ['self'], 'state': 'permanent'},  # mc list
               {'mac': '00:00:00:00:00:00', 'ifname': 'vx', 'dst': '10.0.0.2', 'flags': ['self'], 'state': 'permanent'}]
    assert [e['mac'] for e in harness.norm_fdb(entries)] == ['00:00:00:00:00:00', '02:00:00:00:00:01']


def test_neigh_keeps_permanent_and_unicast_noarp():
    entries = [{'dst': '10.0.0.3', 'state': ['PERMANENT']}, {'dst': '10.0.0.4', 'state': ['REACHABLE']},
               {'dst': 'ff02::2', 'state': ['NOARP']}, {'dst': '10.0.0.5', 'state': ['NOARP']}]
    assert [n['dst'] for n in harness.norm_neigh(entries)] == ['10.0.0.3', '10.0.0.5']
