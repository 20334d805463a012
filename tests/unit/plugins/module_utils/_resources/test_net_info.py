"""net_info's reader (plugins/module_utils/_resources/net_info.py) without a kernel: input checks and veth peer hints."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.net_info import NetInfo, peer_hints
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


@pytest.fixture
def nginx_only(kernel):
    """Only the current namespace and 'nginx-1' exist; no socket may be opened."""
    return kernel.Kernel({None: kernel.Socket(), 'nginx-1': kernel.Socket()}, sockets=False)


@pytest.mark.parametrize('params,option,value', [
    (dict(netns=['nginx-1', 'nope']), 'netns', 'nope'),
    (dict(netns=['a/b']), 'netns', 'a/b'),
    (dict(netns=['nginx-1', 'nginx-1']), 'netns', 'nginx-1'),
    (dict(gather=['links', 'colours']), 'gather', 'colours'),
])
def test_bad_input_fails_before_any_socket(params, option, value, nginx_only):
    with pytest.raises(InvalidInput) as err:
        NetInfo(nginx_only, params).read()
    assert (err.value.option, err.value.value) == (option, value)


def test_the_current_namespace_is_the_empty_name_and_addresses_need_links(nginx_only):
    info = NetInfo(nginx_only, dict(netns=['', 'nginx-1'], gather=['addresses']))
    assert info.namespaces() == [None, 'nginx-1'] and info.gather == set(['links', 'addresses'])


def test_peer_hints_pair_the_ends_whose_indexes_cross(kernel):
    link = kernel.link
    dumps = {
        None: [link(1, 'lo'), link(5, 'veth-a', 'veth', link=2), link(6, 'veth-b', 'veth', link=2),
               link(7, 'v1', 'veth', link=8), link(8, 'v2', 'veth', link=7)],
        'a': [link(2, 'eth0', 'veth', link=5)],
        'b': [link(2, 'eth0', 'veth', link=6)],
        'c': [link(3, 'x', 'veth', link=4), link(4, 'y', 'veth', link=3)],
    }
    assert peer_hints(dumps) == {
        (None, 5): ('a', 'eth0'), (None, 6): ('b', 'eth0'),
        # no hint towards the current namespace (the veth resource tries it anyway) or within one namespace
    }
