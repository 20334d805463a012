"""Playbook runs against one host at once take turns (the host lock, plugins/module_utils/_lock.py): all finish,
the final state is right and nothing is duplicated. A run that cannot get the lock in time fails, names the
holder and changes nothing."""
import fcntl
import os
from concurrent.futures import ThreadPoolExecutor

from harness import ip_json, list_netns, ping, run, snapshot, snapshot_diff
from lifecycle import assert_ok, task

WEB = dict(network='web', bridge='br-web', subnet='10.88.0.0/24')
DB = dict(network='db', bridge='br-db', subnet='10.89.0.0/24')


def network(spec, *names):
    return task('bridge_network', endpoints=[dict(name=n) for n in names], **spec)


def at_once(*plays):
    """Each play (a task list) in its own ansible-playbook, all started together; their first results."""
    with ThreadPoolExecutor(len(plays)) as pool:
        return [r[0] for r in pool.map(run, plays)]


def assert_network(bridge, gateway, names):
    """Each endpoint has one veth on the bridge, one address in the subnet, one default route; all answer."""
    ports = ip_json(None, 'link', 'show', 'master', bridge)
    assert len(ports) == len(names), ports
    seen = set()
    for ns in names:
        addrs = [a['local'] for a in ip_json(ns, 'addr', 'show', 'dev', 'eth0')[0]['addr_info']
                 if a['family'] == 'inet']
        assert len(addrs) == 1 and addrs[0] not in seen, (ns, addrs)
        seen.add(addrs[0])
        routes = ip_json(ns, 'route', 'show', 'default')
        assert [r['gateway'] for r in routes] == [gateway], (ns, routes)
        assert ping(ns, gateway)
    return seen


def test_three_runs_of_one_network_at_once_take_turns():
    names = ['c-%02d' % i for i in range(40)]
    results = at_once(*[[network(WEB, *names)]] * 3)
    for r in results:
        assert_ok(r, r['changed'])
    # The first to get the lock builds it all; the others find it built.
    assert sorted(r['changed'] for r in results) == [False, False, True], [r['actions'] for r in results]
    assert list_netns() == names
    assert_network('br-web', '10.88.0.1', names)


def test_two_networks_at_once_both_build():
    web, db = at_once([network(WEB, 'w-1', 'w-2', 'w-3')], [network(DB, 'd-1', 'd-2', 'd-3')])
    assert_ok(web, True)
    assert_ok(db, True)
    assert list_netns() == ['d-1', 'd-2', 'd-3', 'w-1', 'w-2', 'w-3']
    assert_network('br-web', '10.88.0.1', ['w-1', 'w-2', 'w-3'])
    assert_network('br-db', '10.89.0.1', ['d-1', 'd-2', 'd-3'])
    again = at_once([network(WEB, 'w-1', 'w-2', 'w-3')], [network(DB, 'd-1', 'd-2', 'd-3')])
    assert [r['changed'] for r in again] == [False, False]


def test_a_busy_host_fails_after_lock_timeout_naming_the_holder():
    st = os.stat('/proc/self/ns/net')  # the modules run in this namespace too: same lock file
    lock_dir = '/run/linuxnet.fabric'
    os.makedirs(lock_dir, exist_ok=True)
    fd = os.open('%s/netns-%d-%d.lock' % (lock_dir, st.st_dev, st.st_ino), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.write(fd, b'pid 4242, the test holder, since 12:00:00')
        before = snapshot()
        waited, at_once_failed = run([task('bridge', name='br-x', lock_timeout=1),
                                      task('netns', name='x-1', lock_timeout=0)], ignore_errors=True)
        for res, timeout in ((waited, 1), (at_once_failed, 0)):
            assert res['failed'] and not res['changed']
            assert res['msg'].startswith('lock_timeout=%d: another linuxnet.fabric run is changing this host '
                                         '(pid 4242, the test holder, since 12:00:00)' % timeout), res['msg']
        assert snapshot() == before, snapshot_diff(before, snapshot())
    finally:
        os.close(fd)
    # Released (as when the holder exits or is killed): the same task goes through, and says who it was.
    assert_ok(run([task('bridge', name='br-x', lock_timeout=1)])[0], True)
    bad = run([task('bridge', name='br-y', lock_timeout=-1)])[0]
    assert bad['failed'] and bad['msg'] == 'lock_timeout=-1: must be 0 (do not wait) or more seconds'
    assert ip_json(None, 'link', 'show', 'br-y') is None
