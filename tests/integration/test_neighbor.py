"""linuxnet.fabric.neighbor against the real kernel (inside the sandbox)."""
from harness import ip_json, ping, run
from lifecycle import assert_ok, lifecycle, task

SETUP = [
    task('netns', name='n1', loopback_up=True),
    task('bridge', name='br0', netns='n1', addresses=['10.0.0.1/24', 'fd00::1/64']),
]


def neigh(netns, ip):
    return [{k: n.get(k) for k in ('dst', 'dev', 'lladdr', 'state')}
            for n in ip_json(netns, 'neigh', 'show', 'nud', 'all') if n['dst'] == ip]


def test_neighbor_lifecycle_ipv4():
    def created(result):
        assert neigh('n1', '10.0.0.7') == [dict(dst='10.0.0.7', dev='br0', lladdr='02:00:00:00:00:07',
                                                state=['PERMANENT'])]
        assert result['neighbor'] == dict(interface='br0', netns='n1', ip='10.0.0.7', mac='02:00:00:00:00:07',
                                          state='permanent', permanent=True)

    def modified(result):
        assert neigh('n1', '10.0.0.7')[0]['lladdr'] == '02:00:00:00:00:08'
        assert result['actions'] == ["update neighbour 10.0.0.7 on br0 in netns 'n1' "
                                     "(mac 02:00:00:00:00:07 -> 02:00:00:00:00:08)"]
    lifecycle('neighbor', dict(netns='n1', interface='br0', ip='10.0.0.7', mac='02-00-00-00-00-07'),
              dict(netns='n1', interface='br0', ip='10.0.0.7', mac='02:00:00:00:00:08'),
              dict(netns='n1', interface='br0', ip='10.0.0.7', state='absent'), 'neighbor',
              setup=SETUP, verify_created=created, verify_modified=modified)
    assert neigh('n1', '10.0.0.7') == []


def test_neighbor_lifecycle_ipv6():
    lifecycle('neighbor', dict(netns='n1', interface='br0', ip='fd00:0::7', mac='02:00:00:00:00:07'),
              dict(netns='n1', interface='br0', ip='fd00::7', mac='02:00:00:00:00:09'),
              dict(netns='n1', interface='br0', ip='fd00::7', mac='02:00:00:00:00:09', state='absent'), 'neighbor',
              setup=SETUP)
    assert neigh('n1', 'fd00::7') == []


def test_learnt_entry_is_made_permanent_and_multicast_noarp_entries_are_ignored():
    run(SETUP + [task('netns', name='p1'), task('veth', name='v-peer', netns='n1', master='br0', peer=dict(
        name='eth0', netns='p1', addresses=['10.0.0.2/24'], mac_address='02:00:00:00:00:02'))],
        )
    assert ping('n1', '10.0.0.2')
    learnt = neigh('n1', '10.0.0.2')
    assert learnt and 'PERMANENT' not in learnt[0]['state']
    res = run([task('neighbor', netns='n1', interface='br0', ip='10.0.0.2', mac='02:00:00:00:00:02')])[0]
    assert_ok(res, True)
    assert res['diff']['before']['state'] in ('reachable', 'stale', 'delay', 'probe')
    assert res['actions'][0].startswith("update neighbour 10.0.0.2 on br0 in netns 'n1' (state ")
    assert neigh('n1', '10.0.0.2')[0]['state'] == ['PERMANENT']
    # absent with another mac leaves the entry (only what is set is compared)
    kept = run([task('neighbor', netns='n1', interface='br0', ip='10.0.0.2', mac='02:00:00:00:00:99',
                     state='absent')])[0]
    assert_ok(kept, False)
    assert kept['neighbor']['mac'] == '02:00:00:00:00:02'
    assert neigh('n1', '10.0.0.2')
    # the kernel's NOARP multicast entries exist but are not neighbour entries to the module
    assert any('NOARP' in n['state'] for n in ip_json('n1', 'neigh', 'show', 'nud', 'all'))
    res = run([task('neighbor', netns='n1', interface='br0', ip='10.0.0.99', state='absent')])[0]
    assert_ok(res, False)
