"""vxlan_peers without a kernel: the peers are checked first, and the entries of peers no longer listed (and only
those) become resources to remove."""
import socket

import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.vxlan_peers import VxlanPeers
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput

VX, ETH = 5, 2
KEPT = dict(underlay='198.18.0.3', mac='02:00:00:00:00:03', address='10.244.3.0', subnet='10.244.3.0/24')


@pytest.fixture
def host(kernel):
    """Namespace h1: vxlan flannel.1 holding the entries of peer 3 (listed) and peer 2 (gone), plus what is not a
    peer's: the flood entry, a learnt neighbour, the connected route, and entries of another device."""
    def fdb(ifindex, mac, dst=None):
        return kernel.Msg(dict(NDA_LLADDR=mac, NDA_DST=dst), ifindex=ifindex)

    def neighbour(ifindex, ip, mac, state=0x80):
        return kernel.Msg(dict(NDA_DST=ip, NDA_LLADDR=mac), ifindex=ifindex, state=state)

    def route(dst, prefix, oif, gateway=None, table=254):
        return kernel.Msg(dict(RTA_DST=dst, RTA_OIF=oif, RTA_GATEWAY=gateway, RTA_TABLE=table), family=socket.AF_INET,
                          dst_len=prefix, flags=4 if gateway else 0, scope=0, type=1, table=table)
    h1 = kernel.Socket(
        links=[kernel.link(1, 'lo'), kernel.link(ETH, 'eth0', 'veth'), kernel.link(VX, 'flannel.1', 'vxlan')],
        fdb=[fdb(VX, '02:00:00:00:00:03', '198.18.0.3'), fdb(VX, '02:00:00:00:00:02', '198.18.0.2'),
             fdb(VX, '00:00:00:00:00:00', '198.18.0.9'), fdb(VX, '33:33:00:00:00:01'),
             fdb(ETH, '02:00:00:00:00:07', '198.18.0.7')],
        neighbours=[neighbour(VX, '10.244.3.0', '02:00:00:00:00:03'), neighbour(VX, '10.244.2.0', '02:00:00:00:00:02'),
                    neighbour(VX, '10.244.8.0', '02:00:00:00:00:08', state=0x02),
                    neighbour(ETH, '10.0.0.9', '02:00:00:00:00:09')],
        routes=[route('10.244.3.0', 24, VX, '10.244.3.0'), route('10.244.2.0', 24, VX, '10.244.2.0', table=100),
                route('10.244.1.0', 24, VX), route('10.9.0.0', 16, ETH, '10.0.0.9')])
    return kernel.Kernel({'h1': h1})


def gone(peers):
    return [(type(r).__name__, r.params.get('mac') or r.params.get('ip') or r.params['dst'],
             r.params.get('dst') if 'mac' in r.params else r.params.get('gateway'), r.params['state'])
            for r in peers.stale()]


def test_only_the_entries_of_peers_no_longer_listed_are_removed(host):
    peers = VxlanPeers(host, dict(interface='flannel.1', netns='h1', peers=[KEPT]), False)
    assert gone(peers) == [('Fdb', '02:00:00:00:00:02', '198.18.0.2', 'absent'),
                           ('Neighbor', '10.244.2.0', None, 'absent'),
                           ('Route', '10.244.2.0/24', '10.244.2.0', 'absent')]
    route = peers.stale()[-1]
    assert route.params['table'] == 100  # removed from the table it is in
    assert len(peers.resources()) == 3 + 3  # the stale ones first, then fdb, neighbour and route of the listed peer


def test_no_peers_left_removes_every_peer_entry_and_a_missing_device_or_namespace_nothing(host):
    assert [g[1] for g in gone(VxlanPeers(host, dict(interface='flannel.1', netns='h1'), False))] == [
        '02:00:00:00:00:03', '02:00:00:00:00:02', '10.244.3.0', '10.244.2.0', '10.244.3.0/24', '10.244.2.0/24']
    assert VxlanPeers(host, dict(interface='nope', netns='h1'), False).stale() == []
    assert VxlanPeers(host, dict(interface='flannel.1', netns='later'), True).stale() == []


def test_a_device_that_is_not_a_vxlan_is_refused(host):
    with pytest.raises(InvalidInput, match="interface='eth0': is a veth, not a vxlan"):
        VxlanPeers(host, dict(interface='eth0', netns='h1', peers=[KEPT]), False).stale()


@pytest.mark.parametrize('change,message', [
    (dict(underlay='224.0.0.1'), "peers[1].underlay='224.0.0.1'"),
    (dict(mac='01:00:5e:00:00:01'), "peers[1].mac='01:00:5e:00:00:01'"),
    (dict(subnet='10.244.3.1/24'), "peers[1].subnet='10.244.3.1/24'"),
    (dict(underlay='198.18.0.4'), "peers[].mac='02:00:00:00:00:03': listed more than once"),
])
def test_every_peer_is_checked_before_any_socket(no_kernel, change, message):
    with pytest.raises(InvalidInput) as err:
        VxlanPeers(no_kernel, dict(interface='flannel.1', peers=[KEPT, dict(KEPT, **change)]), False)
    assert str(err.value).startswith(message)
