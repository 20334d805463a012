"""_netlink.Snapshot, the write-aware cache of a namespace's links, addresses and routes: it answers like the kernel,
and each kind of write makes it forget exactly what that write can make stale (here and in other namespaces)."""
import errno
import socket

import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import Netlink, NetlinkError, Snapshot

MOVED_FD = 7  # a descriptor Netlink.ns_fd handed out for namespace 'b'


def test_snapshot_dumps_once_and_answers_lookups_like_the_kernel(kernel):
    ipr = kernel.Socket(links=[kernel.link(1, 'lo'), kernel.link(2, 'eth0', 'veth')],
                        addrs=[kernel.Msg(index=2, a='x'), kernel.Msg(index=1, a='y'), kernel.Msg(index=2, a='z')])
    snap = Snapshot(ipr)  # read-only: one dump answers every look-up
    assert snap.link('get', ifname='eth0')[0]['index'] == 2 and snap.link('get', index=1)[0].get_attr('IFLA_IFNAME') == 'lo'
    with pytest.raises(NetlinkError) as err:
        snap.link('get', index=9)
    assert err.value.code == errno.ENODEV  # as lookup() expects
    assert [m['a'] for m in snap.get_addr(index=2)] == ['x', 'z'] and len(snap.get_addr()) == 3
    assert snap.get_addr(index=7) == [] and len(snap.get_links()) == 2
    snap.link('set', index=2, state='up')  # anything else goes to the socket
    assert [c[0] for c in ipr.calls] == ['get_links', 'get_addr', 'link']


@pytest.fixture
def two_namespaces(kernel):
    """A Netlink whose current namespace and namespace 'b' are Snapshots over fake sockets, both read once."""
    def namespace():
        return kernel.Socket(links=[kernel.link(1, 'lo'), kernel.link(2, 'eth0', 'veth')],
                             addrs=[kernel.Msg(index=2)], routes=[kernel.Msg(family=socket.AF_INET)])
    nl = Netlink()
    nl._sockets = dict((name, Snapshot(namespace(), nl)) for name in (None, 'b'))  # pylint: disable=protected-access
    nl._fds[MOVED_FD] = 'b'  # pylint: disable=protected-access
    for snap in nl._sockets.values():  # pylint: disable=protected-access
        reads(snap)
    return nl


def reads(snap):
    """What the resources read, in the order they read it: the requests it cost (get_links: a link dump,
    'link eth0': a look-up of eth0, get_addr / get_routes: dumps)."""
    before = len(snap._ipr.calls)  # pylint: disable=protected-access
    snap.link('get', ifname='eth0')
    snap.get_links()
    snap.get_addr(index=2)
    snap.get_routes(family=socket.AF_INET)
    return [c[0] if c[0] != 'link' else 'link ' + str(c[2].get('ifname') or c[2].get('index'))
            for c in snap._ipr.calls[before:]]  # pylint: disable=protected-access


EVERYTHING = ['link eth0', 'get_links', 'get_addr', 'get_routes']


@pytest.mark.parametrize('write,here,in_b', [
    # a link set forgets that link's message (name and index stay known), and the namespace's routes
    (lambda s: s.link('set', index=2, state='up'), ['link eth0', 'get_routes'], []),
    (lambda s: s.link('set', index=2, kind='vxlan', vxlan_ttl=5), ['link eth0', 'get_routes'], []),
    # ... after an MTU change or a set down also its addresses (the kernel may drop IPv6 ones)
    (lambda s: s.link('set', index=2, mtu=1400), ['link eth0', 'get_addr', 'get_routes'], []),
    (lambda s: s.link('set', index=2, state='down'), ['link eth0', 'get_addr', 'get_routes'], []),
    # a rename or a move: every namespace forgets everything
    (lambda s: s.link('set', index=2, ifname='eth1'), EVERYTHING, EVERYTHING),
    (lambda s: s.link('set', index=2, net_ns_fd=MOVED_FD), EVERYTHING, EVERYTHING),
    # a link add: a dump no longer lists every link, here and where the new link is made
    (lambda s: s.link('add', ifname='v9', kind='veth', peer=dict(ifname='p9')), ['get_links', 'get_routes'], []),
    (lambda s: s.link('add', ifname='v9', kind='veth', peer=dict(ifname='p9', net_ns_fd=MOVED_FD)),
     ['get_links', 'get_routes'], ['get_links']),
    (lambda s: s.link('add', ifname='mv0', kind='macvlan', link=2, net_ns_fd=MOVED_FD),
     ['get_links', 'get_routes'], ['get_links']),
    # a delete (a veth's other end may go with it, anywhere): everything, everywhere
    (lambda s: s.link('del', index=2), EVERYTHING, EVERYTHING),
    # an address write: the namespace's addresses and routes
    (lambda s: s.addr('add', index=2, address='10.0.0.1', prefixlen=24), ['get_addr', 'get_routes'], []),
    # a route write: the namespace's routes
    (lambda s: s.route('replace', dst='10.1.0.0/16', gateway='10.0.0.9'), ['get_routes'], []),
    # reads forget nothing
    (lambda s: s.link('get', index=2), [], []),
    (lambda s: s.route('get', dst='10.1.0.1'), [], []),
], ids=['set', 'set-kind-attr', 'set-mtu', 'set-down', 'rename', 'move', 'add-veth', 'add-veth-peer-elsewhere',
        'add-macvlan-elsewhere', 'delete', 'addr', 'route', 'get-link', 'get-route'])
def test_each_write_forgets_exactly_what_it_can_make_stale(two_namespaces, write, here, in_b):
    write(two_namespaces.ipr(None))
    assert (reads(two_namespaces.ipr(None)), reads(two_namespaces.ipr('b'))) == (here, in_b)


def test_a_name_made_by_this_run_is_looked_up_and_a_missing_one_costs_nothing(two_namespaces):
    snap = two_namespaces.ipr(None)
    with pytest.raises(NetlinkError):
        snap.link('get', ifname='nope')  # the dump lists every link: no request
    snap.link('add', ifname='nope', kind='bridge')
    with pytest.raises(NetlinkError):
        snap.link('get', ifname='nope')  # made by this run (the fake kernel makes nothing): asked
    assert [c[1:] for c in snap._ipr.calls[-2:]] == [('add', dict(ifname='nope', kind='bridge')),  # pylint: disable=protected-access
                                                     ('get', dict(ifname='nope'))]
