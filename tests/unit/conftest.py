"""Unit tests: no root, no sandbox, no kernel. The tree under tests/unit mirrors plugins/.

- The repository is importable as ansible_collections.linuxnet.fabric (a symlink in a temporary directory is put on
  sys.path).
- One fake kernel for every test: FakeKernel stands for _netlink.Netlink (namespaces by name, None for the one the
  module runs in), FakeSocket for one namespace's IPRoute (it answers the dumps and look-ups the engine makes from
  lists of Msg, and records every call). Tests get them through the fixtures below.
"""
import atexit
import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _collection_on_sys_path():
    root = Path(tempfile.mkdtemp(prefix='fabric-unit-'))
    (root / 'ansible_collections' / 'linuxnet').mkdir(parents=True)
    os.symlink(REPO, root / 'ansible_collections' / 'linuxnet' / 'fabric')
    sys.path.insert(0, str(root))
    atexit.register(shutil.rmtree, root, True)


_collection_on_sys_path()

from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import NamespaceMissing, NetlinkError  # noqa: E402 pylint: disable=wrong-import-position


class Msg(dict):
    """A netlink message as pyroute2 gives it: header fields as keys (index, flags, ifindex...), attributes by name
    (get_attr), and for a link its kind and the kind's data (get_nested on IFLA_LINKINFO)."""

    def __init__(self, attrs=None, kind=None, data=None, **fields):
        super(Msg, self).__init__(**fields)
        self.attrs, self.kind, self.data = dict(attrs or {}), kind, dict(data or {})

    def get_attr(self, name):
        return self.attrs.get(name)

    def get_nested(self, *path):
        if path == ('IFLA_LINKINFO', 'IFLA_INFO_KIND'):
            return self.kind
        if path[:2] == ('IFLA_LINKINFO', 'IFLA_INFO_DATA') and len(path) == 3:
            return self.data.get(path[2])
        return None


def link(index, name, kind=None, link=None, flags=0, data=None, **attrs):  # pylint: disable=redefined-outer-name
    """A link message: index, name, kind, IFLA_LINK ('link': a veth's peer index), the kind's data and other
    attributes by name."""
    return Msg(dict(IFLA_IFNAME=name, IFLA_LINK=link, **attrs), kind=kind, data=data, index=index, flags=flags)


class FakeSocket(object):
    """One namespace's IPRoute: dumps and look-ups are answered from the lists given, every call is recorded in
    'calls' as (method, command or None, keywords). Writes change nothing."""

    def __init__(self, links=(), addrs=(), routes=(), fdb=(), neighbours=()):
        self.links, self.addrs, self.routes = list(links), list(addrs), list(routes)
        self.fdb_entries, self.neighbours = list(fdb), list(neighbours)
        self.calls = []

    def _called(self, method, command=None, **kwarg):
        self.calls.append((method, command, kwarg))

    def get_links(self, *argv, **kwarg):
        self._called('get_links', **kwarg)
        return list(self.links)

    def link(self, command, **kwarg):
        self._called('link', command, **kwarg)
        if command != 'get':
            return []
        key, value = ('index', kwarg['index']) if 'index' in kwarg else ('IFLA_IFNAME', kwarg['ifname'])
        found = [m for m in self.links if (m[key] if key == 'index' else m.get_attr(key)) == value]
        if not found:
            raise NetlinkError(errno.ENODEV, 'No such device')
        return found

    def get_addr(self, index=None, **kwarg):
        self._called('get_addr', index=index, **kwarg)
        return [m for m in self.addrs if index is None or m['index'] == index]

    def addr(self, command, **kwarg):
        self._called('addr', command, **kwarg)

    def get_routes(self, family=None, **kwarg):
        self._called('get_routes', family=family, **kwarg)
        return [m for m in self.routes if family is None or m['family'] == family]

    def route(self, command, **kwarg):
        self._called('route', command, **kwarg)

    def fdb(self, command, **kwarg):
        self._called('fdb', command, **kwarg)
        return [m for m in self.fdb_entries if kwarg.get('ifindex') in (None, m['ifindex'])] if command == 'dump' else []

    def get_neighbours(self, ifindex=None, **kwarg):
        self._called('get_neighbours', ifindex=ifindex, **kwarg)
        return [m for m in self.neighbours if ifindex is None or m['ifindex'] == ifindex]

    def close(self):
        self._called('close')


class FakeKernel(object):
    """Stands for _netlink.Netlink. 'namespaces' maps names (None: the namespace the module runs in) to their
    FakeSocket; with 'everywhere' every namespace exists. With sockets=False no socket may be opened: a plan must
    come from what it was given."""

    def __init__(self, namespaces=None, everywhere=False, sockets=True):
        self.namespaces, self.everywhere, self.sockets = dict(namespaces or {}), everywhere, sockets
        self.planned = set()

    def exists(self, netns):
        return self.everywhere or netns in self.namespaces

    def ipr(self, netns):
        if not self.sockets:
            raise AssertionError('opened a socket in %r' % (netns,))
        if netns not in self.namespaces:
            raise NamespaceMissing(netns)
        return self.namespaces[netns]


@pytest.fixture
def no_kernel():
    """No namespace exists and no socket may be opened: plans come from 'have' alone."""
    return FakeKernel()


@pytest.fixture
def every_netns():
    """Every namespace exists, and no socket may be opened."""
    return FakeKernel(everywhere=True, sockets=False)


@pytest.fixture
def planned(no_kernel):
    """planned(Kind, **defaults) -> a function that makes a Kind from the defaults updated with its arguments, on
    no_kernel and not in check mode: for plans made from 'have' alone."""
    def maker(kind, **defaults):
        return lambda **params: kind(no_kernel, dict(defaults, **params), False)
    return maker


@pytest.fixture
def kernel():
    """The fake kernel's parts: kernel.Kernel(namespaces, ...), kernel.Socket(links=...), kernel.Msg, kernel.link()."""
    return type('Fake', (), dict(Kernel=FakeKernel, Socket=FakeSocket, Msg=Msg, link=staticmethod(link)))
