"""bridge_network_verify and overlay_network_verify: the roles end with a linuxnet.fabric.probe task (inside the
sandbox only). Its summary says how many probes passed; a failing probe fails the role and is named. ping judges
the same paths: probe never judges itself alone.

The helpers that run the roles are those of test_role_bridge_network.py (include_role, one case per call) and
test_overlay.py (the lab of playbooks/lab/ and the role's playbook, from the built collection).
"""
import subprocess

import pytest

from harness import ping, run, server
from lifecycle import task
from lab import endpoints, make_lab, playbook
from test_role_bridge_network import HOST, SEED, apply, by_task, failures

pytestmark = pytest.mark.roles

VERIFY = dict(SEED, bridge_network_verify=True, bridge_network_install_requirements=False)


def summary(results, words='Verify summary of the network'):
    return by_task(results, words)['msg']


def test_bridge_network_verify_probes_gateways_and_published_ports():
    run([task('netns', name=HOST, loopback_up=True)])
    first, = apply(VERIFY)
    assert not failures(first), failures(first)
    # 2 endpoints to the gateway; nothing listens on nginx-1:8000 yet, so the published port is skipped.
    assert summary(first) == 'network docker0: 2 of 2 probes passed, 1 skipped', summary(first)
    probed = by_task(first, 'Probe every endpoint')
    assert [(r['from'], r['to'], r['outcome']) for r in probed['results']] == [
        ('nginx-1', '172.17.0.1', 'reach'), ('nginx-2', '172.17.0.1', 'reach'), (HOST, '172.17.0.1', 'skipped')]
    assert probed['results'][2]['name'] == 'published port 8080 to nginx-1:8000'
    assert ping('nginx-1', '172.17.0.1') and ping('nginx-2', '172.17.0.1')

    with server('nginx-1', '/usr/bin/python3', '-m', 'http.server', '8000'):
        subprocess.run(['sleep', '1'], check=True)
        listening, = apply(VERIFY)
        assert summary(listening) == 'network docker0: 3 of 3 probes passed', failures(listening)
        assert subprocess.run(['ip', 'netns', 'exec', HOST, '/usr/bin/python3', '-c',
                               'import socket; socket.create_connection(("172.17.0.1", 8080), timeout=2)'],
                              check=False).returncode == 0

    # nginx-2 drops what it sends to the gateway (a rule of its own that the role does not manage): the role fails
    # at the probe, which names the probe that failed and why; ping agrees.
    subprocess.run(['ip', 'netns', 'exec', 'nginx-2', 'nft', 'add table ip t; add chain ip t out '
                    '{ type filter hook output priority 0; }; add rule ip t out ip daddr 172.17.0.1 drop'], check=True)
    broken, = apply(VERIFY)
    failed = failures(broken)
    assert [t for t, _m in failed] == ['Probe every endpoint to its gateway, and published ports through the host'], \
        failed
    assert failed[0][1] == ('1 of 2 probes failed, 1 skipped:\n- from nginx-2 to 172.17.0.1 (icmp, 84 bytes): '
                            'expected reach, got blocked: refused at the sender: Operation not permitted (EPERM)')
    assert not ping('nginx-2', '172.17.0.1') and ping('nginx-1', '172.17.0.1')


def test_bridge_network_verify_is_off_by_default_and_skipped_in_check_mode():
    run([task('netns', name=HOST, loopback_up=True)])
    plain, = apply(dict(SEED, bridge_network_install_requirements=False))
    checked, = apply(VERIFY, check=True)
    for results in (plain, checked):
        assert not failures(results)
        assert all(r['_status'] == 'skipped' for r in results if 'Probe every endpoint' in r['_task']), results


def test_overlay_network_verify_across_hosts_with_df_at_the_overlay_mtu(tmp_path):
    """3 lab hosts, 2 endpoints each: each endpoint probes its gateway and one endpoint on each of the 2 peers
    with DF at 1450 bytes. Then h3's underlay shrinks to 1400: the role gives h3's side 1350, and every DF
    probe of 1450 bytes towards h3 is silently dropped on the underlay: the role fails and names them."""
    inventory = make_lab(tmp_path, 'l2')
    df_ping = ['ping', '-n', '-q', '-c1', '-W1', '-M', 'do', '-s', '1422']  # a 1450-byte IP packet
    try:
        recap, results, output = playbook('overlay_network.yml', inventory, '-e', 'overlay_network_verify=true')
        assert sorted(recap) == ['h1', 'h2', 'h3'] and all(r['failed'] == 0 for r in recap.values()), output
        lines = sorted(r['msg'] for r in results if r['_task'] == 'Verify summary of the overlay')
        assert lines == ['overlay ov0 on h%d: 6 of 6 probes passed' % i for i in (1, 2, 3)], output
        probes = [p for r in results if r['_task'].startswith('Probe every endpoint') and r['_status'] == 'ok'
                  for p in r['results']]
        assert len(probes) == 18 and sum(1 for p in probes if p['df'] and p['size'] == 1450) == 12, probes
        target = endpoints()['h3-app1']
        assert subprocess.run(['ip', 'netns', 'exec', 'h1-app1'] + df_ping + [target],
                              capture_output=True, check=False).returncode == 0

        subprocess.run(['ip', '-n', 'lab-h3', 'link', 'set', 'dev', 'eth0', 'mtu', '1400'], check=True)
        recap, results, output = playbook('overlay_network.yml', inventory, '-e', 'overlay_network_verify=true')
        assert [recap[h]['failed'] for h in ('h1', 'h2', 'h3')] == [1, 1, 0], output
        failed = [r['msg'] for r in results if r['failed'] and r['_task'].startswith('Probe every endpoint')]
        assert len(failed) == 2, output
        for msg in failed:
            head, *lines = msg.splitlines()
            assert head == '2 of 6 probes failed:' and len(lines) == 2, msg
            assert all(' to %s (icmp, DF 1450 bytes): expected reach, got blocked: no answer in 1 s' % target in line
                       for line in lines), msg
        # ping agrees: plain pings still get through, DF ones of 1450 bytes do not.
        assert ping('h1-app1', target)
        assert subprocess.run(['ip', 'netns', 'exec', 'h1-app1'] + df_ping + [target],
                              capture_output=True, check=False).returncode == 1
    finally:
        playbook('lab/destroy.yml', 'localhost,')
