"""The bridge_network batch module: one task for the bridge and every endpoint; IPAM, purge, absent, ownership."""
from harness import ip_json, list_netns, ping, run, snapshot, snapshot_diff
from lifecycle import assert_ok, task

NET = dict(network='web', bridge='br-web', subnet='10.88.0.0/24')


def net(**extra):
    return task('bridge_network', **dict(NET, **extra))


def eps(*names, **addresses):
    return [dict(name=n, **({'address': addresses[n.replace('-', '_')]} if n.replace('-', '_') in addresses else {}))
            for n in names]


def address_of(netns):
    info = ip_json(netns, 'addr', 'show', 'dev', 'eth0')[0]['addr_info']
    return [a['local'] for a in info if a['family'] == 'inet']


def test_network_converges_in_one_task_and_is_stable():
    before = snapshot()
    predicted = run([net(endpoints=eps('a-1', 'a-2', 'a-3', a_2='10.88.0.10'))], check=True)[0]
    assert_ok(predicted, True)
    assert snapshot() == before, snapshot_diff(before, snapshot())

    made, again = run([net(endpoints=eps('a-1', 'a-2', 'a-3', a_2='10.88.0.10')),
                       net(endpoints=eps('a-1', 'a-2', 'a-3', a_2='10.88.0.10'))])
    assert_ok(made, True)
    assert_ok(again, False)
    assert made['actions'] == predicted['actions']
    assert {k: v['address'] for k, v in made['network']['endpoints'].items()} == {
        'a-1': '10.88.0.2/24', 'a-2': '10.88.0.10/24', 'a-3': '10.88.0.3/24'}
    assert predicted['network']['endpoints'].keys() == made['network']['endpoints'].keys()
    # Kernel state, read back with iproute2.
    bridge = ip_json(None, '-d', 'link', 'show', 'br-web')[0]
    assert bridge['ifalias'] == 'fabric:web' and 'UP' in bridge['flags']
    assert address_of('a-1') == ['10.88.0.2'] and address_of('a-3') == ['10.88.0.3']
    for ns in ('a-1', 'a-2', 'a-3'):
        routes = ip_json(ns, 'route', 'show', 'default')
        assert routes and routes[0]['gateway'] == '10.88.0.1' and routes[0]['dev'] == 'eth0'
        lo = ip_json(ns, 'link', 'show', 'lo')[0]
        assert 'UP' in lo['flags'] and lo['ifalias'] == 'fabric:web'
    ports = ip_json(None, 'link', 'show', 'master', 'br-web')
    assert sorted(p['ifalias'] for p in ports) == ['fabric:web:a-1', 'fabric:web:a-2', 'fabric:web:a-3']
    # Traffic: endpoint to endpoint over the bridge, endpoint to gateway, host to endpoint.
    assert ping('a-1', '10.88.0.10') and ping('a-3', '10.88.0.1') and ping(None, '10.88.0.3')


def test_addresses_never_move_when_endpoints_come_and_go():
    run([net(endpoints=eps('b-1', 'b-2', 'b-3', 'b-4'))])
    first = {ns: address_of(ns) for ns in ('b-1', 'b-2', 'b-3', 'b-4')}
    # b-2 leaves (not purged: it stays), b-5 and b-6 arrive; the list order changes too.
    res = run([net(endpoints=eps('b-6', 'b-4', 'b-3', 'b-1', 'b-5'))])[0]
    assert_ok(res, True)
    for ns in ('b-1', 'b-3', 'b-4'):
        assert address_of(ns) == first[ns]
    assert address_of('b-2') == first['b-2']  # not purged
    new = address_of('b-5') + address_of('b-6')
    assert len(set(new)) == 2 and not set(new) & {a for v in first.values() for a in v} and '10.88.0.1' not in new


def test_purge_removes_only_this_networks_endpoints():
    run([net(endpoints=eps('c-1', 'c-2')), task('netns', name='c-mine'),
         task('bridge_network', network='other', bridge='br-other', subnet='10.89.0.0/24', endpoints=eps('c-9'))])
    # Foreign objects next to ours: a namespace created by someone else, and a veth with a look-alike alias.
    run([task('veth', name='veth-foreign', alias='fabric:webby:c-2', peer=dict(name='eth0', netns='c-mine'))])
    res = run([net(endpoints=eps('c-1'), purge=True)])[0]
    assert_ok(res, True)
    assert "delete netns 'c-2' (with eth0 (veth))" in res['actions']
    assert list_netns() == ['c-1', 'c-9', 'c-mine']
    assert ip_json(None, 'link', 'show', 'veth-foreign') and ip_json(None, 'link', 'show', 'br-other')
    assert list(res['network']['endpoints']) == ['c-1']


def test_purge_keeps_a_namespace_it_did_not_create():
    run([task('netns', name='d-1'), net(endpoints=eps('d-1', 'd-2'))])
    res = run([net(endpoints=[], purge=True)])[0]
    assert_ok(res, True)
    assert list_netns() == ['d-1']  # ours was only the veth in it
    assert ip_json('d-1', 'link', 'show', 'eth0') is None


def test_absent_removes_what_the_network_made_and_nothing_else():
    run([task('netns', name='e-1'), net(endpoints=eps('e-1', 'e-2')), task('bridge', name='br-keep')])
    check = run([net(state='absent')], check=True)[0]
    assert_ok(check, True)
    gone, again = run([net(state='absent'), net(state='absent')])
    assert_ok(gone, True)
    assert_ok(again, False)
    assert check['actions'] == gone['actions']
    assert list_netns() == ['e-1']
    assert [link['ifname'] for link in ip_json(None, 'link', 'show')] == ['lo', 'br-keep']


def test_absent_leaves_a_same_named_bridge_it_does_not_own():
    run([task('bridge', name='br-web')])
    res = run([net(state='absent')])[0]
    assert_ok(res, False)
    assert ip_json(None, 'link', 'show', 'br-web')
