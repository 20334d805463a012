"""linuxnet.fabric.sysctl against the real kernel (inside the sandbox)."""
import subprocess

from harness import run, snapshot, snapshot_diff
from lifecycle import assert_ok, checked, predicted_matches, task


def value(netns, key):
    path = '/proc/sys/' + key
    cmd = (['ip', 'netns', 'exec', netns] if netns else []) + ['cat', path]
    return ' '.join(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split())


def sysctl(name, val, netns='s1'):
    return task('sysctl', netns=netns, name=name, value=val)


def test_sysctl_lifecycle_only_in_its_namespace():
    run([task('netns', name='s1'), task('netns', name='s2')])
    root = value(None, 'net/ipv4/ip_forward')
    before = snapshot()
    fresh = run([checked(sysctl('net.ipv4.ip_forward', 1))])[0]
    assert snapshot() == before, snapshot_diff(before, snapshot())
    assert_ok(fresh, True)
    assert value('s1', 'net/ipv4/ip_forward') == '0'
    made, again, converged = run([sysctl('net.ipv4.ip_forward', 1), sysctl('net.ipv4.ip_forward', '1'),
                                  checked(sysctl('net.ipv4.ip_forward', True))])
    assert_ok(made, True)
    assert_ok(again, False)
    assert_ok(converged, False)
    assert made['diff'] == dict(before=dict(name='net.ipv4.ip_forward', netns='s1', value='0'),
                                after=dict(name='net.ipv4.ip_forward', netns='s1', value='1'))
    assert made['actions'] == fresh['actions'] == ["set net.ipv4.ip_forward to 1 in netns 's1'"]
    predicted_matches(fresh['sysctl'], made['sysctl'])
    assert value('s1', 'net/ipv4/ip_forward') == '1'
    assert value('s2', 'net/ipv4/ip_forward') == '0' and value(None, 'net/ipv4/ip_forward') == root
    changed, stable = run([sysctl('net/ipv4/ip_forward', 0), sysctl('net.ipv4.ip_forward', '00')])
    assert_ok(changed, True)
    assert_ok(stable, False)
    assert value('s1', 'net/ipv4/ip_forward') == '0'


def test_interface_keys_multi_value_keys_and_dotted_interface_names():
    run([task('netns', name='s1'), task('bridge', name='br.100', netns='s1')])
    tasks = [sysctl('net.ipv4.conf.br/100.proxy_arp', 1), sysctl('net/ipv4/conf/br.100/forwarding', 1),
             sysctl('net.ipv4.tcp_rmem', '4096\t65536   4194304'), sysctl('net.ipv6.conf.all.forwarding', 1)]
    made = run(tasks)
    for r in made:
        assert_ok(r, True)
    assert made[0]['sysctl']['name'] == 'net.ipv4.conf.br/100.proxy_arp'
    for r in run(tasks):
        assert_ok(r, False)
    assert value('s1', 'net/ipv4/conf/br.100/proxy_arp') == '1'
    assert value('s1', 'net/ipv4/conf/br.100/forwarding') == '1'
    assert value('s1', 'net/ipv4/tcp_rmem') == '4096 65536 4194304'
    assert value('s1', 'net/ipv6/conf/all/forwarding') == '1'


def test_check_mode_for_a_key_of_an_interface_not_there_yet():
    run([task('netns', name='s1')])
    res = run([sysctl('net.ipv4.conf.cni0.forwarding', 1)], check=True)[0]
    assert_ok(res, True)
    assert any('does not exist yet' in a for a in res['actions'])
    res = run([sysctl('net.ipv4.ip_forward', 1, netns='later')], check=True)[0]
    assert_ok(res, True)
    assert "netns 'later' does not exist yet: assuming an earlier task creates it" in res['actions']
