"""The macvlan kind's plans, without a kernel: what changes in place, what replaces the device."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.macvlan import Macvlan
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput

HAVE = dict(name='mv0', netns='c1', kind='macvlan', parent='uplink', parent_netns='host', mode='bridge', mtu=1500,
            mac_address='02:00:00:00:00:05', up=True, alias=None, master=None, addresses=[])


@pytest.fixture
def macvlan(kernel):
    """Namespace 'host' has the parents uplink and wire, c1 is empty (the device is planned from 'have')."""
    nl = kernel.Kernel({'host': kernel.Socket(links=[kernel.link(2, 'uplink', 'veth'), kernel.link(3, 'wire', 'veth')]),
                        'c1': kernel.Socket(), None: kernel.Socket(links=[kernel.link(2, 'uplink', 'veth')])})

    def make(check_mode=False, **params):
        return Macvlan(nl, dict(dict(name='mv0', netns='c1', parent='uplink', parent_netns='host'), **params),
                       check_mode)
    return make


def actions(ops):
    return [op.action for op in ops]


def test_create_sends_mode_and_parent(macvlan):
    res = macvlan(addresses=['10.9.0.2/24'])
    ops, after = res.plan(None)
    assert actions(ops) == ["create macvlan mv0 in netns 'c1' (mode bridge, parent uplink, parent_netns host)",
                            "add address 10.9.0.2/24 to mv0 in netns 'c1'", "bring up macvlan mv0 in netns 'c1'"]
    assert (after['parent'], after['parent_netns'], after['mode']) == ('uplink', 'host', 'bridge')
    assert res.create_in() == 'host'  # made on the parent's namespace socket, placed in c1 by the same request


@pytest.mark.parametrize('change,first', [
    (dict(mode='vepa'), "set mode of macvlan mv0 in netns 'c1': bridge -> vepa"),
    (dict(mode='passthru'), "replace macvlan mv0 in netns 'c1' (mode bridge -> passthru cannot change in place)"),
    (dict(parent='wire'), "replace macvlan mv0 in netns 'c1' (parent uplink -> wire cannot change in place)"),
    # parent_netns unset is the namespace the module runs in, not "any": the device is on another parent
    (dict(parent_netns=None), "replace macvlan mv0 in netns 'c1' (parent_netns host -> None cannot change in place)"),
])
def test_what_changes_in_place_and_what_replaces(macvlan, change, first):
    ops, after = macvlan(**change).plan(dict(HAVE))
    assert actions(ops)[0] == first and after['mode'] == change.get('mode', 'bridge')


def test_converged_and_a_missing_parent(macvlan):
    assert macvlan().plan(dict(HAVE)) == ([], HAVE)
    with pytest.raises(InvalidInput, match="parent='eth9': no such interface in netns 'host'"):
        macvlan(parent='eth9').plan(None)
    predicted = macvlan(parent='eth9', check_mode=True)
    assert "parent 'eth9' does not exist yet in netns 'host': assuming an earlier task creates it" in \
        actions(predicted.plan(None)[0]) + predicted.notes


@pytest.mark.parametrize('params,option', [(dict(parent='a/b'), 'parent'), (dict(parent_netns='..'), 'parent_netns')])
def test_bad_input(macvlan, params, option):
    with pytest.raises(InvalidInput) as err:
        macvlan(**params)
    assert err.value.option == option
