"""The neighbor resource's checks and plans, without a kernel."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.neighbor import Neighbor
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


def actions(ops):
    return [op.action for op in ops]


@pytest.fixture
def neighbor(planned):
    return planned(Neighbor, netns='h1', interface='flannel.1', ip='10.244.2.0', mac='02:42:0A:F4:02:00')


HAVE_NEIGH = dict(interface='flannel.1', netns='h1', ip='10.244.2.0', mac='02:42:0a:f4:02:00', state='permanent',
                  permanent=True)


def test_neighbor_plans(neighbor):
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
def test_neighbor_rejects(params, option, neighbor):
    with pytest.raises(InvalidInput) as err:
        neighbor(**params)
    assert err.value.option == option
