"""IPv6 in the overlay (lab.py): dual-stack endpoints over an IPv4 and over an IPv6-only underlay, l2 and l3.

Each case: both families' ping matrices across the 3 hosts, DF pings at the overlay MTU for both, the MTU the
underlay allows (underlay - 50 over IPv4, - 70 over IPv6), changed=0 on the second run; over IPv6, a VXLAN
datagram from a non-peer IPv6 address is dropped by the firewall.
"""
import json
import subprocess

import pytest

from harness import ip_json
from lab import HOSTS, VX, VNI, PORT, assert_full_mesh, assert_mtu, converge, endpoints, link, make_lab, sh

pytestmark = pytest.mark.roles

ROGUE6 = 'fd00:244:ffff::1'


def rogue_vtep6(target, mac):
    """A VTEP with the overlay's VNI in the outsider lab-h4 (underlay fd00:198:18::4) that sends to h1 for
    'target' (an endpoint's IPv6 address, reached through 'mac')."""
    batch = ['link add %s type vxlan id %d dstport %d local fd00:198:18::4 dev eth0 nolearning' % (VX, VNI, PORT),
             'address add %s/128 dev %s nodad' % (ROGUE6, VX), 'link set %s up' % VX,
             'neigh replace %s lladdr %s dev %s nud permanent' % (target, mac, VX),
             'route replace %s/128 dev %s' % (target, VX)]
    subprocess.run(['ip', '-n', 'lab-h4', '-batch', '-'], input='\n'.join(batch) + '\n', text=True, check=True)
    subprocess.run(['bridge', '-n', 'lab-h4', 'fdb', 'append', '00:00:00:00:00:00', 'dev', VX, 'dst',
                    'fd00:198:18::1'], check=True)
    sh('h1-app1', 'nft', 'add table inet probe; add chain inet probe input { type filter hook input priority 0; }; '
       'add rule inet probe input ip6 saddr %s counter' % ROGUE6)


def rogue_received(target):
    sh('lab-h4', 'ping', '-6', '-n', '-q', '-c3', '-i0.2', '-W1', target, check=False)
    table = json.loads(sh('h1-app1', 'nft', '-j', 'list', 'table', 'inet', 'probe').stdout)['nftables']
    return sum(e['counter']['packets'] for o in table if 'rule' in o for e in o['rule']['expr'] if 'counter' in e)


@pytest.mark.parametrize('mode', ['l2', 'l3'])
@pytest.mark.parametrize('underlay', ['ipv4', 'ipv6'])
def test_dual_stack_overlay(mode, underlay, tmp_path):
    inventory = make_lab(tmp_path, mode, underlay=underlay, family='dual')
    assert all(r['changed'] > 0 for r in converge(inventory).values())
    assert_full_mesh(HOSTS, version=4)
    assert_full_mesh(HOSTS, version=6)
    assert_mtu(overhead=50 if underlay == 'ipv4' else 70)
    local = ip_json('lab-h1', '-d', 'link', 'show', VX)[0]['linkinfo']['info_data']
    assert ('local6' if underlay == 'ipv6' else 'local') in local, local
    assert all(r['changed'] == 0 for r in converge(inventory).values()), 'second run changed something'
    if underlay == 'ipv6':
        target = endpoints(['h1'], 6)['h1-app1']
        mac = link('h1-app1', 'eth0')['address'] if mode == 'l2' else link('lab-h1', VX)['address']
        rogue_vtep6(target, mac)
        assert rogue_received(target) == 0
        sh('lab-h1', 'nft', 'delete', 'table', 'inet', 'linuxnet_fabric')  # the control: without it they arrive
        assert rogue_received(target) > 0
