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
import os
import traceback

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nsfs

try:
    from pyroute2 import IPRoute
    from pyroute2.netlink import exceptions as _exceptions
    NetlinkError = _exceptions.NetlinkError
    PYROUTE2_IMPORT_ERROR = None
except ImportError:
    IPRoute = None
    PYROUTE2_IMPORT_ERROR = traceback.format_exc()

    class NetlinkError(Exception):
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
    """The socket of a read-only run (net_info): links and addresses are dumped once, and looked up by index or
    name from memory. Nothing changes during such a run, so it answers what the kernel would; every other call
    goes to the socket. Without it, describing each of N links costs a dump of N addresses."""

    def __init__(self, ipr):
        self._ipr = ipr
        self._links = self._addrs = None

    def __getattr__(self, name):
        return getattr(self._ipr, name)

    def _dump_links(self):
        if self._links is None:
            msgs = self._ipr.get_links()
            self._links = dict(all=msgs, index=dict((m['index'], m) for m in msgs),
                               ifname=dict((m.get_attr('IFLA_IFNAME'), m) for m in msgs))
        return self._links

    def get_links(self, *argv, **kwarg):
        if argv or kwarg:
            return self._ipr.get_links(*argv, **kwarg)
        return list(self._dump_links()['all'])

    def link(self, command, **kwarg):
        key = list(kwarg)[0] if len(kwarg) == 1 else None
        if command != 'get' or key not in ('index', 'ifname'):
            return self._ipr.link(command, **kwarg)
        found = self._dump_links()[key].get(kwarg[key])
        if found is None:
            raise NetlinkError(errno.ENODEV, 'No such device')
        return [found]

    def get_addr(self, index=None, **kwarg):
        if kwarg:
            return self._ipr.get_addr(index=index, **kwarg)
        if self._addrs is None:
            self._addrs = {None: self._ipr.get_addr()}
            for msg in self._addrs[None]:
                self._addrs.setdefault(msg['index'], []).append(msg)
        return list(self._addrs.get(index, ()))


class Netlink(object):
    """Sockets by namespace name; None is the namespace the module runs in. With read_only, sockets are
    Snapshots: for runs that never change anything."""

    def __init__(self, read_only=False):
        self._sockets = {}
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
            self._sockets[netns] = Snapshot(sock) if self.read_only else sock
        return self._sockets[netns]

    def forget(self, netns):
        """Closes the socket of a namespace that is about to be deleted."""
        sock = self._sockets.pop(netns, None)
        if sock is not None:
            sock.close()

    def close(self):
        for netns in list(self._sockets):
            self.forget(netns)

    def netns_of_nsid(self, netns, nsid, hint=None):
        """The name of the namespace that 'netns' calls 'nsid' (None: the current one), or False if none
        of the named namespaces matches. 'hint' is tried first."""
        if nsid is None:
            return netns
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
        """The hint, the current namespace, then the named ones (listed only if it comes to that)."""
        yield hint
        yield None
        yield from _nsfs.names()

    def ns_fd(self, netns):
        """An open descriptor of a namespace, for moving links into it. The caller closes it."""
        if not _nsfs.exists(netns):
            raise NamespaceMissing(netns)
        return os.open(_nsfs.path(netns) if netns else _nsfs.own_ns(), os.O_RDONLY)


def attr(msg, name, *nested):
    """An attribute of a netlink message, nested under IFLA_LINKINFO/IFLA_INFO_DATA when 'nested' is given."""
    if nested:
        return msg.get_nested(*(nested + (name,)))
    return msg.get_attr(name)
