"""Validation and plans of the address, route, fdb, neighbor and sysctl resources, without a kernel."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import fdb, sysctl
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.address import Address, AddressPlan
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.fdb import Fdb
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.neighbor import Neighbor
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.route import Route, text
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.sysctl import Sysctl
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


class NoKernel(object):
    """No namespace exists and no socket may be opened: planning must work from 'have' alone."""
    planned = set()

    def exists(self, netns):
        return False

    def ipr(self, netns):
        raise AssertionError('planning opened a socket')


def actions(ops):
    return [op.action for op in ops]


# --- validators --------------------------------------------------------------------------------------------
@pytest.mark.parametrize('value', ['10.0.0.0/33', 'fd00::/129', '10.0.0.1/-1', '10.0.0.1/x'])
def test_prefix_length_out_of_range(value):
    with pytest.raises(InvalidInput, match='the prefix length must be'):
        _validate.prefix_length('dst', value)


def test_prefix_length_leaves_other_input_to_the_next_check():
    assert _validate.prefix_length('dst', 'nonsense/99') == 'nonsense/99'
    assert _validate.prefix_length('dst', '10.0.0.0/32') == '10.0.0.0/32'


@pytest.mark.parametrize('value', ['224.0.0.1', '0.0.0.0', '::', 'ff02::1', '255.255.255.255', 'x'])
def test_unicast_ip_rejects(value):
    with pytest.raises(InvalidInput):
        _validate.unicast_ip('gateway', value)


@pytest.mark.parametrize('value,expected', [(None, 254), ('main', 254), ('local', 255), ('100', 100), (100, 100),
                                            (4294967295, 4294967295)])
def test_route_table(value, expected):
    assert _validate.route_table('table', value) == expected


@pytest.mark.parametrize('value', [0, -1, 'nope', True, 4294967296, 1.5])
def test_route_table_rejects(value):
    with pytest.raises(InvalidInput, match='table='):
        _validate.route_table('table', value)


@pytest.mark.parametrize('value,parts', [
    ('net.ipv4.ip_forward', ['net', 'ipv4', 'ip_forward']),
    ('net/ipv4/conf/eth0.100/forwarding', ['net', 'ipv4', 'conf', 'eth0.100', 'forwarding']),
    ('net.ipv4.conf.eth0/100.forwarding', ['net', 'ipv4', 'conf', 'eth0.100', 'forwarding']),
    ('/proc/sys/net/core/somaxconn', ['net', 'core', 'somaxconn']),
])
def test_sysctl_names(value, parts):
    assert _validate.sysctl_name('name', value) == parts


@pytest.mark.parametrize('value,reason', [
    ('kernel.hostname', "only keys under 'net.'"), ('vm/swappiness', "only keys under 'net.'"),
    ('net/../kernel/hostname', 'not a valid sysctl name'), ('net..ipv4', 'not a valid sysctl name'),
    ('net', 'not a valid sysctl name'), ('', 'expected a sysctl name'), ('net.ipv4.a b', 'not a valid'),
])
def test_sysctl_names_rejected(value, reason):
    with pytest.raises(InvalidInput, match=reason):
        _validate.sysctl_name('name', value)


@pytest.mark.parametrize('value,expected', [(1, '1'), (True, '1'), (False, '0'), ('4096\t87380  6291456', '4096 87380 6291456')])
def test_sysctl_values(value, expected):
    assert _validate.sysctl_value('value', value) == expected


@pytest.mark.parametrize('value', ['', '  ', '1\n2', None, [1], 1.5])
def test_sysctl_values_rejected(value):
    with pytest.raises(InvalidInput, match='value='):
        _validate.sysctl_value('value', value)


# --- address -----------------------------------------------------------------------------------------------
def addr_plan(wanted, purge=False, state='present'):
    return AddressPlan(None, None, 'eth0', 'c1', wanted, purge=purge, state=state)


def test_a_new_prefix_length_moves_the_address():
    ops, after = addr_plan(['10.0.0.2/16', 'fd00::2/80']).plan(['10.0.0.2/24', '10.0.0.3/24', 'fd00::2/64'])
    assert actions(ops) == ["remove address 10.0.0.2/24 from eth0 in netns 'c1'",
                            "remove address fd00::2/64 from eth0 in netns 'c1'",
                            "add address 10.0.0.2/16 to eth0 in netns 'c1'",
                            "add address fd00::2/80 to eth0 in netns 'c1'"]
    assert after == ['10.0.0.2/16', '10.0.0.3/24', 'fd00::2/80']


def test_address_resource_plans_without_a_socket():
    res = Address(NoKernel(), dict(interface='eth0', netns='c1', addresses=['10.0.0.1/24'], purge=True), True)
    ops, after = res.plan(dict(interface='eth0', netns='c1', addresses=['10.0.0.9/24', 'fd00::9/64']))
    assert actions(ops) == ["remove address 10.0.0.9/24 from eth0 in netns 'c1'",
                            "remove address fd00::9/64 from eth0 in netns 'c1'",
                            "add address 10.0.0.1/24 to eth0 in netns 'c1'"]
    assert after == dict(interface='eth0', netns='c1', addresses=['10.0.0.1/24'])
    assert Address(NoKernel(), dict(interface='eth0', addresses=['10.0.0.1/24'], state='absent'), False).plan(None) \
        == ([], None)


def test_address_rejects_purge_with_absent_and_bad_prefixes():
    with pytest.raises(InvalidInput, match='purge=True'):
        Address(NoKernel(), dict(interface='eth0', addresses=[], purge=True, state='absent'), False)
    with pytest.raises(InvalidInput, match="addresses='10.0.0.1/40'"):
        Address(NoKernel(), dict(interface='eth0', addresses=['10.0.0.1/40']), False)


# --- route -------------------------------------------------------------------------------------------------
HAVE_ROUTE = dict(dst='0.0.0.0/0', table=254, metric=0, gateway='10.0.0.1', dev='eth0', onlink=False,
                  scope='global', type='unicast', netns='c1')


def route(**params):
    base = dict(netns='c1', dst='default', table='main')
    base.update(params)
    return Route(NoKernel(), base, False)


def test_route_gateway_change_is_one_replace_and_the_kernel_picks_the_dev():
    ops, after = route(gateway='10.0.0.254').plan(dict(HAVE_ROUTE))
    assert actions(ops) == ["replace route default via 10.0.0.1 dev eth0 in netns 'c1' "
                            "(gateway 10.0.0.1 -> 10.0.0.254)"]
    assert after == dict(HAVE_ROUTE, gateway='10.0.0.254', dev=None)


def test_route_compares_only_what_is_set():
    assert route(dev='eth0').plan(dict(HAVE_ROUTE)) == ([], HAVE_ROUTE)
    assert route(gateway='10.0.0.1', onlink=False).plan(dict(HAVE_ROUTE)) == ([], HAVE_ROUTE)


def test_route_of_another_type_is_replaced():
    ops, after = route(gateway='10.0.0.1').plan(dict(HAVE_ROUTE, type='blackhole', gateway=None, dev=None))
    assert len(ops) == 1 and ops[0].action.startswith('replace route blackhole default')
    assert after['type'] == 'unicast' and after['gateway'] == '10.0.0.1'


def test_route_create_defaults_and_ipv6():
    ops, after = route(dst='10.1.0.0/24', dev='eth0').plan(None)
    assert actions(ops) == ["add route 10.1.0.0/24 dev eth0 scope link in netns 'c1'"]
    assert after['scope'] == 'link' and after['metric'] == 0
    r6 = route(gateway='fe80::1', dev='eth0', metric=0)
    assert r6.dst == '::/0' and r6.metric == 1024
    ops, after = r6.plan(None)
    assert actions(ops) == ["add route default via fe80::1 dev eth0 in netns 'c1'"]
    assert after['scope'] == 'global' and after['metric'] == 1024


def test_route_absent_removes_every_match():
    res = route(state='absent')
    res.matches = [dict(HAVE_ROUTE), dict(HAVE_ROUTE, metric=100, gateway='10.0.0.2')]
    ops, after = res.plan(res.matches[0])
    assert actions(ops) == ["delete route default via 10.0.0.1 dev eth0 in netns 'c1'",
                            "delete route default via 10.0.0.2 dev eth0 metric 100 in netns 'c1'"]
    assert after is None


def test_route_text():
    assert text(dict(dst='10.0.0.0/8', gateway='10.1.0.1', dev='v', onlink=True, metric=5, table=100,
                     scope='global')) == '10.0.0.0/8 via 10.1.0.1 dev v onlink metric 5 table 100'


@pytest.mark.parametrize('params,option', [
    (dict(dst='default', gateway='fd00::1', dev='eth0', scope='link'), 'scope'),
    (dict(dst='10.0.0.0/24'), 'gateway'),
    (dict(dst='10.0.0.0/24', gateway='10.0.0.1', onlink=True), 'onlink'),
    (dict(dst='::/0', gateway='fe80::1'), 'gateway'),
    (dict(dst='10.0.0.0/24', gateway='fd00::1'), 'gateway'),
    (dict(dst='10.0.0.0/24', dev='eth0', metric=-5), 'metric'),
    (dict(dst=None, dev='eth0'), 'dst'),
])
def test_route_rejects(params, option):
    with pytest.raises(InvalidInput) as err:
        route(**params)
    assert err.value.option == option


# --- fdb ---------------------------------------------------------------------------------------------------
def entry(**params):
    base = dict(netns='h1', interface='vx0', mac='02:00:00:00:00:0B')
    base.update(params)
    return Fdb(NoKernel(), base, False)


def test_fdb_bridge_entries_forward_and_device_entries_are_permanent():
    assert fdb._state_of(master=True, permanent=True) == fdb.NUD_NOARP | fdb.NUD_REACHABLE  # static, not local
    assert not fdb._state_of(master=True, permanent=True) & fdb.NUD_PERMANENT
    assert fdb._state_of(master=True, permanent=False) == fdb.NUD_REACHABLE
    assert fdb._state_of(master=False, permanent=True) == fdb.NUD_NOARP | fdb.NUD_PERMANENT  # 192, as flannel
    assert fdb._state_of(master=False, permanent=False) == fdb.NUD_NOARP | fdb.NUD_REACHABLE


def test_fdb_kind_of_entry_follows_the_options():
    assert entry().master is True
    assert entry(dst='198.18.0.2').master is False
    assert entry(vni=5, dst='198.18.0.2').master is False
    assert entry(self=True).master is False
    assert entry(master=True).master is True and entry().mac == '02:00:00:00:00:0b'


HAVE_FDB = dict(interface='vx0', netns='h1', mac='02:00:00:00:00:0b', master=False, self=True, bridge=None,
                dst='198.18.0.2', vni=1, permanent=True, local=False)


def test_fdb_dst_change_is_one_replace():
    res = entry(dst='198.18.0.3', self=True)
    ops, after = res.plan(dict(HAVE_FDB))
    assert actions(ops) == ["update fdb entry 02:00:00:00:00:0b dst 198.18.0.3 on vx0 in netns 'h1' "
                            "(dst 198.18.0.2 -> 198.18.0.3)"]
    assert after == dict(HAVE_FDB, dst='198.18.0.3')
    assert entry(dst='198.18.0.2').plan(dict(HAVE_FDB)) == ([], HAVE_FDB)


def test_fdb_vni_change_of_a_flood_entry_swaps_the_remote():
    have = dict(HAVE_FDB, mac=fdb.FLOOD_MAC)
    ops, after = entry(mac=fdb.FLOOD_MAC, dst='198.18.0.2', vni=7).plan(have)
    assert [a.split(' on ')[0] for a in actions(ops)] == ['remove fdb entry 00:00:00:00:00:00 dst 198.18.0.2',
                                                          'add fdb entry 00:00:00:00:00:00 dst 198.18.0.2']
    assert after['vni'] == 7


def test_fdb_local_bridge_entry_becomes_a_forwarding_one():
    have = dict(HAVE_FDB, interface='pb', master=True, self=False, bridge='br0', dst=None, vni=None, local=True)
    ops, after = entry(interface='pb', master=True).plan(have)
    assert actions(ops) == ["update fdb entry 02:00:00:00:00:0b on pb in netns 'h1' (local True -> False)"]
    assert after['local'] is False


@pytest.mark.parametrize('params,option', [
    (dict(master=True, self=True), 'self'), (dict(master=True, dst='198.18.0.2'), 'dst'),
    (dict(mac='02:00:00:00:00'), 'mac'), (dict(mac=fdb.FLOOD_MAC), 'mac'), (dict(vni=0, dst='198.18.0.2'), 'vni'),
    (dict(dst='0.0.0.0'), 'dst'), (dict(interface='a/b'), 'interface'),
])
def test_fdb_rejects(params, option):
    with pytest.raises(InvalidInput) as err:
        entry(**params)
    assert err.value.option == option


# --- neighbor ----------------------------------------------------------------------------------------------
def neighbor(**params):
    base = dict(netns='h1', interface='flannel.1', ip='10.244.2.0', mac='02:42:0A:F4:02:00')
    base.update(params)
    return Neighbor(NoKernel(), base, False)


HAVE_NEIGH = dict(interface='flannel.1', netns='h1', ip='10.244.2.0', mac='02:42:0a:f4:02:00', state='permanent',
                  permanent=True)


def test_neighbor_plans():
    assert neighbor().plan(dict(HAVE_NEIGH)) == ([], HAVE_NEIGH)
    ops, after = neighbor().plan(dict(HAVE_NEIGH, state='stale', permanent=False))
    assert actions(ops) == ["update neighbour 10.244.2.0 on flannel.1 in netns 'h1' (state stale -> permanent)"]
    ops, after = neighbor(mac='02:42:0a:f4:02:01').plan(None)
    assert actions(ops) == ["add neighbour 10.244.2.0 on flannel.1 in netns 'h1': lladdr 02:42:0a:f4:02:01, "
                            "permanent"]
    assert after['permanent'] is True
    assert neighbor(state='absent', mac='02:00:00:00:00:01').plan(dict(HAVE_NEIGH)) == ([], HAVE_NEIGH)
    ops, after = neighbor(state='absent', mac=None).plan(dict(HAVE_NEIGH))
    assert len(ops) == 1 and after is None


@pytest.mark.parametrize('params,option', [
    (dict(ip='224.0.0.1'), 'ip'), (dict(ip='ff02::1'), 'ip'), (dict(mac=None), 'mac'),
    (dict(mac='01:00:5e:00:00:01'), 'mac'), (dict(mac='00:00:00:00:00:00'), 'mac'),
])
def test_neighbor_rejects(params, option):
    with pytest.raises(InvalidInput) as err:
        neighbor(**params)
    assert err.value.option == option


# --- sysctl ------------------------------------------------------------------------------------------------
def test_sysctl_values_compare_as_the_kernel_reads_them():
    assert sysctl.comparable('01') == sysctl.comparable('1')
    assert sysctl.comparable('4096\t87380 6291456') == sysctl.comparable('4096 87380  6291456')
    assert sysctl.comparable('-1') == '-1' and sysctl.comparable('cubic') == 'cubic'


def test_sysctl_plan():
    res = Sysctl(NoKernel(), dict(netns='h1', name='net/ipv4/conf/eth0.100/forwarding', value=1), False)
    assert res.path == '/proc/sys/net/ipv4/conf/eth0.100/forwarding'
    assert res.name == 'net.ipv4.conf.eth0/100.forwarding' and res.interface == 'eth0.100'
    assert Sysctl(NoKernel(), dict(name='net.ipv4.ip_forward', value=1), False).interface is None
    have = dict(name=res.name, netns='h1', value='1')
    assert res.plan(have) == ([], have)
    ops, after = res.plan(dict(have, value='0'))
    assert actions(ops) == ["set net.ipv4.conf.eth0/100.forwarding to 1 in netns 'h1'"]
    assert after['value'] == '1'
