"""The fdb resource's checks and plans, without a kernel."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import fdb
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.fdb import Fdb
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


def actions(ops):
    return [op.action for op in ops]


@pytest.fixture
def entry(planned):
    return planned(Fdb, netns='h1', interface='vx0', mac='02:00:00:00:00:0B')


def test_fdb_bridge_entries_forward_and_device_entries_are_permanent():
    assert fdb._state_of(master=True, permanent=True) == fdb.NUD_NOARP | fdb.NUD_REACHABLE  # static, not local
    assert not fdb._state_of(master=True, permanent=True) & fdb.NUD_PERMANENT
    assert fdb._state_of(master=True, permanent=False) == fdb.NUD_REACHABLE
    assert fdb._state_of(master=False, permanent=True) == fdb.NUD_NOARP | fdb.NUD_PERMANENT  # 192, as flannel
    assert fdb._state_of(master=False, permanent=False) == fdb.NUD_NOARP | fdb.NUD_REACHABLE


def test_fdb_kind_of_entry_follows_the_options(entry):
    assert entry().master is True
    assert entry(dst='198.18.0.2').master is False
    assert entry(vni=5, dst='198.18.0.2').master is False
    assert entry(self=True).master is False
    assert entry(master=True).master is True and entry().mac == '02:00:00:00:00:0b'


HAVE_FDB = dict(interface='vx0', netns='h1', mac='02:00:00:00:00:0b', master=False, self=True, bridge=None,
                dst='198.18.0.2', vni=1, permanent=True, local=False)


def test_fdb_dst_change_is_one_replace(entry):
    res = entry(dst='198.18.0.3', self=True)
    ops, after = res.plan(dict(HAVE_FDB))
    assert actions(ops) == ["update fdb entry 02:00:00:00:00:0b dst 198.18.0.3 on vx0 in netns 'h1' "
                            "(dst 198.18.0.2 -> 198.18.0.3)"]
    assert after == dict(HAVE_FDB, dst='198.18.0.3')
    assert entry(dst='198.18.0.2').plan(dict(HAVE_FDB)) == ([], HAVE_FDB)


def test_fdb_vni_change_of_a_flood_entry_swaps_the_remote(entry):
    have = dict(HAVE_FDB, mac=fdb.FLOOD_MAC)
    ops, after = entry(mac=fdb.FLOOD_MAC, dst='198.18.0.2', vni=7).plan(have)
    assert [a.split(' on ')[0] for a in actions(ops)] == ['remove fdb entry 00:00:00:00:00:00 dst 198.18.0.2',
                                                          'add fdb entry 00:00:00:00:00:00 dst 198.18.0.2']
    assert after['vni'] == 7


def test_fdb_local_bridge_entry_becomes_a_forwarding_one(entry):
    have = dict(HAVE_FDB, interface='pb', master=True, self=False, bridge='br0', dst=None, vni=None, local=True)
    ops, after = entry(interface='pb', master=True).plan(have)
    assert actions(ops) == ["update fdb entry 02:00:00:00:00:0b on pb in netns 'h1' (local True -> False)"]
    assert after['local'] is False


@pytest.mark.parametrize('params,option', [
    (dict(master=True, self=True), 'self'), (dict(master=True, dst='198.18.0.2'), 'dst'),
    (dict(mac='02:00:00:00:00'), 'mac'), (dict(mac=fdb.FLOOD_MAC), 'mac'), (dict(vni=0, dst='198.18.0.2'), 'vni'),
    (dict(dst='0.0.0.0'), 'dst'), (dict(interface='a/b'), 'interface'),
])
def test_fdb_rejects(params, option, entry):
    with pytest.raises(InvalidInput) as err:
        entry(**params)
    assert err.value.option == option


def test_flood_plan_no_change():
    ops, after = fdb.plan_flood(None, None, 'vx0', ['198.18.0.2'], ['198.18.0.2'])
    assert ops == [] and after == ['198.18.0.2']
