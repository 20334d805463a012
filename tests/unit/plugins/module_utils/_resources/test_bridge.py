"""The bridge kind's plans (and through it the plan of every link), without a kernel."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Conflict
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge import Bridge
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


@pytest.fixture
def bridge(every_netns):
    def make(check_mode=False, **params):
        base = dict(name='br0', netns='host-a', state='present', up=True)
        base.update(params)
        return Bridge(every_netns, base, check_mode)
    return make


HAVE = dict(name='br0', netns='host-a', kind='bridge', mtu=1500, mac_address='02:00:00:00:00:01', up=True,
            master=None, addresses=['172.17.0.1/16'], stp=False, forward_delay=15, ageing_time=300)


def actions(ops):
    return [op.action for op in ops]


def test_no_change_when_converged(bridge):
    ops, after = bridge(addresses=['172.17.0.1/16'], stp=False).plan(dict(HAVE))
    assert ops == [] and after == HAVE


def test_only_set_options_are_compared(bridge):
    ops, after = bridge(mtu=9000).plan(dict(HAVE))
    assert actions(ops) == ["set mtu of bridge br0 in netns 'host-a': 1500 -> 9000"]
    assert after == dict(HAVE, mtu=9000)


def test_create_order_is_create_then_addresses_then_up(bridge):
    ops, after = bridge(addresses=['172.17.0.1/16'], stp=True, mtu=1400).plan(None)
    assert actions(ops) == [
        "create bridge br0 in netns 'host-a' (mtu 1400, stp True)",
        "add address 172.17.0.1/16 to br0 in netns 'host-a'",
        "bring up bridge br0 in netns 'host-a'",
    ]
    assert after['addresses'] == ['172.17.0.1/16'] and after['up'] is True and after['stp'] is True


def test_addresses_are_kept_unless_purged(bridge):
    have = dict(HAVE, addresses=['172.17.0.1/16', '10.9.0.1/24'])
    ops, after = bridge(addresses=['172.17.0.1/16']).plan(have)
    assert ops == [] and after['addresses'] == ['10.9.0.1/24', '172.17.0.1/16']
    ops, after = bridge(addresses=['172.17.0.1/16'], purge_addresses=True).plan(have)
    assert actions(ops) == ["remove address 10.9.0.1/24 from br0 in netns 'host-a'"]
    assert after['addresses'] == ['172.17.0.1/16']


def test_absent_refuses_other_kind(bridge):
    with pytest.raises(Conflict, match='is a veth, not a bridge'):
        bridge(state='absent').plan(dict(HAVE, kind='veth'))


def test_present_on_other_kind_needs_recreate(bridge):
    with pytest.raises(Conflict, match='recreate: true'):
        bridge().plan(dict(HAVE, kind='vxlan'))
    ops = bridge(recreate=True).plan(dict(HAVE, kind='vxlan'))[0]
    assert actions(ops)[0] == 'replace vxlan br0 (it is a vxlan)'


def test_forward_delay_bounds_with_stp(bridge):
    with pytest.raises(InvalidInput, match='forward_delay=1'):
        bridge(stp=True, forward_delay=1)
    assert bridge(stp=False, forward_delay=0).want['forward_delay'] == 0
