"""Purge and state=absent remove only what carries the network's mark (_resources/bridge_network.py): foreign namespaces,
bridges, ports, routes and addresses placed next to ours, some with the very names ours have, all stay.
(Foreign nft tables and rules: test_firewall.py::test_foreign_tables_and_rules_are_never_touched.)"""
from harness import ip_json, list_netns, run, sh
from lifecycle import assert_ok, task

WEB = dict(network='web', bridge='br-web', subnet='10.88.0.0/24')


def web(*names, **extra):
    return task('bridge_network', endpoints=[dict(name=n) for n in names], **dict(WEB, **extra))


def link(netns, name):
    found = ip_json(netns, '-d', 'link', 'show', name)
    return found[0] if found else None


def foreign_state():
    """Everything the user made, as iproute2 shows it."""
    return dict(
        netns=[ns for ns in list_netns() if ns in ('o-4', 'user-ns')],
        user_bridge=(link(None, 'br-user') or {}).get('ifalias'),
        user_veth=link(None, 'vethuser') is not None,
        route=ip_json('o-1', 'route', 'show', '10.99.0.0/24') if 'o-1' in list_netns() else None,
        address=[a['local'] for l in ip_json('o-1', 'addr', 'show', 'dev', 'eth0') or [] for a in l['addr_info']
                 if a['local'] == '10.88.0.200'] if 'o-1' in list_netns() else None,
    )


def test_purge_and_absent_touch_only_what_is_marked():
    sh('ip netns add o-4', 'ip netns add user-ns')  # o-4 becomes an endpoint; user-ns is unrelated
    assert_ok(run([web('o-1', 'o-2', 'o-3', 'o-4'),
                   task('bridge_network', network='other', bridge='br-other', subnet='10.89.0.0/24',
                        endpoints=[dict(name='x-1')])])[0], True)
    sh('ip link add br-user type bridge', 'ip link set br-user alias user-owned',
       'ip link add vethuser type veth peer name eth0 netns user-ns', 'ip link set vethuser master br-web',
       'ip -n o-1 addr add 10.88.0.200/24 dev eth0', 'ip -n o-1 route add 10.99.0.0/24 via 10.88.0.1')
    # A foreign link that claims a mark of another network whose name starts like ours.
    sh('ip link add webby0 type bridge', 'ip link set webby0 alias fabric:webby:o-2')
    before = foreign_state()
    assert before['route'] and before['address'] == ['10.88.0.200'] and before['user_veth']

    # A rerun changes nothing, foreign extras included (unlisted addresses and routes are not managed).
    assert_ok(run([web('o-1', 'o-2', 'o-3', 'o-4')])[0], False)

    # Purge: o-2 and o-3 go with their namespaces (made by this network); o-4 was the user's: only our veth in it
    # goes. The foreign port of br-web, the look-alike and the other network stay.
    ours_in_o4 = next(l['ifname'] for l in ip_json(None, 'link', 'show') if l.get('ifalias') == 'fabric:web:o-4')
    purged = run([web('o-1', purge=True)])[0]
    assert_ok(purged, True)
    assert sorted(purged['actions']) == ["delete netns 'o-2' (with eth0 (veth))",
                                         "delete netns 'o-3' (with eth0 (veth))",
                                         'delete veth %s in the current netns' % ours_in_o4,
                                         'record the leases of network web in /var/lib/linuxnet-fabric/web.json']
    assert list_netns() == ['o-1', 'o-4', 'user-ns', 'x-1']
    assert ip_json('o-4', 'link', 'show', 'eth0') is None
    assert foreign_state() == before
    assert link(None, 'vethuser')['master'] == 'br-web'
    assert link(None, 'webby0')['ifalias'] == 'fabric:webby:o-2'

    # Absent: the marked bridge and namespace go; the user's port survives, unplugged; nothing else moves.
    gone = run([task('bridge_network', network='web', bridge='br-web', state='absent')])[0]
    assert_ok(gone, True)
    assert list_netns() == ['o-4', 'user-ns', 'x-1']
    assert link(None, 'br-web') is None and 'master' not in link(None, 'vethuser')
    assert link(None, 'br-user')['ifalias'] == 'user-owned' and link(None, 'webby0') and link(None, 'br-other')
    assert [p['ifalias'] for p in ip_json(None, 'link', 'show', 'master', 'br-other')] == ['fabric:other:x-1']


def test_absent_leaves_an_unmarked_bridge_of_the_same_name():
    sh('ip link add br-web type bridge', 'ip netns add o-1')
    before = link(None, 'br-web')
    res = run([task('bridge_network', network='web', bridge='br-web', state='absent'),
               web('o-1', purge=True, state='absent')])
    for r in res:
        assert_ok(r, False)
    assert link(None, 'br-web') == before and list_netns() == ['o-1']
