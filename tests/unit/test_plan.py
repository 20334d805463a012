"""Plan logic without a kernel: which ops, in which order, and the predicted state."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Conflict
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import address, fdb
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge import Bridge
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.vxlan import Vxlan
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


class FakeNetlink(object):
    """Every namespace exists; no socket may be opened by planning alone."""
    planned = set()

    def exists(self, netns):
        return True

    def ipr(self, netns):
        raise AssertionError('planning opened a socket')


def bridge(check_mode=False, **params):
    base = dict(name='br0', netns='host-a', state='present', up=True)
    base.update(params)
    return Bridge(FakeNetlink(), base, check_mode)


HAVE = dict(name='br0', netns='host-a', kind='bridge', mtu=1500, mac_address='02:00:00:00:00:01', up=True,
            master=None, addresses=['172.17.0.1/16'], stp=False, forward_delay=15, ageing_time=300)


def actions(ops):
    return [op.action for op in ops]


def test_no_change_when_converged():
    ops, after = bridge(addresses=['172.17.0.1/16'], stp=False).plan(dict(HAVE))
    assert ops == [] and after == HAVE


def test_only_set_options_are_compared():
    ops, after = bridge(mtu=9000).plan(dict(HAVE))
    assert actions(ops) == ["set mtu of bridge br0 in netns 'host-a': 1500 -> 9000"]
    assert after == dict(HAVE, mtu=9000)


def test_create_order_is_create_then_addresses_then_up():
    ops, after = bridge(addresses=['172.17.0.1/16'], stp=True, mtu=1400).plan(None)
    assert actions(ops) == [
        "create bridge br0 in netns 'host-a' (mtu 1400, stp True)",
        "add address 172.17.0.1/16 to br0 in netns 'host-a'",
        "bring up bridge br0 in netns 'host-a'",
    ]
    assert after['addresses'] == ['172.17.0.1/16'] and after['up'] is True and after['stp'] is True


def test_addresses_are_kept_unless_purged():
    have = dict(HAVE, addresses=['172.17.0.1/16', '10.9.0.1/24'])
    ops, after = bridge(addresses=['172.17.0.1/16']).plan(have)
    assert ops == [] and after['addresses'] == ['10.9.0.1/24', '172.17.0.1/16']
    ops, after = bridge(addresses=['172.17.0.1/16'], purge_addresses=True).plan(have)
    assert actions(ops) == ["remove address 10.9.0.1/24 from br0 in netns 'host-a'"]
    assert after['addresses'] == ['172.17.0.1/16']


def test_absent_refuses_other_kind():
    with pytest.raises(Conflict, match='is a veth, not a bridge'):
        bridge(state='absent').plan(dict(HAVE, kind='veth'))


def test_present_on_other_kind_needs_recreate():
    with pytest.raises(Conflict, match='recreate: true'):
        bridge().plan(dict(HAVE, kind='vxlan'))
    ops = bridge(recreate=True).plan(dict(HAVE, kind='vxlan'))[0]
    assert actions(ops)[0] == 'replace vxlan br0 (it is a vxlan)'


def test_forward_delay_bounds_with_stp():
    with pytest.raises(InvalidInput, match='forward_delay=1'):
        bridge(stp=True, forward_delay=1)
    assert bridge(stp=False, forward_delay=0).want['forward_delay'] == 0


VX = dict(name='vx0', netns=None, kind='vxlan', mtu=1450, mac_address='02:00:00:00:00:02', up=True, master=None,
          addresses=[], vni=42, dstport=4789, local='198.18.0.1', group=None, dev=None, learning=False, ttl=0,
          remotes=['198.18.0.2', '198.18.0.3'])


def vxlan(**params):
    base = dict(name='vx0', netns=None, state='present', up=True, vni=42, dstport=4789)
    base.update(params)
    return Vxlan(FakeNetlink(), base, False)


def test_vxlan_vni_change_is_a_replacement():
    ops, after = vxlan(vni=43).plan(dict(VX))
    assert actions(ops)[0] == 'replace vxlan vx0 in the current netns (vni 42 -> 43 cannot change in place)'
    assert after['vni'] == 43


def test_vxlan_dstport_is_always_sent():
    assert vxlan(dstport=None).want['dstport'] == 4789
    ops = vxlan(dstport=None).plan(dict(VX, dstport=8472))[0]
    assert 'dstport 8472 -> 4789' in actions(ops)[0]


def test_vxlan_remotes_are_exact():
    ops, after = vxlan(remotes=['198.18.0.3', '198.18.0.4']).plan(dict(VX))
    assert actions(ops) == [
        'remove flood entry 00:00:00:00:00:00 dst 198.18.0.2 from vxlan vx0 in the current netns',
        'add flood entry 00:00:00:00:00:00 dst 198.18.0.4 to vxlan vx0 in the current netns',
    ]
    assert after['remotes'] == ['198.18.0.3', '198.18.0.4']


def test_vxlan_learning_changes_in_place():
    ops = vxlan(learning=True).plan(dict(VX))[0]
    assert actions(ops) == ['set learning of vxlan vx0 in the current netns: False -> True']


@pytest.mark.parametrize('params,option', [
    (dict(vni=0), 'vni'), (dict(vni=16777216), 'vni'), (dict(dstport=70000), 'dstport'),
    (dict(remotes=['198.18.0.2', '198.18.0.2']), 'remotes'), (dict(remotes=['239.1.1.1']), 'remotes'),
    (dict(group='198.18.0.9'), 'group'), (dict(local='nope'), 'local'), (dict(ttl=256), 'ttl'),
])
def test_vxlan_bad_input(params, option):
    with pytest.raises(InvalidInput) as e:
        vxlan(**params)
    assert e.value.option == option


def test_address_plan_absent_removes_only_listed():
    plan = address.AddressPlan(None, None, 'eth0', 'ns', ['10.0.0.2/24'], state='absent')
    ops, after = plan.plan(['10.0.0.2/24', '10.0.0.3/24'])
    assert actions(ops) == ["remove address 10.0.0.2/24 from eth0 in netns 'ns'"] and after == ['10.0.0.3/24']


def test_address_order_is_numeric():
    expected = ['10.0.0.9/24', '10.0.0.10/24', 'fd00::1/64']
    assert address.ordered(['10.0.0.10/24', '10.0.0.9/24', 'fd00::1/64']) == expected


def test_flood_plan_no_change():
    ops, after = fdb.plan_flood(None, None, 'vx0', ['198.18.0.2'], ['198.18.0.2'])
    assert ops == [] and after == ['198.18.0.2']
