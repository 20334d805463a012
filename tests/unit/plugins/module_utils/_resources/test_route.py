"""The route resource's checks and plans, without a kernel."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.route import Route, text
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


def actions(ops):
    return [op.action for op in ops]


HAVE_ROUTE = dict(dst='0.0.0.0/0', table=254, metric=0, gateway='10.0.0.1', dev='eth0', onlink=False,
                  scope='global', type='unicast', netns='c1')


@pytest.fixture
def route(planned):
    return planned(Route, netns='c1', dst='default', table='main')


def test_route_gateway_change_is_one_replace_and_the_kernel_picks_the_dev(route):
    ops, after = route(gateway='10.0.0.254').plan(dict(HAVE_ROUTE))
    assert actions(ops) == ["replace route default via 10.0.0.1 dev eth0 in netns 'c1' "
                            "(gateway 10.0.0.1 -> 10.0.0.254)"]
    assert after == dict(HAVE_ROUTE, gateway='10.0.0.254', dev=None)


def test_route_compares_only_what_is_set(route):
    assert route(dev='eth0').plan(dict(HAVE_ROUTE)) == ([], HAVE_ROUTE)
    assert route(gateway='10.0.0.1', onlink=False).plan(dict(HAVE_ROUTE)) == ([], HAVE_ROUTE)


def test_route_of_another_type_is_replaced(route):
    ops, after = route(gateway='10.0.0.1').plan(dict(HAVE_ROUTE, type='blackhole', gateway=None, dev=None))
    assert len(ops) == 1 and ops[0].action.startswith('replace route blackhole default')
    assert after['type'] == 'unicast' and after['gateway'] == '10.0.0.1'


def test_route_create_defaults_and_ipv6(route):
    ops, after = route(dst='10.1.0.0/24', dev='eth0').plan(None)
    assert actions(ops) == ["add route 10.1.0.0/24 dev eth0 scope link in netns 'c1'"]
    assert after['scope'] == 'link' and after['metric'] == 0
    r6 = route(gateway='fe80::1', dev='eth0', metric=0)
    assert r6.dst == '::/0' and r6.metric == 1024
    ops, after = r6.plan(None)
    assert actions(ops) == ["add route default via fe80::1 dev eth0 in netns 'c1'"]
    assert after['scope'] == 'global' and after['metric'] == 1024


def test_route_absent_removes_every_match(route):
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
def test_route_rejects(params, option, route):
    with pytest.raises(InvalidInput) as err:
        route(**params)
    assert err.value.option == option
