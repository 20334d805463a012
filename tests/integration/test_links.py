"""netns, bridge, veth and vxlan modules against the real kernel (inside the sandbox)."""
import json
import subprocess

from harness import ip_json, list_netns, ping, run
from lifecycle import assert_ok, lifecycle, task


def link(netns, name):
    found = ip_json(netns, '-d', 'link', 'show', 'dev', name)
    return found[0] if found else None


def addrs(netns, name):
    return sorted('%s/%s' % (a['local'], a['prefixlen']) for a in ip_json(netns, 'addr', 'show', 'dev', name)[0]['addr_info']
                  if a.get('scope') != 'link')


def test_netns_lifecycle():
    def created(result):
        assert list_netns() == ['app-1']
        lo = link('app-1', 'lo')
        assert 'UP' in lo['flags']

    def modified(result):
        assert 'UP' not in link('app-1', 'lo')['flags'] and result['netns']['loopback_up'] is False
    lifecycle('netns', dict(name='app-1'), dict(name='app-1', loopback_up=False), dict(name='app-1', state='absent'),
              'netns', verify_created=created, verify_modified=modified)
    assert list_netns() == []


def test_netns_absent_lists_what_lived_in_it():
    run([task('netns', name='app-2'), task('bridge', name='br-x', netns='app-2')])
    gone = run([task('netns', name='app-2', state='absent')])[0]
    assert "delete netns 'app-2' (with br-x (bridge))" in gone['actions']
    assert 'br-x (bridge)' in gone['diff']['before']['interfaces']


def test_bridge_lifecycle_in_a_namespace():
    def created(result):
        br = link('host-a', 'br-app')
        assert br['linkinfo']['info_kind'] == 'bridge' and br['mtu'] == 1400 and 'UP' in br['flags']
        assert br['linkinfo']['info_data']['stp_state'] == 0
        assert addrs('host-a', 'br-app') == ['172.17.0.1/16']
        assert result['bridge']['addresses'] == ['172.17.0.1/16'] and result['bridge']['mtu'] == 1400

    def modified(result):
        data = link('host-a', 'br-app')['linkinfo']['info_data']
        assert data['stp_state'] == 1 and data['forward_delay'] == 400 and data['ageing_time'] == 6000
        assert link('host-a', 'br-app')['address'] == '02:42:ac:11:00:01'
        assert addrs('host-a', 'br-app') == ['172.17.0.1/16', '172.18.0.1/16']
    lifecycle('bridge',
              dict(name='br-app', netns='host-a', mtu=1400, stp=False, addresses=['172.17.0.1/16']),
              dict(name='br-app', netns='host-a', stp=True, forward_delay=4, ageing_time=60,
                   mac_address='02:42:AC:11:00:01', addresses=['172.18.0.1/16']),
              dict(name='br-app', netns='host-a', state='absent'), 'bridge',
              setup=[task('netns', name='host-a')], verify_created=created, verify_modified=modified)
    assert link('host-a', 'br-app') is None


def test_bridge_purge_addresses_and_down():
    run([task('bridge', name='br0', addresses=['10.1.0.1/24', '10.2.0.1/24', 'fd00::1/64'])])
    res = run([task('bridge', name='br0', addresses=['10.2.0.1/24'], purge_addresses=True, up=False)])[0]
    assert_ok(res, True)
    assert addrs(None, 'br0') == ['10.2.0.1/24']
    assert 'UP' not in link(None, 'br0')['flags']
    assert res['bridge']['addresses'] == ['10.2.0.1/24']


def test_veth_lifecycle_peer_created_inside_namespace():
    def created(result):
        host_end = link(None, 'veth-app')
        assert host_end['linkinfo']['info_kind'] == 'veth' and host_end['master'] == 'br-app'
        assert host_end['mtu'] == 1450
        peer = link('app', 'eth0')
        assert peer['linkinfo']['info_kind'] == 'veth' and peer['mtu'] == 1450 and 'UP' in peer['flags']
        assert addrs('app', 'eth0') == ['172.17.0.2/16']
        assert result['veth']['peer'] == dict(name='eth0', netns='app', mtu=1450, up=True, addresses=['172.17.0.2/16'],
                                              mac_address=peer['address'])
        assert ping('app', '172.17.0.1') and ping(None, '172.17.0.2')

    def modified(result):
        assert link('app', 'eth0')['address'] == '02:42:ac:11:00:02'
        assert addrs('app', 'eth0') == ['172.17.0.2/16', '172.17.0.9/16']
        assert link(None, 'veth-app')['ifalias'] == 'app end'
    lifecycle('veth',
              dict(name='veth-app', master='br-app', mtu=1450,
                   peer=dict(name='eth0', netns='app', mtu=1450, addresses=['172.17.0.2/16'])),
              dict(name='veth-app', master='br-app', alias='app end',
                   peer=dict(name='eth0', netns='app', mac_address='02:42:ac:11:00:02',
                             addresses=['172.17.0.2/16', '172.17.0.9/16'])),
              dict(name='veth-app', state='absent'), 'veth',
              setup=[task('netns', name='app'), task('bridge', name='br-app', addresses=['172.17.0.1/16'])],
              verify_created=created, verify_modified=modified)
    assert link(None, 'veth-app') is None and link('app', 'eth0') is None


def test_veth_pair_found_wherever_its_peer_lives():
    run([task('netns', name='a'), task('netns', name='b'),
         task('veth', name='v-a', peer=dict(name='eth0', netns='a'))])
    # The peer is moved behind our back: the module reports where it is and refuses to guess.
    ip_json('a', 'link', 'set', 'eth0', 'netns', 'b')
    res = run([task('veth', name='v-a', peer=dict(name='eth0', netns='a'))])[0]
    assert res['failed'] and "paired with eth0 in netns 'b'" in res['msg'] and 'recreate: true' in res['msg']
    res = run([task('veth', name='v-a', recreate=True, peer=dict(name='eth0', netns='a'))])[0]
    assert_ok(res, True)
    assert res['veth']['peer']['netns'] == 'a' and link('a', 'eth0') and not link('b', 'eth0')


def test_veth_refuses_other_kind_and_taken_peer_name():
    run([task('netns', name='c'), task('bridge', name='v-c'), task('bridge', name='eth0', netns='c')])
    taken, = run([task('veth', name='v-x', peer=dict(name='eth0', netns='c'))])
    assert taken['failed'] and "peer.name='eth0'" in taken['msg'] and 'bridge' in taken['msg']
    other, = run([task('veth', name='v-c', peer=dict(name='eth1', netns='c'))])
    assert other['failed'] and 'already holds a bridge' in other['msg']
    assert link(None, 'v-c')['linkinfo']['info_kind'] == 'bridge'
    absent, = run([task('veth', name='v-c', state='absent')])
    assert absent['failed'] and 'is a bridge, not a veth' in absent['msg']
    assert link(None, 'v-c') is not None


def test_vxlan_lifecycle_and_flood_list():
    def flood():
        entries = json.loads(subprocess.run(['bridge', '-n', 'h1', '-j', 'fdb', 'show', 'dev', 'vx42'],
                                            capture_output=True, text=True, check=True).stdout)
        return sorted(e['dst'] for e in entries if e['mac'] == '00:00:00:00:00:00')

    def created(result):
        data = link('h1', 'vx42')['linkinfo']['info_data']
        assert data['id'] == 42 and data['port'] == 4789 and data['local'] == '198.18.0.1' and not data['learning']
        assert data['link'] == 'eth0' and link('h1', 'vx42')['mtu'] == 1450 and link('h1', 'vx42')['master'] == 'br0'
        assert flood() == ['198.18.0.2', '198.18.0.3']

    def modified(result):
        data = link('h1', 'vx42')['linkinfo']['info_data']
        assert data['id'] == 43 and data['learning'] and data['ttl'] == 16
        assert flood() == ['198.18.0.3', '198.18.0.4']
        assert result['actions'][0].startswith('replace vxlan vx42')
    setup = [task('netns', name='h1'), task('bridge', name='br0', netns='h1'),
             task('veth', name='eth0', netns='h1', peer=dict(name='eth0-peer', netns='h1'), addresses=['198.18.0.1/24'])]
    lifecycle('vxlan',
              dict(name='vx42', netns='h1', vni=42, local='198.18.0.1', dev='eth0', learning=False, master='br0',
                   remotes=['198.18.0.3', '198.18.0.2']),
              dict(name='vx42', netns='h1', vni=43, local='198.18.0.1', dev='eth0', learning=True, ttl=16, master='br0',
                   remotes=['198.18.0.3', '198.18.0.4']),
              dict(name='vx42', netns='h1', state='absent'), 'vxlan',
              setup=setup, verify_created=created, verify_modified=modified)


def test_vxlan_dstport_change_replaces_and_empty_remotes_clear():
    run([task('vxlan', name='vx1', vni=1, remotes=['198.18.0.2'])])
    assert link(None, 'vx1')['linkinfo']['info_data']['port'] == 4789
    res, = run([task('vxlan', name='vx1', vni=1, dstport=8472, remotes=[])])
    assert_ok(res, True)
    assert 'dstport 4789 -> 8472 cannot change in place' in res['actions'][0]
    assert link(None, 'vx1')['linkinfo']['info_data']['port'] == 8472 and res['vxlan']['remotes'] == []


def test_check_mode_on_fresh_host_predicts_the_whole_play():
    """A playbook in check mode on a host where nothing exists yet: every task predicts, nothing fails."""
    from harness import snapshot
    before = snapshot()
    res = run([task('netns', name='web'), task('bridge', name='br-web', netns='web', addresses=['10.0.0.1/24']),
               task('veth', name='v-web', netns='web', master='br-web', peer=dict(name='eth0', netns='web-c')),
               task('vxlan', name='vx9', netns='web', vni=9, dev='v-web', master='br-web')], check=True)
    for r in res:
        assert_ok(r, True)
    assert any('assuming an earlier task creates it' in a for a in res[2]['actions'])
    assert snapshot() == before and list_netns() == []
