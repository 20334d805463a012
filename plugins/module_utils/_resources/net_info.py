# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What some network namespaces hold, read-only (the net_info module).

Nothing here parses netlink itself: links are described by their kind's resource (kinds.KINDS, else link),
addresses, routes, FDB and neighbour entries by the address, route, fdb and neighbor kinds. One socket per
namespace (the Netlink session's), and a namespace is never created: a missing one is an error.

A namespace is the current one, a named one (/run/netns), or one without a name given by a path (a container's,
a process's). Listing all, the namespaces without a name that veths lead to are found too (see unnamed()).
"""

import errno
import os
import re
from collections import OrderedDict

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nsfs, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import NamespaceMissing, kind_of
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import fdb, neighbor, route
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.kinds import KINDS
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import Link

GATHER = ('links', 'addresses', 'routes', 'fdb', 'neighbors')
CURRENT = ''  # how the output names the namespace the module runs in
IFF_LOOPBACK = 0x8
LOCAL_TABLE = 255
PROTOCOLS = {2: 'kernel', 3: 'boot', 4: 'static', 9: 'ra', 16: 'dhcp'}
RTPROT_KERNEL = 2
PROC_NETNS = re.compile(r'^/proc/[0-9]+/ns/net$')


def source(netns):
    """Where a namespace comes from: 'current', 'named' (/run/netns), 'pid' (/proc/PID/ns/net) or 'path'."""
    if netns is None:
        return 'current'
    if not netns.startswith('/'):
        return 'named'
    return 'pid' if PROC_NETNS.match(netns) else 'path'


def mounted_namespaces():
    """Mount points of namespace files (nsfs) outside /run/netns, such as /run/docker/netns/ID; some may be other
    kinds of namespace."""
    with open('/proc/self/mountinfo') as mountinfo:
        for line in mountinfo:
            fields = line.split(' - ')
            if len(fields) == 2 and fields[1].split(' ')[0] == 'nsfs':
                point = re.sub(r'\\([0-7]{3})', lambda m: chr(int(m.group(1), 8)), fields[0].split(' ')[4])
                if os.path.dirname(point) != _nsfs.NETNS_DIR:
                    yield point


def why_not(netns):
    """Why a name or path given is no namespace to read."""
    try:
        os.stat(_nsfs.path(netns))
    except OSError as e:
        if e.errno == errno.ENOENT:
            return 'no such network namespace (net_info never creates one)'
        return 'cannot be read (%s)' % e.strerror
    return 'not a network namespace'


def inode(netns):
    """What identifies a namespace: (device, inode) of its file; None when it is gone."""
    try:
        st = os.stat(_nsfs.path(netns) if netns else _nsfs.own_ns())
    except OSError:
        return None
    return st.st_dev, st.st_ino


def shown(netns):
    return CURRENT if netns is None else netns


def peer_hints(dumps):
    """Where each veth's other end probably is: (netns, index) -> (netns, name), from the link dumps of the
    namespaces read (the end whose index is this end's IFLA_LINK and whose IFLA_LINK is this end's index).
    Only a hint, first in the veth resource's own search, which checks it by IFLA_LINK_NETNSID: with it, each
    peer costs one look-up instead of a search through every namespace."""
    ends = {}
    for netns, msgs in dumps.items():
        for msg in msgs:
            if kind_of(msg) == 'veth':
                ends.setdefault((msg['index'], msg.get_attr('IFLA_LINK')), []).append((netns, msg.get_attr('IFLA_IFNAME')))
    hints = {}
    for (index, peer_index), found in ends.items():
        for netns, _name in found:
            other = [end for end in ends.get((peer_index, index), []) if end[0] not in (netns, None)]
            if other:
                hints[(netns, index)] = other[0]
    return hints


def routes(ipr):
    """Routes of every table but 'local' (the kernel's own), without the kernel's IPv6 link-local ones."""
    found = []
    for msg in ipr.get_routes():
        if route.table_of(msg) == LOCAL_TABLE:
            continue
        entry = route.describe(ipr, msg)
        if entry['dst'] == 'fe80::/64' and msg['proto'] == RTPROT_KERNEL:
            continue
        entry['proto'] = PROTOCOLS.get(msg['proto'], msg['proto'])
        found.append(entry)
    return found


def neighbors(ipr, names, loopbacks):
    """Permanent and NOARP neighbour entries (not the kernel's multicast ones, nor any on a loopback device)."""
    return [dict(interface=names.get(e['ifindex']), ip=e['ip'], mac=e['mac'], state=e['state'])
            for e in neighbor.read_all(ipr)
            if e['state'] in ('permanent', 'noarp') and e['ifindex'] not in loopbacks]


class NetInfo(object):
    """params: netns (list of names or paths, '' or None for the current namespace; None: all), gather (subset of
    GATHER)."""

    def __init__(self, nl, params):
        self.nl = nl
        names = params.get('netns')
        if names is not None:
            names = _validate.unique('netns', [_validate.netns('netns', n or None) for n in names])
        self.names = names
        self.gather = set(params.get('gather') or GATHER)
        if 'addresses' in self.gather:
            self.gather.add('links')  # addresses are shown under their link
        unknown = sorted(self.gather - set(GATHER))
        if unknown:
            raise _validate.InvalidInput('gather', unknown[0], 'expected one of %s' % ', '.join(GATHER))

    def namespaces(self):
        if self.names is None:
            return [None] + _nsfs.names()
        for name in self.names:
            if not self.nl.exists(name):
                raise _validate.InvalidInput('netns', name, why_not(name))
        return self.names

    def read(self):
        dumps = OrderedDict()
        self.dump(dumps, self.namespaces())
        if self.names is None and 'links' in self.gather:
            self.dump(dumps, self.unnamed(dumps))
        hints = peer_hints(dumps) if 'links' in self.gather else {}
        return dict(namespaces=OrderedDict((shown(netns), self.read_netns(netns, msgs, hints))
                                           for netns, msgs in dumps.items()))

    def dump(self, dumps, namespaces):
        for netns in namespaces:
            try:
                dumps[netns] = sorted(self.nl.ipr(netns).get_links(), key=lambda m: m['index'])
            except NamespaceMissing:
                if self.names is not None:
                    raise
                # listed a moment ago, gone now: not there to show

    def unnamed(self, dumps):
        """The namespaces without a name at the other end of veths of those read (a container's, a process's):
        /proc/PID/ns/net of a process in one (the engine's search for a veth's peer), else a mounted file of it
        outside /run/netns."""
        found, wanted = [], set()  # wanted: (namespace read, nsid it gives one that no process has)
        hints = peer_hints(dumps)  # veths whose other end is in a namespace read: no search
        for netns, msgs in dumps.items():
            for msg in msgs:
                nsid = msg.get_attr('IFLA_LINK_NETNSID')
                if kind_of(msg) != 'veth' or nsid is None or (netns, msg['index']) in hints:
                    continue
                peer = self.nl.netns_of_nsid(netns, nsid)
                if peer is False:
                    wanted.add((netns, nsid))
                elif peer is not None and peer not in dumps and peer not in found:
                    found.append(peer)
        seen = set(inode(netns) for netns in list(dumps) + found)
        for path in mounted_namespaces() if wanted else ():
            key = inode(path)
            if key in seen or not _nsfs.is_netns(path):
                continue
            seen.add(key)
            fd = os.open(path, os.O_RDONLY)
            try:
                ids = set((netns, (self.nl.ipr(netns).get_netnsid(fd=fd) or {}).get('nsid'))
                          for netns in set(netns for netns, _nsid in wanted))
            finally:
                os.close(fd)
            if ids & wanted:
                found.append(path)
                wanted -= ids
                self.nl.drop()  # the engine found no namespace for those nsids: it is to ask again
            if not wanted:
                break
        return found

    def read_netns(self, netns, msgs, hints):
        ipr = self.nl.ipr(netns)
        state = OrderedDict(source=source(netns))
        if 'links' in self.gather:
            state['links'] = OrderedDict((m.get_attr('IFLA_IFNAME'), self.link(netns, m, hints)) for m in msgs)
        if 'routes' in self.gather:
            state['routes'] = routes(ipr)
        if 'fdb' in self.gather:
            state['fdb'] = [dict((k, v) for k, v in e.items() if k not in ('netns', 'local'))
                            for e in fdb.read_static(ipr, netns)]
        if 'neighbors' in self.gather:
            names = dict((m['index'], m.get_attr('IFLA_IFNAME')) for m in msgs)
            state['neighbors'] = neighbors(ipr, names, set(m['index'] for m in msgs if m['flags'] & IFF_LOOPBACK))
        return state

    def link(self, netns, msg, hints):
        """The link as its kind's resource describes it (made with state 'absent': it wants nothing, only reads)."""
        params = dict(name=msg.get_attr('IFLA_IFNAME'), netns=netns, state='absent', found=True)
        hint = hints.get((netns, msg['index']))
        if hint:
            params['peer'] = dict(netns=hint[0], name=hint[1], found=True)
        described = KINDS.get(kind_of(msg), Link)(self.nl, params, True).describe(msg)
        state = OrderedDict([('name', described['name']), ('index', msg['index'])])
        for key, value in described.items():
            if key not in ('name', 'netns') and (key != 'addresses' or 'addresses' in self.gather):
                state[key] = shown(value) if key.endswith('_netns') else value  # e.g. a macvlan's parent_netns
        if 'peer' in state:
            state['peer'] = dict(name=state['peer']['name'], netns=shown(state['peer']['netns']))
        return state
