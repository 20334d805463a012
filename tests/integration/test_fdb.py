"""linuxnet.fabric.fdb against the real kernel (inside the sandbox): vxlan device entries, bridge entries that
forward (proved with traffic), and the vxlan module's flood list still read correctly."""
import json
import subprocess

from harness import ping, run, sh
from lifecycle import assert_ok, lifecycle, task

MAC_A, MAC_B = '02:00:00:00:0a:01', '02:00:00:00:0b:01'


def fdb(netns, *args):
    out = subprocess.run(['bridge', '-n', netns, '-j', 'fdb', 'show'] + list(args), capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out) if out.strip() else []


def entries(netns, mac, *args):
    return [{k: e.get(k) for k in ('mac', 'ifname', 'dst', 'vni', 'flags', 'master', 'state')}
            for e in fdb(netns, *args) if e['mac'] == mac]


VXLAN_SETUP = [
    task('netns', name='f1'),
    task('vxlan', name='vx0', netns='f1', vni=42, local='198.18.0.1', learning=False),
]


def test_vxlan_device_entry_lifecycle():
    def created(result):
        assert entries('f1', MAC_B) == [dict(mac=MAC_B, ifname='vx0', dst='198.18.0.2', vni=None, flags=['self'],
                                             master=None, state='permanent')]
        assert result['fdb'] == dict(interface='vx0', netns='f1', mac=MAC_B, master=False, self=True, bridge=None,
                                     dst='198.18.0.2', vni=42, permanent=True, local=False)

    def modified(result):
        assert entries('f1', MAC_B) == [dict(mac=MAC_B, ifname='vx0', dst='198.18.0.3', vni=None, flags=['self'],
                                             master=None, state='permanent')]
        assert result['actions'] == ["update fdb entry %s dst 198.18.0.3 on vx0 in netns 'f1' "
                                     "(dst 198.18.0.2 -> 198.18.0.3)" % MAC_B]
    lifecycle('fdb', dict(netns='f1', interface='vx0', mac=MAC_B.upper(), dst='198.18.0.2', self=True),
              dict(netns='f1', interface='vx0', mac=MAC_B, dst='198.18.0.3'),
              dict(netns='f1', interface='vx0', mac=MAC_B, state='absent', self=True), 'fdb',
              setup=VXLAN_SETUP, verify_created=created, verify_modified=modified)
    assert entries('f1', MAC_B) == []


def test_vxlan_entry_vni_static_and_flood_entries_keep_vxlan_remotes_working():
    made = run(VXLAN_SETUP + [
        task('fdb', netns='f1', interface='vx0', mac=MAC_A, dst='198.18.0.2', vni=42),  # the device's vni
        task('fdb', netns='f1', interface='vx0', mac=MAC_B, dst='198.18.0.3', vni=77, permanent=False),
        task('fdb', netns='f1', interface='vx0', mac='00:00:00:00:00:00', dst='198.18.0.4'),
        task('fdb', netns='f1', interface='vx0', mac='00:00:00:00:00:00', dst='198.18.0.5'),
    ])[2:]
    for r in made:
        assert_ok(r, True)
    assert entries('f1', MAC_B)[0]['vni'] == 77 and entries('f1', MAC_B)[0]['state'] == 'static'
    assert sorted(e['dst'] for e in entries('f1', '00:00:00:00:00:00')) == ['198.18.0.4', '198.18.0.5']
    # the vxlan module reads the same flood list and converges it (one code path for the flood helpers)
    vx = run([task('vxlan', name='vx0', netns='f1', vni=42, local='198.18.0.1', learning=False,
                   remotes=['198.18.0.5', '198.18.0.6'])])[0]
    assert_ok(vx, True)
    assert vx['diff']['before']['remotes'] == ['198.18.0.4', '198.18.0.5']
    assert vx['actions'] == ["remove flood entry 00:00:00:00:00:00 dst 198.18.0.4 from vxlan vx0 in netns 'f1'",
                             "add flood entry 00:00:00:00:00:00 dst 198.18.0.6 to vxlan vx0 in netns 'f1'"]
    again = run([task('fdb', netns='f1', interface='vx0', mac=MAC_A, dst='198.18.0.2', vni=42),
                 task('fdb', netns='f1', interface='vx0', mac=MAC_B, dst='198.18.0.3', vni=77, permanent=False),
                 task('fdb', netns='f1', interface='vx0', mac='00:00:00:00:00:00', dst='198.18.0.6')])
    for r in again:
        assert_ok(r, False)
    moved = run([task('fdb', netns='f1', interface='vx0', mac=MAC_B, dst='198.18.0.3', vni=78)])[0]
    assert_ok(moved, True)
    assert entries('f1', MAC_B)[0]['vni'] == 78 and entries('f1', MAC_B)[0]['state'] == 'permanent'


def bridge_lab():
    """Bridge br0 in 'sw' with ports pa, pb to namespaces a (10.50.0.1) and b (10.50.0.2). The ports neither
    learn nor flood unknown unicast: a unicast frame gets through only by a static FDB entry."""
    sh('''
    for ns in sw a b; do ip netns add $ns; ip -n $ns link set lo up; done
    ip -n sw link add br0 type bridge
    ip -n sw link add pa type veth peer name eth0 netns a address %s
    ip -n sw link add pb type veth peer name eth0 netns b address %s
    ip -n sw link add pc type veth peer name eth1 netns b
    for p in pa pb pc; do ip -n sw link set $p master br0 up; bridge -n sw link set dev $p learning off flood off; done
    ip -n sw link set br0 up
    ip -n a addr add 10.50.0.1/24 dev eth0; ip -n a link set eth0 up
    ip -n b addr add 10.50.0.2/24 dev eth0; ip -n b link set eth0 up
    ''' % (MAC_A, MAC_B))


def test_bridge_entry_lifecycle_moves_between_ports():
    def created(result):
        assert entries('sw', MAC_B, 'br', 'br0') == [dict(mac=MAC_B, ifname='pb', dst=None, vni=None, flags=[],
                                                          master='br0', state='static')]
        assert result['fdb']['bridge'] == 'br0' and result['fdb']['local'] is False

    def modified(result):
        assert entries('sw', MAC_B, 'br', 'br0') == [dict(mac=MAC_B, ifname='pc', dst=None, vni=None, flags=[],
                                                          master='br0', state='static')]
        assert result['diff']['before']['interface'] == 'pb' and result['fdb']['interface'] == 'pc'
    bridge_lab()
    lifecycle('fdb', dict(netns='sw', interface='pb', mac=MAC_B, master=True),
              dict(netns='sw', interface='pc', mac=MAC_B),
              dict(netns='sw', interface='pc', mac=MAC_B, state='absent'), 'fdb',
              verify_created=created, verify_modified=modified)
    assert entries('sw', MAC_B, 'br', 'br0') == []


def test_bridge_entries_forward_traffic_and_a_local_entry_is_turned_into_a_forwarding_one():
    bridge_lab()
    assert not ping('a', '10.50.0.2'), 'without learning and flooding the lab must not pass unicast'
    # a 'permanent' bridge entry is local: frames for MAC_B go to the bridge itself, not to port pb
    sh('bridge -n sw fdb add %s dev pa master permanent' % MAC_A)
    sh('bridge -n sw fdb add %s dev pb master permanent' % MAC_B)
    assert not ping('a', '10.50.0.2')
    res = run([task('fdb', netns='sw', interface='pa', mac=MAC_A, master=True),
               task('fdb', netns='sw', interface='pb', mac=MAC_B, master=True)])
    for r in res:
        assert_ok(r, True)
        assert r['diff']['before']['local'] is True and r['fdb']['local'] is False
    for mac, port in ((MAC_A, 'pa'), (MAC_B, 'pb')):
        assert entries('sw', mac, 'br', 'br0') == [dict(mac=mac, ifname=port, dst=None, vni=None, flags=[],
                                                        master='br0', state='static')]
    assert ping('a', '10.50.0.2', count=2)
    # and the converse: no entry, no traffic (the entries did the forwarding)
    run([task('fdb', netns='sw', interface='pb', mac=MAC_B, state='absent')])
    assert not ping('a', '10.50.0.2')
