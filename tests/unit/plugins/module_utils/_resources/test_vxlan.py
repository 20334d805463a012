"""The vxlan kind's checks and plans, without a kernel."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.vxlan import Vxlan
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


def actions(ops):
    return [op.action for op in ops]


VX = dict(name='vx0', netns=None, kind='vxlan', mtu=1450, mac_address='02:00:00:00:00:02', up=True, master=None,
          addresses=[], vni=42, dstport=4789, local='198.18.0.1', group=None, dev=None, learning=False, ttl=0,
          remotes=['198.18.0.2', '198.18.0.3'])


@pytest.fixture
def vxlan(every_netns):
    def make(**params):
        base = dict(name='vx0', netns=None, state='present', up=True, vni=42, dstport=4789)
        base.update(params)
        return Vxlan(every_netns, base, False)
    return make


def test_vxlan_vni_change_is_a_replacement(vxlan):
    ops, after = vxlan(vni=43).plan(dict(VX))
    assert actions(ops)[0] == 'replace vxlan vx0 in the current netns (vni 42 -> 43 cannot change in place)'
    assert after['vni'] == 43


def test_vxlan_dstport_is_always_sent(vxlan):
    assert vxlan(dstport=None).want['dstport'] == 4789
    ops = vxlan(dstport=None).plan(dict(VX, dstport=8472))[0]
    assert 'dstport 8472 -> 4789' in actions(ops)[0]


def test_vxlan_remotes_are_exact(vxlan):
    ops, after = vxlan(remotes=['198.18.0.3', '198.18.0.4']).plan(dict(VX))
    assert actions(ops) == [
        'remove flood entry 00:00:00:00:00:00 dst 198.18.0.2 from vxlan vx0 in the current netns',
        'add flood entry 00:00:00:00:00:00 dst 198.18.0.4 to vxlan vx0 in the current netns',
    ]
    assert after['remotes'] == ['198.18.0.3', '198.18.0.4']


def test_vxlan_learning_changes_in_place(vxlan):
    ops = vxlan(learning=True).plan(dict(VX))[0]
    assert actions(ops) == ['set learning of vxlan vx0 in the current netns: False -> True']


@pytest.mark.parametrize('params,option', [
    (dict(vni=0), 'vni'), (dict(vni=16777216), 'vni'), (dict(dstport=70000), 'dstport'),
    (dict(remotes=['198.18.0.2', '198.18.0.2']), 'remotes'), (dict(remotes=['239.1.1.1']), 'remotes'),
    (dict(group='198.18.0.9'), 'group'), (dict(local='nope'), 'local'), (dict(ttl=256), 'ttl'),
])
def test_vxlan_bad_input(params, option, vxlan):
    with pytest.raises(InvalidInput) as e:
        vxlan(**params)
    assert e.value.option == option
