"""The macvlan module against the real kernel (inside the sandbox): life cycle, replacement, traffic between
macvlans of one parent, a parent in the namespace the module runs in."""
from harness import ip_json, ping, run, snapshot
from lifecycle import assert_ok, lifecycle, task

HOST = [task('netns', name='host'), task('netns', name='c1'), task('netns', name='c2'),
        task('veth', name='uplink', netns='host', peer=dict(name='wire', netns='host'))]


def link(netns, name):
    found = ip_json(netns, '-d', 'link', 'show', 'dev', name)
    return found[0] if found else None


def parent_of(netns, name):
    """(namespace, name) of the macvlan's lower device as iproute2 shows it."""
    found = link(netns, name)
    nsids = dict((e['nsid'], e.get('name', '')) for e in ip_json(netns, 'netns', 'list-id') or [])
    if 'link_netnsid' not in found:
        return netns, found['link']
    there = nsids[found['link_netnsid']] or None
    return there, [x['ifname'] for x in ip_json(there, 'link', 'show') if x['ifindex'] == found['link_index']][0]


def test_macvlan_lifecycle_on_a_parent_in_another_namespace():
    def created(result):
        mv = link('c1', 'mv0')
        assert mv['linkinfo']['info_kind'] == 'macvlan' and mv['linkinfo']['info_data']['mode'] == 'bridge'
        assert parent_of('c1', 'mv0') == ('host', 'uplink') and mv['mtu'] == 1400 and 'UP' in mv['flags']
        assert link('host', 'mv0') is None  # made in c1 directly, never in the parent's namespace
        assert result['macvlan'] == dict(name='mv0', netns='c1', kind='macvlan', parent='uplink', parent_netns='host',
                                         mode='bridge', mtu=1400, mac_address=mv['address'], up=True, alias=None,
                                         master=None, addresses=['10.9.0.2/24'])

    def modified(result):
        mv = link('c1', 'mv0')
        assert mv['linkinfo']['info_data']['mode'] == 'vepa' and mv['address'] == '02:42:0a:09:00:02'
        assert mv['ifalias'] == 'c1 on uplink'
        assert not any(a.startswith('replace') for a in result['actions'])  # bridge -> vepa changes in place
    lifecycle('macvlan',
              dict(name='mv0', netns='c1', parent='uplink', parent_netns='host', mtu=1400, addresses=['10.9.0.2/24']),
              dict(name='mv0', netns='c1', parent='uplink', parent_netns='host', mode='vepa', alias='c1 on uplink',
                   mac_address='02:42:0A:09:00:02', addresses=['10.9.0.2/24', '10.9.0.3/24']),
              dict(name='mv0', netns='c1', state='absent'), 'macvlan',
              setup=HOST, verify_created=created, verify_modified=modified)
    assert link('c1', 'mv0') is None and link('host', 'uplink') is not None


def test_a_new_parent_or_passthru_replaces_the_device():
    run(HOST)
    mv = dict(name='mv0', netns='c1', parent='uplink', parent_netns='host', addresses=['10.9.0.2/24'])
    assert_ok(run([task('macvlan', **mv)])[0], True)
    passthru, = run([task('macvlan', **dict(mv, mode='passthru'))])
    assert_ok(passthru, True)
    assert passthru['actions'][0] == ("replace macvlan mv0 in netns 'c1' (mode bridge -> passthru cannot change in "
                                      "place)")
    assert link('c1', 'mv0')['linkinfo']['info_data']['mode'] == 'passthru'
    on_wire = task('macvlan', **{**mv, 'parent': 'wire'})
    moved, again = run([on_wire, on_wire])
    assert_ok(moved, True)
    assert_ok(again, False)
    assert "parent uplink -> wire" in moved['actions'][0] and 'mode passthru -> bridge' in moved['actions'][0]
    assert parent_of('c1', 'mv0') == ('host', 'wire') and moved['macvlan']['addresses'] == ['10.9.0.2/24']


def test_two_macvlans_of_one_parent_reach_each_other_in_bridge_mode_only():
    """The parent is in the namespace the module runs in (parent_netns omitted), the macvlans in c1 and c2."""
    run([task('netns', name='c1'), task('netns', name='c2'), task('veth', name='up0', peer=dict(name='up1'))])
    pair = [task('macvlan', name='eth0', netns=ns, parent='up0', addresses=['10.7.0.%d/24' % i])
            for i, ns in ((1, 'c1'), (2, 'c2'))]
    for r in run(pair):
        assert_ok(r, True)
        assert r['macvlan']['parent'] == 'up0' and r['macvlan']['parent_netns'] is None
    assert parent_of('c1', 'eth0') == (None, 'up0')
    assert ping('c1', '10.7.0.2') and ping('c2', '10.7.0.1')
    private = [task('macvlan', **dict(t['linuxnet.fabric.macvlan'], mode='private')) for t in pair]
    changed = run(private + private)
    assert [r['changed'] for r in changed] == [True, True, False, False] and not any(r['failed'] for r in changed)
    assert not ping('c1', '10.7.0.2')  # the test can fail: private mode keeps them apart


def test_check_mode_assumes_a_parent_an_earlier_task_makes():
    run([task('netns', name='c1')])
    before = snapshot()
    res, = run([task('macvlan', name='mv0', netns='c1', parent='later', parent_netns='host')], check=True)
    assert_ok(res, True)
    assert "parent_netns 'host' does not exist yet: assuming an earlier task creates it" in res['actions']
    assert snapshot() == before
    missing, = run([task('macvlan', name='mv0', netns='c1', parent='nope')])
    assert missing['failed'] and missing['msg'] == "parent='nope': no such interface in the current netns"
