"""Changes made behind the collection's back: the next run repairs them, says what it did, and the run after
that changes nothing. Each case breaks a converged network with iproute2, reruns the same task, and checks the
kernel (ip -j, bridge -j) and traffic."""
import pytest

import harness
from harness import ip_json, list_netns, ping, run, sh
from lifecycle import assert_ok, task

NETWORK = task('bridge_network', network='web', bridge='br-web', subnet='10.88.0.0/24',
               endpoints=[dict(name='s-1', address='10.88.0.11'), dict(name='s-2', address='10.88.0.12')])
OVERLAY = [task('bridge', name='br-ov'),
           task('vxlan', name='vx-ov', vni=77, local='192.0.2.1', learning=False, master='br-ov',
                remotes=['192.0.2.2', '192.0.2.3'])]


def host_veth(endpoint):
    return next(l['ifname'] for l in ip_json(None, 'link', 'show')
                if l.get('ifalias') == 'fabric:web:%s' % endpoint)


def assert_network_works():
    assert {'s-1', 's-2'} <= set(list_netns())
    for ns, ip in (('s-1', '10.88.0.11'), ('s-2', '10.88.0.12')):
        assert [a['local'] for a in ip_json(ns, '-4', 'addr', 'show', 'dev', 'eth0')[0]['addr_info']] == [ip]
        assert [r['gateway'] for r in ip_json(ns, 'route', 'show', 'default')] == ['10.88.0.1']
    assert sorted(p['ifalias'] for p in ip_json(None, 'link', 'show', 'master', 'br-web')) == [
        'fabric:web:s-1', 'fabric:web:s-2']
    assert ip_json(None, 'link', 'show', 'renamed0') is None
    assert ping('s-1', '10.88.0.12') and ping('s-2', '10.88.0.1')


def repaired(tasks, expect):
    """Reruns tasks: check mode predicts the repair exactly, the run makes it (its actions contain every 'expect'
    text), and the next run changes nothing."""
    predicted = run(tasks, check=True)
    first = run(tasks)
    assert [r['actions'] for r in predicted] == [r['actions'] for r in first]
    actions = [a for r in first for a in r['actions']]
    for r in first:
        assert not r['failed'], r
    assert any(r['changed'] for r in first)
    for text in expect:
        assert any(text in a for a in actions), (text, actions)
    for r in run(tasks):
        assert_ok(r, False)
    return actions


SURPRISES = {
    'netns deleted': (lambda: sh('ip netns del s-2'), ["create netns 's-2'", 'create veth']),
    'veth peer moved to another netns': (
        lambda: sh('ip netns add elsewhere', 'ip -n s-1 link set eth0 netns elsewhere'),
        ["replace veth", "(now paired with eth0 in netns 'elsewhere')"]),
    'bridge port detached': (lambda: sh('ip link set %s nomaster' % host_veth('s-1')), ['to bridge br-web']),
    'host veth renamed': (lambda: sh('ip link set %s down' % host_veth('s-2'),
                                     'ip link set %s name renamed0' % host_veth('s-2')),
                          ['delete veth renamed0 in the current netns', 'create veth']),
    'endpoint eth0 renamed': (lambda: sh('ip -n s-1 link set eth0 down', 'ip -n s-1 link set eth0 name eth9'),
                              ["(now paired with eth9 in netns 's-1')"]),
    'address removed': (lambda: sh('ip -n s-2 addr flush dev eth0'), ["add address 10.88.0.12/24 to eth0"]),
    'default route removed': (lambda: sh('ip -n s-1 route del default'), ['add route default via 10.88.0.1']),
    'endpoint link down': (lambda: sh('ip -n s-2 link set eth0 down'), ["bring up veth eth0 in netns 's-2'"]),
    'bridge deleted': (lambda: sh('ip link del br-web'), ['create bridge br-web', 'to bridge br-web']),
}


@pytest.mark.parametrize('surprise', sorted(SURPRISES))
def test_bridge_network_repairs(surprise):
    assert_ok(run([NETWORK])[0], True)
    breaks, expect = SURPRISES[surprise]
    breaks()
    repaired([NETWORK], expect)
    assert_network_works()


def test_overlay_fdb_entry_removed_is_restored():
    run(OVERLAY)
    sh('bridge fdb del 00:00:00:00:00:00 dev vx-ov dst 192.0.2.3')
    repaired(OVERLAY, ['192.0.2.3'])
    flood = sorted(e['dst'] for e in harness.bridge_json(None, 'fdb', 'show', 'dev', 'vx-ov') if e.get('dst'))
    assert flood == ['192.0.2.2', '192.0.2.3']


def test_overlay_vxlan_detached_and_down_is_restored():
    run(OVERLAY)
    sh('ip link set vx-ov nomaster', 'ip link set vx-ov down')
    repaired(OVERLAY, ['to bridge br-ov', 'bring up vxlan vx-ov'])
    vx = ip_json(None, '-d', 'link', 'show', 'vx-ov')[0]
    assert vx['master'] == 'br-ov' and 'UP' in vx['flags']
