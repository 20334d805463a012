"""A module killed (SIGKILL) after any step of a multi-step change leaves a state the next run converges without
error and without duplicates, to exactly what an uninterrupted run makes.

Every step is tried: a clean run counts each task's operations, then for each task i and each k the playbook is
replayed up to task i, which kills itself right after applying its k-th operation
(LINUXNET_FABRIC_KILL_AFTER_OPS, plugins/module_utils/_reconcile.py); then, in the same ansible-playbook run,
the whole playbook runs twice: the first pass must succeed, the second must change nothing, and the kernel must
look like the clean run's.
"""
import pytest

import harness
from harness import ip_json, ping, run, shape
from lifecycle import assert_ok, task

SCENARIOS = {
    # Per endpoint: netns (+ mark), veth with its peer inside, alias, port of the bridge, up, address, route.
    'bridge_network': [
        task('bridge_network', network='web', bridge='br-web', subnet='10.88.0.0/24',
             endpoints=[dict(name='f-1'), dict(name='f-2', address='10.88.0.20')]),
    ],
    # L2: the vxlan exists before it is a port of the bridge, is up, and has its flood list (one entry a peer).
    'overlay_l2': [
        task('bridge', name='br-ov', addresses=['10.77.0.1/24']),
        task('vxlan', name='vx-ov', vni=77, local='192.0.2.1', dstport=4789, learning=False, master='br-ov',
             remotes=['192.0.2.2', '192.0.2.3', '192.0.2.4']),
    ],
    # L3 (flannel-style): the vxlan exists before its address; then per peer an FDB entry, a neighbour, a route.
    'overlay_l3': [
        task('vxlan', name='vx-l3', vni=78, local='192.0.2.1', dstport=4789, learning=False,
             mac_address='02:00:00:00:01:01', addresses=['10.76.1.0/32']),
        task('vxlan_peers', interface='vx-l3', peers=[
            dict(underlay='192.0.2.%d' % i, mac='02:00:00:00:01:%02x' % i, address='10.76.%d.0' % i,
                 subnet='10.76.%d.0/24' % i) for i in (2, 3)]),
    ],
    # A standalone veth whose peer lives in a namespace and has two addresses.
    'veth': [
        task('netns', name='f-v'),
        task('veth', name='v-host', addresses=['10.66.0.1/24'],
             peer=dict(name='eth0', netns='f-v', addresses=['10.66.0.2/24', 'fd66::2/64'])),
    ],
}


def steps(tasks):
    """Operations each task applies on an empty sandbox, and the state of the uninterrupted run."""
    results = run(tasks)
    for r in results:
        assert_ok(r, True)
    counts = [len(r['actions']) for r in results]
    reference = shape()
    harness.cleanup()
    return counts, reference


@pytest.mark.parametrize('scenario', sorted(SCENARIOS))
def test_killed_at_every_step_then_converges(scenario):
    tasks = SCENARIOS[scenario]
    counts, reference = steps(tasks)
    injected = 0
    for i, count in enumerate(counts):
        for k in range(1, count + 1):
            killed = dict(tasks[i], environment={'LINUXNET_FABRIC_KILL_AFTER_OPS': str(k)})
            # One playbook: replay up to the killed task, then the whole play twice (every task ignores errors).
            results = run(tasks[:i] + [killed] + tasks + tasks, check_traceback=False, ignore_errors=True)
            died, first, second = results[i], results[i + 1:i + 1 + len(tasks)], results[i + 1 + len(tasks):]
            assert died['failed'] and died.get('rc') in (-9, 137), died
            where = 'killed in task %d (%s) after op %d' % (i, tasks[i]['name'], k)
            for r in first:
                assert not r['failed'], (where, r)
            for r in second:
                assert_ok(r, False)
            assert shape() == reference, where
            injected += 1
            harness.cleanup()
    assert injected == sum(counts) >= 3
    print('%s: %d kills injected, every one converged' % (scenario, injected))


def test_killed_network_still_carries_traffic():
    """Spot check with traffic: killed right after the second endpoint's veth exists (before its address)."""
    tasks = SCENARIOS['bridge_network']
    actions = run(tasks, check=True)[0]['actions']
    k = 1 + next(i for i, a in enumerate(actions) if a.startswith('create veth') and "'f-2'" in a)
    run([dict(tasks[0], environment={'LINUXNET_FABRIC_KILL_AFTER_OPS': str(k)})], check_traceback=False)
    assert ip_json('f-2', 'link', 'show', 'eth0') and not ip_json('f-2', '-4', 'addr', 'show', 'dev', 'eth0')
    assert_ok(run(tasks)[0], True)
    assert ping('f-1', '10.88.0.20') and ping('f-2', '10.88.0.1')
