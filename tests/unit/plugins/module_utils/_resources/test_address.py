"""The address resource and AddressPlan (also behind every link's addresses), without a kernel."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import address
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.address import Address, AddressPlan
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


def actions(ops):
    return [op.action for op in ops]


def addr_plan(wanted, purge=False, state='present'):
    return AddressPlan(None, None, 'eth0', 'c1', wanted, purge=purge, state=state)


def test_a_new_prefix_length_moves_the_address():
    ops, after = addr_plan(['10.0.0.2/16', 'fd00::2/80']).plan(['10.0.0.2/24', '10.0.0.3/24', 'fd00::2/64'])
    assert actions(ops) == ["remove address 10.0.0.2/24 from eth0 in netns 'c1'",
                            "remove address fd00::2/64 from eth0 in netns 'c1'",
                            "add address 10.0.0.2/16 to eth0 in netns 'c1'",
                            "add address fd00::2/80 to eth0 in netns 'c1'"]
    assert after == ['10.0.0.2/16', '10.0.0.3/24', 'fd00::2/80']


def test_address_resource_plans_without_a_socket(no_kernel):
    res = Address(no_kernel, dict(interface='eth0', netns='c1', addresses=['10.0.0.1/24'], purge=True), True)
    ops, after = res.plan(dict(interface='eth0', netns='c1', addresses=['10.0.0.9/24', 'fd00::9/64']))
    assert actions(ops) == ["remove address 10.0.0.9/24 from eth0 in netns 'c1'",
                            "remove address fd00::9/64 from eth0 in netns 'c1'",
                            "add address 10.0.0.1/24 to eth0 in netns 'c1'"]
    assert after == dict(interface='eth0', netns='c1', addresses=['10.0.0.1/24'])
    assert Address(no_kernel, dict(interface='eth0', addresses=['10.0.0.1/24'], state='absent'), False).plan(None) \
        == ([], None)


def test_address_rejects_purge_with_absent_and_bad_prefixes(no_kernel):
    with pytest.raises(InvalidInput, match='purge=True'):
        Address(no_kernel, dict(interface='eth0', addresses=[], purge=True, state='absent'), False)
    with pytest.raises(InvalidInput, match="addresses='10.0.0.1/40'"):
        Address(no_kernel, dict(interface='eth0', addresses=['10.0.0.1/40']), False)


def test_address_plan_absent_removes_only_listed():
    plan = address.AddressPlan(None, None, 'eth0', 'ns', ['10.0.0.2/24'], state='absent')
    ops, after = plan.plan(['10.0.0.2/24', '10.0.0.3/24'])
    assert actions(ops) == ["remove address 10.0.0.2/24 from eth0 in netns 'ns'"] and after == ['10.0.0.3/24']


def test_address_order_is_numeric():
    expected = ['10.0.0.9/24', '10.0.0.10/24', 'fd00::1/64']
    assert address.ordered(['10.0.0.10/24', '10.0.0.9/24', 'fd00::1/64']) == expected
