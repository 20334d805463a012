"""vxlan_peers against the real kernel (inside the sandbox): the life cycle, with a stale peer removed on day 2."""
from harness import bridge_json, ip_json
from lifecycle import lifecycle, task


def peer(n, underlay=None):
    return dict(underlay=underlay or '198.18.0.%d' % n, mac='02:00:00:00:00:%02x' % n, address='10.244.%d.0' % n,
                subnet='10.244.%d.0/24' % n)


def on_device():
    """(fdb, neighbours, routes) that the device flannel.1 holds, as iproute2 shows them."""
    fdb = sorted((e['mac'], e['dst']) for e in bridge_json('h1', 'fdb', 'show', 'dev', 'flannel.1') if e.get('dst'))
    neigh = sorted((n['dst'], n['lladdr']) for n in ip_json('h1', 'neigh', 'show', 'dev', 'flannel.1'))
    routes = sorted((r['dst'], r['gateway'], 'onlink' in r['flags'])
                    for r in ip_json('h1', 'route', 'show', 'dev', 'flannel.1') if r.get('gateway'))
    return fdb, neigh, routes


def expected(*peers):
    return (sorted((p['mac'], p['underlay']) for p in peers), sorted((p['address'], p['mac']) for p in peers),
            sorted((p['subnet'], p['address'], True) for p in peers))


def test_vxlan_peers_lifecycle_removes_stale_peers():
    setup = [task('netns', name='h1'),
             task('vxlan', name='flannel.1', netns='h1', vni=1, local='198.18.0.1', learning=False,
                  addresses=['10.244.1.0/32'])]
    day1 = [peer(2), peer(3)]
    day2 = [peer(3, underlay='198.18.0.33'), peer(4)]  # 2 leaves, 3 moves to another underlay address, 4 arrives

    def created(result):
        assert on_device() == expected(*day1) and len(result['peers']['entries']) == 6

    def modified(result):
        assert on_device() == expected(*day2)
        assert sum(a.startswith('remove') or a.startswith('delete') for a in result['actions']) >= 3, result['actions']
    lifecycle('vxlan_peers', dict(interface='flannel.1', netns='h1', peers=day1),
              dict(interface='flannel.1', netns='h1', peers=day2),
              dict(interface='flannel.1', netns='h1', peers=[]), 'peers',
              setup=setup, verify_created=created, verify_modified=modified, empty=dict(entries=[]))
    assert on_device() == ([], [], [])
