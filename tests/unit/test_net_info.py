"""net_info's reader (plugins/module_utils/_resources/net_info.py) without a kernel: input checks and veth peer hints."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import NetlinkError, Snapshot
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.net_info import NetInfo, peer_hints
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


class Msg(dict):
    """Enough of a pyroute2 link message: ['index'], get_attr(), get_nested()."""

    def __init__(self, index, name, kind=None, link=None):
        super(Msg, self).__init__(index=index)
        self.attrs = dict(IFLA_IFNAME=name, IFLA_LINK=link)
        self.kind = kind

    def get_attr(self, name):
        return self.attrs.get(name)

    def get_nested(self, *path):
        return self.kind if path == ('IFLA_LINKINFO', 'IFLA_INFO_KIND') else None


class NoKernel(object):
    """Only 'nginx-1' exists; no socket may be opened."""

    def exists(self, netns):
        return netns in (None, 'nginx-1')

    def ipr(self, netns):
        raise AssertionError('opened a socket')


@pytest.mark.parametrize('params,option,value', [
    (dict(netns=['nginx-1', 'nope']), 'netns', 'nope'),
    (dict(netns=['a/b']), 'netns', 'a/b'),
    (dict(netns=['nginx-1', 'nginx-1']), 'netns', 'nginx-1'),
    (dict(gather=['links', 'colours']), 'gather', 'colours'),
])
def test_bad_input_fails_before_any_socket(params, option, value):
    with pytest.raises(InvalidInput) as err:
        NetInfo(NoKernel(), params).read()
    assert (err.value.option, err.value.value) == (option, value)


def test_the_current_namespace_is_the_empty_name_and_addresses_need_links():
    info = NetInfo(NoKernel(), dict(netns=['', 'nginx-1'], gather=['addresses']))
    assert info.namespaces() == [None, 'nginx-1'] and info.gather == set(['links', 'addresses'])


def test_peer_hints_pair_the_ends_whose_indexes_cross():
    dumps = {
        None: [Msg(1, 'lo'), Msg(5, 'veth-a', 'veth', link=2), Msg(6, 'veth-b', 'veth', link=2),
               Msg(7, 'v1', 'veth', link=8), Msg(8, 'v2', 'veth', link=7)],
        'a': [Msg(2, 'eth0', 'veth', link=5)],
        'b': [Msg(2, 'eth0', 'veth', link=6)],
        'c': [Msg(3, 'x', 'veth', link=4), Msg(4, 'y', 'veth', link=3)],
    }
    assert peer_hints(dumps) == {
        (None, 5): ('a', 'eth0'), (None, 6): ('b', 'eth0'),
        # no hint towards the current namespace (the veth resource tries it anyway) or within one namespace
    }


class FakeIPRoute(object):
    def __init__(self):
        self.calls = []

    def get_links(self):
        self.calls.append('links')
        return [Msg(1, 'lo'), Msg(2, 'eth0', 'veth')]

    def get_addr(self):
        self.calls.append('addr')
        return [dict(index=2, a='x'), dict(index=1, a='y'), dict(index=2, a='z')]

    def link(self, command, **kwarg):
        self.calls.append(command)


def test_snapshot_dumps_once_and_answers_lookups_like_the_kernel():
    ipr = FakeIPRoute()
    snap = Snapshot(ipr)
    assert snap.link('get', ifname='eth0')[0]['index'] == 2 and snap.link('get', index=1)[0].get_attr('IFLA_IFNAME') == 'lo'
    with pytest.raises(NetlinkError) as err:
        snap.link('get', index=9)
    assert err.value.code == 19  # ENODEV, as lookup() expects
    assert [m['a'] for m in snap.get_addr(index=2)] == ['x', 'z'] and len(snap.get_addr()) == 3
    assert snap.get_addr(index=7) == [] and len(snap.get_links()) == 2
    snap.link('set', index=2, state='up')  # anything else goes to the socket
    assert ipr.calls == ['links', 'addr', 'set']
