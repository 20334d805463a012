"""Bad input to the address, route, fdb, neighbor and sysctl modules: a clear message that names the option and
the value, no traceback, and nothing changed in the kernel (sysctls included).

All cases run in one playbook (normal mode) and once more in check mode; the kernel is snapshotted around each.
Cases marked True are refused in check mode too, most before any socket is opened; those marked False depend on
state an earlier task could still create (a namespace, an interface, a connected route) and are notes in check
mode; None: only the kernel can tell (a sysctl value it parses), so check mode predicts the write.
"""
import subprocess

import pytest

import harness
from harness import run, snapshot, snapshot_diff

LAB = '''
ip netns add bad
ip -n bad link set lo up
ip -n bad link add br0 type bridge
ip -n bad link add vp type veth peer name vq
ip -n bad link add lone type veth peer name lone-peer
ip -n bad link set vp master br0
ip -n bad link add vx0 type vxlan id 42 dstport 4789 local 198.18.0.1 nolearning
for l in br0 vp vq lone lone-peer vx0; do ip -n bad link set $l up; done
ip -n bad addr add 10.0.0.1/24 dev br0
'''
SYSCTLS = ['net/ipv4/ip_forward', 'net/ipv4/conf/all/mc_forwarding', 'net/ipv4/conf/br0/proxy_arp']
MAC = '02:00:00:00:00:09'

# id, module, args, fragments the message must contain, refused in check mode too (see above)
CASES = [
    ('route-gateway-unreachable', 'route', dict(dst='10.9.0.0/24', gateway='10.1.0.5'),
     ["gateway='10.1.0.5': not reachable", "no connected route covers it in netns 'bad'"], False),
    ('route-gateway-unreachable-on-dev', 'route', dict(dst='10.9.0.0/24', gateway='10.0.0.5', dev='lone'),
     ["gateway='10.0.0.5': not reachable on dev lone"], False),
    ('route-prefix-out-of-range', 'route', dict(dst='10.9.0.0/33', gateway='10.0.0.5'),
     ["dst='10.9.0.0/33': the prefix length must be 0 to 32 for IPv4"], True),
    ('route-ipv6-prefix-out-of-range', 'route', dict(dst='fd09::/129', dev='br0'),
     ["dst='fd09::/129': the prefix length must be 0 to 128 for IPv6"], True),
    ('route-dst-host-bits', 'route', dict(dst='10.9.0.1/24', gateway='10.0.0.5'),
     ["dst='10.9.0.1/24'", 'has host bits set'], True),
    ('route-family-mismatch', 'route', dict(dst='10.9.0.0/24', gateway='fd00::5'),
     ["gateway='fd00::5': is an IPv6 address but dst 10.9.0.0/24 is IPv4"], True),
    ('route-unknown-netns', 'route', dict(netns='nope', dst='default', gateway='10.0.0.5'),
     ["netns='nope': no such network namespace"], False),
    ('route-unknown-dev', 'route', dict(dst='10.9.0.0/24', dev='eth9'),
     ["dev='eth9': no such interface in netns 'bad'"], False),
    ('route-onlink-without-dev', 'route', dict(dst='10.9.0.0/24', gateway='10.0.0.5', onlink=True),
     ['onlink=True: needs both gateway and dev'], True),
    ('route-gateway-with-link-scope', 'route', dict(dst='10.9.0.0/24', gateway='10.0.0.5', scope='link'),
     ["scope='link': a route via a gateway must have scope global or site"], True),
    ('route-scope-on-ipv6', 'route', dict(dst='fd09::/64', dev='br0', scope='link'),
     ["scope='link': applies to IPv4 routes only"], True),
    ('route-bad-table', 'route', dict(dst='10.9.0.0/24', dev='br0', table='nope'),
     ["table='nope': expected a table number from 1 to 4294967295"], True),
    ('route-negative-metric', 'route', dict(dst='10.9.0.0/24', dev='br0', metric=-1),
     ['metric=-1: must be an integer from 0 to 4294967295'], True),
    ('route-gateway-is-local', 'route', dict(dst='10.9.0.0/24', gateway='10.0.0.1'),
     ["gateway='10.0.0.1': is an address of netns 'bad' itself"], True),
    ('route-neither-gateway-nor-dev', 'route', dict(dst='10.9.0.0/24'),
     ['gateway=None: a route needs a gateway, a dev or both'], True),
    ('route-multicast-gateway', 'route', dict(dst='10.9.0.0/24', gateway='224.0.0.1'),
     ["gateway='224.0.0.1': must be a unicast address"], True),
    ('address-prefix-out-of-range', 'address', dict(interface='br0', addresses=['10.0.0.9/33']),
     ["addresses='10.0.0.9/33': the prefix length must be 0 to 32 for IPv4"], True),
    ('address-not-an-address', 'address', dict(interface='br0', addresses=['ten.0.0.1/24']),
     ["addresses='ten.0.0.1/24': expected an address with a prefix length"], True),
    ('address-without-prefix', 'address', dict(interface='br0', addresses=['10.0.0.9']),
     ["addresses='10.0.0.9': expected an address with a prefix length"], True),
    ('address-unknown-interface', 'address', dict(interface='eth9', addresses=['10.0.0.9/24']),
     ["interface='eth9': no such interface in netns 'bad'"], False),
    ('address-unknown-netns', 'address', dict(netns='nope', interface='br0', addresses=['10.0.0.9/24']),
     ["netns='nope': no such network namespace"], False),
    ('address-listed-twice', 'address', dict(interface='br0', addresses=['fd00::9/64', 'FD00:0::9/64']),
     ["addresses='fd00::9/64': listed more than once"], True),
    ('address-purge-with-absent', 'address', dict(interface='br0', addresses=[], purge=True, state='absent'),
     ['purge=True: applies to state=present only'], True),
    ('address-interface-name-too-long', 'address', dict(interface='averyverylongname0', addresses=['10.0.0.9/24']),
     ["interface='averyverylongname0': an interface name is at most 15 bytes"], True),
    ('fdb-mac-malformed', 'fdb', dict(interface='vx0', mac='02:00:00:00:00', dst='198.18.0.2'),
     ["mac='02:00:00:00:00': expected a MAC address"], True),
    ('fdb-master-and-self', 'fdb', dict(interface='vp', mac=MAC, master=True, self=True),
     ['self=True: an entry is either in the bridge (master: true) or in the device itself'], True),
    ('fdb-dst-on-bridge-entry', 'fdb', dict(interface='vp', mac=MAC, master=True, dst='198.18.0.2'),
     ["dst='198.18.0.2': applies to device (self) entries of a vxlan, not to bridge (master) entries"], True),
    ('fdb-unknown-interface', 'fdb', dict(interface='eth9', mac=MAC, dst='198.18.0.2'),
     ["interface='eth9': no such interface in netns 'bad'"], False),
    ('fdb-bridge-entry-on-non-port', 'fdb', dict(interface='lone', mac=MAC, master=True),
     ["interface='lone': is not attached to a bridge"], False),
    ('fdb-vxlan-entry-without-dst', 'fdb', dict(interface='vx0', mac=MAC, self=True),
     ["dst=None: an entry on vxlan 'vx0' needs dst (the remote VTEP)"], True),
    ('fdb-vni-out-of-range', 'fdb', dict(interface='vx0', mac=MAC, dst='198.18.0.2', vni=16777216),
     ['vni=16777216: must be an integer from 1 to 16777215'], True),
    ('fdb-dst-on-a-veth', 'fdb', dict(interface='lone', mac=MAC, self=True, dst='198.18.0.2'),
     ["dst='198.18.0.2': applies to vxlan devices; 'lone' is a veth"], True),
    ('fdb-flood-entry-without-dst', 'fdb', dict(interface='vx0', mac='00:00:00:00:00:00', self=True),
     ["mac='00:00:00:00:00:00': the all-zeros MAC is the flood entry of a vxlan and needs dst"], True),
    ('neighbor-mac-malformed', 'neighbor', dict(interface='br0', ip='10.0.0.9', mac='zz:00:00:00:00:01'),
     ["mac='zz:00:00:00:00:01': expected a MAC address"], True),
    ('neighbor-multicast-mac', 'neighbor', dict(interface='br0', ip='10.0.0.9', mac='01:00:5e:00:00:01'),
     ["mac='01:00:5e:00:00:01'", 'must be unicast'], True),
    ('neighbor-multicast-ip', 'neighbor', dict(interface='br0', ip='224.0.0.5', mac=MAC),
     ["ip='224.0.0.5': must be a unicast address"], True),
    ('neighbor-not-an-ip', 'neighbor', dict(interface='br0', ip='10.0.0.256', mac=MAC),
     ["ip='10.0.0.256': expected an IP address"], True),
    ('neighbor-unknown-interface', 'neighbor', dict(interface='eth9', ip='10.0.0.9', mac=MAC),
     ["interface='eth9': no such interface in netns 'bad'"], False),
    ('neighbor-without-mac', 'neighbor', dict(interface='br0', ip='10.0.0.9'),
     ['state is present but all of the following are missing: mac'], True),
    ('sysctl-outside-net', 'sysctl', dict(name='kernel.hostname', value='x'),
     ["name='kernel.hostname': only keys under 'net.' belong to a network namespace"], True),
    ('sysctl-path-escape', 'sysctl', dict(name='net/../kernel/hostname', value='x'),
     ["name='net/../kernel/hostname': not a valid sysctl name"], True),
    ('sysctl-unknown-key', 'sysctl', dict(name='net.ipv4.nope', value=1),
     ["name='net.ipv4.nope': no such sysctl in netns 'bad' (/proc/sys/net/ipv4/nope)"], False),
    ('sysctl-read-only', 'sysctl', dict(name='net.ipv4.conf.all.mc_forwarding', value=1),
     ["name='net.ipv4.conf.all.mc_forwarding': is read-only in netns 'bad'"], True),
    ('sysctl-value-refused-by-kernel', 'sysctl', dict(name='net.ipv4.ip_forward', value='abc'),
     ["value='abc': refused by the kernel for net.ipv4.ip_forward in netns 'bad': Invalid argument (EINVAL)"], None),
    ('sysctl-unknown-netns', 'sysctl', dict(netns='nope', name='net.ipv4.ip_forward', value=1),
     ["netns='nope': no such network namespace"], False),
    ('sysctl-multi-line-value', 'sysctl', dict(name='net.ipv4.ip_forward', value='1\n0'),
     ["value='1\\n0': expected a value such as 1"], True),
]


def sysctls():
    return {k: subprocess.run(['ip', 'netns', 'exec', 'bad', 'cat', '/proc/sys/' + k], capture_output=True,
                              text=True, check=True).stdout for k in SYSCTLS}


@pytest.fixture(scope='module')
def results():
    harness.cleanup()
    subprocess.run(['bash', '-euc', LAB], check=True)
    tasks = [{'name': name, 'linuxnet.fabric.' + module: dict(dict(netns='bad'), **args)}
             for name, module, args, _fragments, _in_check in CASES]
    out = {}
    for check in (False, True):
        before, values = snapshot(), sysctls()
        res = run(tasks, check=check)
        out[check] = dict(zip([c[0] for c in CASES], res), _kernel=(before, snapshot()), _sysctls=(values, sysctls()))
    harness.cleanup()
    return out


def test_there_are_at_least_20_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize('check', [False, True], ids=['normal', 'check_mode'])
def test_nothing_changed(results, check):
    before, after = results[check]['_kernel']
    assert before == after, snapshot_diff(before, after)
    assert results[check]['_sysctls'][0] == results[check]['_sysctls'][1]


@pytest.mark.parametrize('name,module,args,fragments,in_check', CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_clear_error(results, name, module, args, fragments, in_check):
    for check in (False, True) if in_check else (False,):
        res = results[check][name]
        assert res['failed'] and not res['changed'], res
        assert 'Traceback' not in str(res), res  # (2.19 adds exception='(traceback unavailable)' to every failure)
        assert not str(res['msg']).startswith(harness.CRASH_PREFIX), res
        for fragment in fragments:
            assert fragment in res['msg'], (fragment, res['msg'])
    if not in_check:  # plausible once an earlier task has run (False) or only the kernel knows (None)
        res = results[True][name]
        assert not res['failed'] and res['changed'], res
        assert in_check is None or any('assuming' in a for a in res['actions']), res
