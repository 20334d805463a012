# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pyroute2 access shared by every module.

One IPRoute socket per network namespace for the whole module run. A socket for a named namespace is made
by entering it in-process (setns), opening the socket, and returning: no fork, and on both pyroute2 0.7 and
0.9. A namespace is never created by looking at it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import importlib.util
import os
import sys
import traceback
import types

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nsfs


def _lazy_package(spec):
    """A stand-in for the package pyroute2 whose __init__ (it imports every pyroute2 API: NDB, IPDB, conntrack,
    ...; 0.3-0.5 s of each module run) runs only when a name it defines is asked for, e.g. 'from pyroute2
    import NDB'. Submodules load as usual."""
    package = types.ModuleType('pyroute2')
    package.__path__, package.__spec__, package.__loader__ = list(spec.submodule_search_locations), spec, spec.loader
    package.__file__ = spec.origin

    def load(name):
        where = os.path.join(package.__path__[0], name)
        if os.path.isdir(where) or os.path.isfile(where + '.py'):  # a submodule: the import system loads it
            raise AttributeError(name)
        if package.__dict__.pop('__getattr__', None) is None:
            raise AttributeError(name)
        spec.loader.exec_module(package)
        return getattr(package, name)
    package.__getattr__ = load
    return package


def _import_pyroute2():
    """(IPRoute, NetlinkError), importing only the modules they need (see _lazy_package). Should a pyroute2
    release be laid out otherwise, the plain import is used."""
    if 'pyroute2' not in sys.modules:
        spec = importlib.util.find_spec('pyroute2')
        if spec is not None and spec.submodule_search_locations and spec.loader is not None:
            sys.modules['pyroute2'] = _lazy_package(spec)
    try:
        from pyroute2.iproute.linux import IPRoute as iproute
        from pyroute2.netlink.exceptions import NetlinkError as error
        return iproute, error
    except ImportError:
        for name in [n for n in sys.modules if n == 'pyroute2' or n.startswith('pyroute2.')]:
            del sys.modules[name]
        from pyroute2 import IPRoute as iproute
        from pyroute2.netlink.exceptions import NetlinkError as error
        return iproute, error


try:
    IPRoute, NetlinkError = _import_pyroute2()
    PYROUTE2_IMPORT_ERROR = None
except ImportError:
    IPRoute = None
    PYROUTE2_IMPORT_ERROR = traceback.format_exc()

    class NetlinkError(Exception):  # type: ignore[no-redef]
        code = 0


class MissingLibrary(Exception):
    """pyroute2 cannot be imported; raised at the first socket, so bad input is still reported first."""


class NamespaceMissing(Exception):
    def __init__(self, netns):
        self.netns = netns
        super(NamespaceMissing, self).__init__("network namespace '%s' does not exist" % netns)


def describe(err):
    """'File exists (EEXIST)' for a NetlinkError or OSError."""
    code = getattr(err, 'code', None) or getattr(err, 'errno', None) or 0
    return '%s (%s)' % (os.strerror(code), errno.errorcode.get(code, code))


def where(netns):
    return "netns '%s'" % netns if netns else 'the current netns'


class Snapshot(object):
    """A namespace's socket whose reads of links, addresses and routes are answered from dumps kept in memory;
    everything else goes to the socket. Without it, reading each of N links costs a dump of N addresses, and a
    bridge network with N endpoints is O(N^2). The module is taken to be the only writer during its run, and
    writes made through the socket keep the memory true:
    - a link set forgets that link's message (its name and index stay known; a rename or move forgets all),
      and after a change of MTU or a set down also the namespace's addresses (the kernel may drop IPv6 ones;
      the link-local ones a link gets when it goes up are never shown);
    - a link add forgets the new name(s), also in the namespace it is made in (net_ns_fd: a macvlan on a lower
      device of this namespace), and its veth peer's in the namespace that one is made in;
    - a link delete, or any other link command, makes every namespace forget everything (a veth's other end,
      elsewhere, goes with it);
    - an address write forgets the namespace's addresses; any write forgets its routes.
    A port attached to a bridge may change the bridge's carrier and MTU: no resource reads a bridge after it
    attached ports to it in the same run. 'nl' (the Netlink) is None for a run that never writes."""

    def __init__(self, ipr, nl=None):
        self._ipr, self._nl = ipr, nl
        self.drop()

    def drop(self):
        self._links, self._names, self._added = {}, {}, set()
        self._complete = False  # _names holds every link except the _added ones
        self._addrs, self._routes = None, {}

    def __getattr__(self, name):
        return getattr(self._ipr, name)

    def _dump_links(self):
        if not self._complete:
            msgs = list(self._ipr.get_links())
            self._links = dict((m['index'], m) for m in msgs)
            self._names = dict((m.get_attr('IFLA_IFNAME'), m['index']) for m in msgs)
            self._added, self._complete = set(), True
        return self._links

    def get_links(self, *argv, **kwarg):
        if argv or kwarg:
            return self._ipr.get_links(*argv, **kwarg)
        if self._complete and (self._added or len(self._links) < len(self._names)):  # some forgotten: dump again
            self._complete = False
        return list(self._dump_links().values())

    def _get(self, key, value):
        if self._nl is None:  # read-only: one dump answers every look-up
            self._dump_links()
        index = value if key == 'index' else self._names.get(value)
        if index in self._links:
            return self._links[index]
        if self._complete and key == 'ifname' and index is None and value not in self._added:
            raise NetlinkError(errno.ENODEV, 'No such device')
        if self._nl is None:
            raise NetlinkError(errno.ENODEV, 'No such device')
        msg = self._ipr.link('get', **{key: value})[0]
        self._links[msg['index']] = msg
        self._names[msg.get_attr('IFLA_IFNAME')] = msg['index']
        return msg

    def index_of(self, ifname):
        """The index of a link, without a request when the link was seen before."""
        index = self._names.get(ifname)
        return index if index is not None else self._get('ifname', ifname)['index']

    def link(self, command, **kwarg):
        key = list(kwarg)[0] if len(kwarg) == 1 else None
        if command == 'get' and key in ('index', 'ifname'):
            return [self._get(key, kwarg[key])]
        if command == 'get' or self._nl is None:
            return self._ipr.link(command, **kwarg)
        self._routes = {}
        if command == 'set' and not set(kwarg) & set(('ifname', 'net_ns_fd', 'net_ns_pid')):
            self._links.pop(kwarg.get('index'), None)
            if 'mtu' in kwarg or kwarg.get('state') == 'down':
                self._addrs = None
        elif command == 'add':
            self.forget_link(kwarg.get('ifname'))
            if kwarg.get('net_ns_fd') is not None:  # made here, on a lower device of this namespace, and moved
                self._nl.forget_name(kwarg['net_ns_fd'], kwarg.get('ifname'))
            peer = kwarg.get('peer') or {}
            if isinstance(peer, dict) and peer.get('net_ns_fd') is None:
                self.forget_link(peer.get('ifname'))
            elif isinstance(peer, dict):
                self._nl.forget_name(peer['net_ns_fd'], peer.get('ifname'))
        else:
            self._nl.drop()
        return self._ipr.link(command, **kwarg)

    def forget_link(self, ifname):
        """A link of that name was made: its message (if any) is stale, and a dump no longer lists every link."""
        self._links.pop(self._names.pop(ifname, None), None)
        self._added.add(ifname)

    def get_addr(self, index=None, **kwarg):
        if kwarg:
            return self._ipr.get_addr(index=index, **kwarg)
        if self._addrs is None:
            self._addrs = {None: list(self._ipr.get_addr())}
            for msg in self._addrs[None]:
                self._addrs.setdefault(msg['index'], []).append(msg)
        return list(self._addrs.get(index, ()))

    def addr(self, command, **kwarg):
        if command not in ('get', 'dump') and self._nl is not None:
            self._addrs, self._routes = None, {}
        return self._ipr.addr(command, **kwarg)

    def get_routes(self, **kwarg):
        if set(kwarg) - set(('family',)):
            return self._ipr.get_routes(**kwarg)
        key = kwarg.get('family')
        if key not in self._routes:
            self._routes[key] = list(self._ipr.get_routes(**kwarg))
        return list(self._routes[key])

    def route(self, command, **kwarg):
        if command not in ('get', 'dump', 'show'):
            self._routes = {}
        return self._ipr.route(command, **kwarg)


class Netlink(object):
    """Sockets by namespace name; None is the namespace the module runs in. Every socket is a Snapshot (see
    there); with read_only, one that never forgets: for runs that never change anything."""

    def __init__(self, read_only=False):
        self._sockets = {}
        self._nsids = {}  # (netns, nsid) -> name, see netns_of_nsid
        self._fds = {}  # open descriptor -> namespace name, see ns_fd
        self.planned = set()  # what resources of this run create (see Resource.note)
        self.read_only = read_only

    def exists(self, netns):
        return _nsfs.exists(netns)

    def ipr(self, netns):
        if netns not in self._sockets:
            if IPRoute is None:
                raise MissingLibrary()
            if not _nsfs.exists(netns):
                raise NamespaceMissing(netns)
            with _nsfs.enter(netns):
                sock = IPRoute()
            self._sockets[netns] = Snapshot(sock, None if self.read_only else self)
        return self._sockets[netns]

    def drop(self):
        """Every namespace forgets what it read (after a write that may reach beyond one namespace)."""
        self._nsids = {}
        for sock in self._sockets.values():
            sock.drop()

    def forget_name(self, fd, ifname):
        """A link named 'ifname' was made in the namespace of descriptor 'fd' (see ns_fd)."""
        netns = self._fds.get(fd, False)
        if netns is False:
            self.drop()
        elif netns in self._sockets:
            self._sockets[netns].forget_link(ifname)

    def forget(self, netns):
        """Closes the socket of a namespace that is about to be deleted (the others forget what they read:
        links whose other end is in it go with it)."""
        sock = self._sockets.pop(netns, None)
        self.drop()
        if sock is not None:
            sock.close()

    def close(self):
        for sock in self._sockets.values():
            sock.close()
        self._sockets = {}

    def netns_of_nsid(self, netns, nsid, hint=None):
        """The name of the namespace that 'netns' calls 'nsid' (None: the current one), or False if none
        of the named namespaces matches. 'hint' is tried first. Answers are kept for the run."""
        if nsid is None:
            return netns
        if (netns, nsid) not in self._nsids:
            self._nsids[(netns, nsid)] = self._find_nsid(netns, nsid, hint)
        return self._nsids[(netns, nsid)]

    def _find_nsid(self, netns, nsid, hint):
        seen = set()
        for name in self._candidates(hint):
            if name in seen or not _nsfs.exists(name):
                continue
            seen.add(name)
            fd = os.open(_nsfs.path(name) if name else _nsfs.own_ns(), os.O_RDONLY)
            try:
                found = self.ipr(netns).get_netnsid(fd=fd)
            finally:
                os.close(fd)
            if found and found.get('nsid') == nsid:
                return name
        return False

    @staticmethod
    def _candidates(hint):
        """The hint, the current namespace, the named ones, then those of processes (a container's), each listed
        only if it comes to that."""
        yield hint
        yield None
        yield from _nsfs.names()
        yield from _nsfs.process_namespaces()

    def ns_fd(self, netns):
        """An open descriptor of a namespace, for moving links into it. The caller closes it."""
        if not _nsfs.exists(netns):
            raise NamespaceMissing(netns)
        fd = os.open(_nsfs.path(netns) if netns else _nsfs.own_ns(), os.O_RDONLY)
        self._fds[fd] = netns
        return fd


def lookup(ipr, name=None, index=None):
    """The link message for a name (or index), or None."""
    try:
        if index is not None:
            return ipr.link('get', index=index)[0]
        return ipr.link('get', ifname=name)[0]
    except NetlinkError as e:
        if e.code == errno.ENODEV:
            return None
        raise


def index_of(ipr, name):
    """The index of link 'name' (a Snapshot knows it without a request once it has seen the link)."""
    return ipr.index_of(name) if hasattr(ipr, 'index_of') else lookup(ipr, name)['index']


def name_of(ipr, index):
    """The name of interface 'index' (None when there is none)."""
    if not index:
        return None
    msg = lookup(ipr, index=index)
    return msg.get_attr('IFLA_IFNAME') if msg is not None else None


def kind_of(msg):
    return msg.get_nested('IFLA_LINKINFO', 'IFLA_INFO_KIND') or 'device'


def info(msg, attr):
    """An attribute of the kind's data (IFLA_LINKINFO / IFLA_INFO_DATA)."""
    return msg.get_nested('IFLA_LINKINFO', 'IFLA_INFO_DATA', attr)
