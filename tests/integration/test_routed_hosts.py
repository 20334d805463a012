"""Issue 3's routed two-"host" case, flannel's vxlan backend scheme, built only with the collection's modules.

    ctr-a (10.244.1.2) -- cni0 10.244.1.1 [host-a] flannel.1 10.244.1.0/32 --.
                                          ul0 198.18.0.1 ==== underlay veth ==== ul0 198.18.0.2
    ctr-b (10.244.2.2) -- cni0 10.244.2.1 [host-b] flannel.1 10.244.2.0/32 --'

The vxlan devices do not learn: each host has, per peer, a route to the peer's subnet via the peer's
flannel.1 address (onlink), a permanent neighbour entry for that address (the peer VTEP's MAC) and a
device FDB entry sending that MAC to the peer's underlay address. Forwarding is on in the hosts.
"""
from harness import ip_json, ping, run, snapshot, snapshot_diff
from lifecycle import task

MTU = 1450  # underlay 1500 - 50 of VXLAN
HOSTS = {
    'a': dict(underlay='198.18.0.1', subnet='10.244.1', vtep_mac='02:42:c6:12:01:00'),
    'b': dict(underlay='198.18.0.2', subnet='10.244.2', vtep_mac='02:42:c6:12:02:00'),
}


def host_tasks(me, peer):
    h, p = HOSTS[me], HOSTS[peer]
    ns, ctr = 'host-' + me, 'ctr-' + me
    return [
        task('bridge', name='cni0', netns=ns, mtu=MTU),
        task('address', netns=ns, interface='cni0', addresses=['%s.1/24' % h['subnet']]),
        task('netns', name=ctr, loopback_up=True),
        task('veth', name='veth-' + me, netns=ns, master='cni0', mtu=MTU,
             peer=dict(name='eth0', netns=ctr, mtu=MTU, addresses=['%s.2/24' % h['subnet']])),
        task('route', netns=ctr, dst='default', gateway='%s.1' % h['subnet']),
        task('vxlan', name='flannel.1', netns=ns, vni=1, dstport=8472, local=h['underlay'], dev='ul0',
             learning=False, mac_address=h['vtep_mac'], mtu=MTU),
        task('address', netns=ns, interface='flannel.1', addresses=['%s.0/32' % h['subnet']]),
        task('sysctl', netns=ns, name='net.ipv4.ip_forward', value=1),
        # the peer, flannel-style
        task('route', netns=ns, dst='%s.0/24' % p['subnet'], gateway='%s.0' % p['subnet'], dev='flannel.1',
             onlink=True),
        task('neighbor', netns=ns, interface='flannel.1', ip='%s.0' % p['subnet'], mac=p['vtep_mac']),
        task('fdb', netns=ns, interface='flannel.1', mac=p['vtep_mac'], dst=p['underlay'], self=True),
    ]


TASKS = [
    task('netns', name='host-a', loopback_up=True),
    task('netns', name='host-b', loopback_up=True),
    task('veth', name='ul0', netns='host-a', peer=dict(name='ul0', netns='host-b')),
    task('address', netns='host-a', interface='ul0', addresses=['198.18.0.1/24']),
    task('address', netns='host-b', interface='ul0', addresses=['198.18.0.2/24']),
] + host_tasks('a', 'b') + host_tasks('b', 'a')


def test_containers_on_two_hosts_reach_each_other_over_static_vxlan_entries():
    empty = snapshot()
    predicted = run(TASKS, check=True)
    assert snapshot() == empty, 'check mode changed the kernel:\n' + snapshot_diff(empty, snapshot())
    assert [r['_task'] for r in predicted if r['failed'] or not r['changed']] == [], predicted

    made = run(TASKS)
    assert [(r['_task'], r.get('msg')) for r in made if r['failed']] == []
    assert all(r['changed'] for r in made)
    for guess, real in zip(predicted, made):  # check mode predicted the same plan
        assert [a for a in guess['actions'] if 'assuming' not in a] == real['actions'], (guess, real)

    assert ping('ctr-a', '10.244.2.2', count=2)
    assert ping('ctr-b', '10.244.1.2', count=2)
    assert ping('ctr-a', '10.244.2.1')  # the peer host's bridge, routed
    # the MTU is right end to end: the largest unfragmentable packet passes
    assert run([{'name': 'df ping', 'ansible.builtin.command':
                 'ip netns exec ctr-a ping -c1 -W1 -M do -s %d 10.244.2.2' % (MTU - 28)}])[0]['rc'] == 0

    vx = ip_json('host-a', '-d', 'link', 'show', 'flannel.1')[0]['linkinfo']['info_data']
    assert vx['learning'] is False and vx['id'] == 1 and vx['port'] == 8472
    assert [(r['dst'], r['gateway'], r['dev'], r['flags']) for r in ip_json('host-a', 'route', 'show', '10.244.2.0/24')] \
        == [('10.244.2.0/24', '10.244.2.0', 'flannel.1', ['onlink'])]
    assert [n['state'] for n in ip_json('host-a', 'neigh', 'show', '10.244.2.0')] == [['PERMANENT']]
    assert [(r['dst'], r['gateway']) for r in ip_json('ctr-a', 'route', 'show', 'default')] == [('default', '10.244.1.1')]

    converged = snapshot()
    again = run(TASKS)
    assert [r['_task'] for r in again if r['changed'] or r['failed']] == []
    assert all(r['diff']['before'] == r['diff']['after'] for r in again)
    checked = run(TASKS, check=True)
    assert [r['_task'] for r in checked if r['changed'] or r['failed']] == []
    assert snapshot() == converged, snapshot_diff(converged, snapshot())


def test_without_the_fdb_entry_the_overlay_is_silent():
    """The static entries do the work: remove the FDB entry of the peer and traffic stops (no learning)."""
    run(TASKS)
    assert ping('ctr-a', '10.244.2.2')
    gone = run([task('fdb', netns='host-a', interface='flannel.1', mac=HOSTS['b']['vtep_mac'], self=True,
                     state='absent')])[0]
    assert gone['changed'] and not gone['failed']
    assert not ping('ctr-a', '10.244.2.2')
    run([host_tasks('a', 'b')[-1]])  # host-a's fdb task puts it back
    assert ping('ctr-a', '10.244.2.2')
