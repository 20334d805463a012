"""linuxnet.fabric.address against the real kernel (inside the sandbox)."""
import time

from harness import ip_json, run, snapshot, snapshot_diff
from lifecycle import assert_ok, checked, predicted_matches, task

SETUP = [task('netns', name='a1'), task('veth', name='v0', netns='a1', peer=dict(name='v1'))]


def addrs(netns, dev, scope=None):
    return sorted('%s/%s' % (a['local'], a['prefixlen']) for a in ip_json(netns, 'addr', 'show', 'dev', dev)[0]['addr_info']
                  if scope is None or a.get('scope') == scope)


def link_local(netns, dev):
    for _attempt in range(30):  # the kernel adds it shortly after the link comes up with carrier
        found = [a for a in addrs(netns, dev) if a.startswith('fe80:')]
        if found:
            return found
        time.sleep(0.1)
    return []


def address(**args):
    return task('address', netns='a1', interface='v0', **args)


def check_only(t):
    before = snapshot()
    res = run([checked(t)])[0]
    assert snapshot() == before, 'check mode changed the kernel:\n' + snapshot_diff(before, snapshot())
    return res


def test_address_lifecycle():
    run(SETUP)
    lla = link_local('a1', 'v0')
    assert lla
    create = address(addresses=['10.0.0.1/24', 'FD00::1/64'])
    fresh = check_only(create)
    assert_ok(fresh, True)
    made, again, converged = run([create, create, checked(create)])
    assert_ok(made, True)
    assert_ok(again, False)
    assert_ok(converged, False)
    assert made['diff']['before'] == dict(interface='v0', netns='a1', addresses=[])
    assert made['address'] == dict(interface='v0', netns='a1', addresses=['10.0.0.1/24', 'fd00::1/64'])
    predicted_matches(fresh['address'], made['address'])
    assert fresh['actions'] == made['actions'] == ["add address 10.0.0.1/24 to v0 in netns 'a1'",
                                                   "add address fd00::1/64 to v0 in netns 'a1'"]
    assert addrs('a1', 'v0') == sorted(['10.0.0.1/24', 'fd00::1/64'] + lla)

    # purge: only what is listed stays, and never the kernel's link-local address
    modify = address(addresses=['10.0.0.2/24'], purge=True)
    predicted = check_only(modify)
    assert_ok(predicted, True)
    changed, stable = run([modify, modify])
    assert_ok(changed, True)
    assert_ok(stable, False)
    predicted_matches(predicted['address'], changed['address'])
    assert addrs('a1', 'v0') == sorted(['10.0.0.2/24'] + lla)

    # the same address with another prefix length moves to it (IPv4 and IPv6)
    moved = run([address(addresses=['10.0.0.2/16', 'fd00::2/64']), address(addresses=['fd00::2/80'])])
    assert moved[0]['actions'] == ["remove address 10.0.0.2/24 from v0 in netns 'a1'",
                                   "add address 10.0.0.2/16 to v0 in netns 'a1'",
                                   "add address fd00::2/64 to v0 in netns 'a1'"]
    assert moved[1]['actions'] == ["remove address fd00::2/64 from v0 in netns 'a1'",
                                   "add address fd00::2/80 to v0 in netns 'a1'"]
    assert addrs('a1', 'v0') == sorted(['10.0.0.2/16', 'fd00::2/80'] + lla)

    absent = address(addresses=['10.0.0.2/16', 'fd00::2/80', '10.9.9.9/24'], state='absent')
    check_gone = check_only(absent)
    gone, gone_again = run([absent, absent])
    assert_ok(check_gone, True)
    assert_ok(gone, True)
    assert_ok(gone_again, False)
    assert gone['address'] == dict(interface='v0', netns='a1', addresses=[])
    assert addrs('a1', 'v0') == lla


def test_flush_with_empty_list_and_purge():
    run(SETUP + [address(addresses=['10.0.0.1/24', '10.0.1.1/24'])])
    res = run([address(addresses=[], purge=True)])[0]
    assert_ok(res, True)
    assert addrs('a1', 'v0', scope='global') == []


def test_check_mode_when_interface_or_namespace_is_not_there_yet():
    res = run([task('address', netns='a9', interface='eth0', addresses=['10.0.0.1/24'])], check=True)[0]
    assert_ok(res, True)
    assert "netns 'a9' does not exist yet: assuming an earlier task creates it" in res['actions']
    run([task('netns', name='a9')])
    res = run([task('address', netns='a9', interface='eth0', addresses=['10.0.0.1/24'])], check=True)[0]
    assert_ok(res, True)
    assert any("interface 'eth0' does not exist yet" in a for a in res['actions'])
    assert res['address'] == dict(interface='eth0', netns='a9', addresses=['10.0.0.1/24'])
    # absent on a missing interface: nothing to remove
    res = run([task('address', netns='a9', interface='eth0', addresses=['10.0.0.1/24'], state='absent')])[0]
    assert_ok(res, False)


def test_bridge_and_veth_use_the_same_address_code_path():
    """Addresses set by the bridge module are seen and managed by the address module, and the other way round."""
    run([task('netns', name='a1'), task('bridge', name='br0', netns='a1', addresses=['172.17.0.1/16'])])
    res = run([task('address', netns='a1', interface='br0', addresses=['172.17.0.1/16'])])[0]
    assert_ok(res, False)
    run([task('address', netns='a1', interface='br0', addresses=['fd17::1/64'])])
    res = run([task('bridge', name='br0', netns='a1', addresses=['172.17.0.1/16', 'fd17::1/64'])])[0]
    assert_ok(res, False)
    assert res['bridge']['addresses'] == ['172.17.0.1/16', 'fd17::1/64']
