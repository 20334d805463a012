# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pyroute2 access shared by every module.

One socket per network namespace for the whole module run (a Wire, and an IPRoute when the run needs one). A
socket for a named namespace is made by entering it in-process (setns), opening the socket, and returning: no
fork, and on both pyroute2 0.7 and 0.9. A namespace is never created by looking at it.
"""

import errno
import importlib.util
import os
import socket
import struct
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
    """NetlinkError, loaded by itself from pyroute2/netlink/exceptions.py: the package pyroute2.netlink (15-40 ms)
    and the message classes load only when a message is decoded in full (message_class) and IPRoute only when a
    run needs it (iproute(); about 0.1 s more on pyroute2 0.9). Most runs need neither. Packages load without
    their __init__ where they can (see _lazy_package); should a pyroute2 release be laid out otherwise, the
    plain import is used."""
    if 'pyroute2' not in sys.modules:
        spec = importlib.util.find_spec('pyroute2')
        if spec is not None and spec.submodule_search_locations and spec.loader is not None:
            sys.modules['pyroute2'] = _lazy_package(spec)
    name = 'pyroute2.netlink.exceptions'
    path = getattr(sys.modules.get('pyroute2'), '__path__', None)
    where = os.path.join(path[0], 'netlink', 'exceptions.py') if path else ''
    if name not in sys.modules and 'pyroute2.netlink' not in sys.modules and os.path.isfile(where):
        spec = importlib.util.spec_from_file_location(name, where)
        if spec is not None and spec.loader is not None:
            sys.modules[name] = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(sys.modules[name])
            except Exception:
                del sys.modules[name]
                raise
    from pyroute2.netlink.exceptions import NetlinkError as error
    return error


_CLASSES = {}  # type: dict


def _message_classes():
    from pyroute2.netlink.rtnl.ifaddrmsg import ifaddrmsg
    from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg
    from pyroute2.netlink.rtnl.nsidmsg import nsidmsg
    from pyroute2.netlink.rtnl.rtmsg import rtmsg
    return dict(link=ifinfmsg, addr=ifaddrmsg, route=rtmsg, nsid=nsidmsg)


def message_class(kind):
    """pyroute2's message class for 'link', 'addr', 'route' or 'nsid', imported at the first need."""
    if not _CLASSES:
        try:
            _CLASSES.update(_message_classes())
        except ImportError:  # the plain import, keeping the NetlinkError already handed out
            for name in [n for n in sys.modules if (n == 'pyroute2' or n.startswith('pyroute2.')) and
                         n != 'pyroute2.netlink.exceptions']:
                del sys.modules[name]
            import pyroute2  # noqa: F401  (every name where its __init__ puts it)
            _CLASSES.update(_message_classes())
    return _CLASSES[kind]


def iproute():
    """A new pyroute2 IPRoute socket in the namespace this thread is in."""
    try:
        from pyroute2.iproute.linux import IPRoute as found
    except ImportError:
        from pyroute2 import IPRoute as found
    return found()


try:
    NetlinkError = _import_pyroute2()
    PYROUTE2_IMPORT_ERROR = None
except ImportError:
    PYROUTE2_IMPORT_ERROR = traceback.format_exc()

    class NetlinkError(Exception):  # type: ignore[no-redef]
        code = 0

NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x2, 0x4, 0x300
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE = 0x100, 0x200, 0x400
NLMSG_ERROR, NLMSG_DONE = 2, 3
RTM_NEWLINK, RTM_GETLINK, RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR = 16, 18, 20, 21, 22
RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE, RTM_GETNSID = 24, 25, 26, 90
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_MASTER, IFLA_LINKINFO, IFLA_IFALIAS, IFLA_NET_NS_FD = 1, 3, 4, 10, 18, 20, 28
IFLA_INFO_KIND, IFLA_INFO_DATA, VETH_INFO_PEER, NETNSA_FD = 1, 2, 1, 3
IFA_ADDRESS, IFA_LOCAL = 1, 2
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY, RTA_TABLE = 1, 4, 5, 6, 15
RTPROT_STATIC, RTN_UNICAST = 4, 1
IFF_UP = 0x1
# The writes the Wire makes, by the pyroute2 keywords they take (any other keyword: IPRoute makes the request).
WIRE_WRITES = dict(link=frozenset(('index', 'state', 'ifalias', 'master', 'mtu')),
                   new_link=frozenset(('ifname', 'kind', 'address', 'mtu', 'master', 'state', 'net_ns_fd', 'peer')),
                   peer=frozenset(('ifname', 'address', 'mtu', 'net_ns_fd')),
                   addr=frozenset(('index', 'address', 'prefixlen', 'flags')),
                   route=frozenset(('family', 'dst', 'dst_len', 'table', 'priority', 'gateway', 'oif', 'type', 'scope',
                                    'flags')))
# Attributes no resource reads, left out before pyroute2 decodes a message: of links IFLA_STATS, _MAP,
# _STATS64, _AF_SPEC, _XDP, _PROP_LIST (4/5 of a veth's message, half of its decoding time and of the memory a
# dump holds); of addresses IFA_LABEL, _BROADCAST, _CACHEINFO, _FLAGS, _PROTO; of routes RTA_CACHEINFO, _PREF.
UNREAD_ATTRS = dict(link=frozenset((7, 14, 23, 26, 43, 52)), addr=frozenset((3, 4, 6, 8, 11)),
                    route=frozenset((12, 20)), nsid=frozenset())
_HEADER = struct.Struct('=IHHII')  # nlmsghdr: length, type, flags, sequence, port
_NLA = struct.Struct('=HH')


def _attr(kind, payload):
    return _NLA.pack(_NLA.size + len(payload), kind) + payload + b'\0' * (-len(payload) % 4)


def _u32(kind, value):
    return _attr(kind, struct.pack('=I', value))


def _walk(data, offset, end=None):
    """The attributes from 'offset' to 'end' (default: the end of data): (number, value start, value end, next)."""
    end = len(data) if end is None else end
    while offset + _NLA.size <= end:
        length, kind = _NLA.unpack_from(data, offset)
        if length < _NLA.size:
            break
        yield kind & 0x3fff, offset + _NLA.size, offset + length, offset + ((length + 3) & ~3)
        offset += (length + 3) & ~3


def _without(data, start, attrs):
    """The message data[start:] (header and fixed part of 'start' bytes) without the top-level attributes 'attrs'."""
    kept = [data[4:start]] + [data[begin - _NLA.size:after] for number, begin, _end, after in _walk(data, start)
                              if number not in attrs]
    body = b''.join(kept)
    return struct.pack('=I', len(body) + 4) + body


# The fixed part of a message (struct ifinfomsg, ifaddrmsg, rtmsg, rtgenmsg) as pyroute2 names its fields.
_FIXED = dict(link=(struct.Struct('=BxHiII'), ('family', 'ifi_type', 'index', 'flags', 'change')),
              addr=(struct.Struct('=BBBBI'), ('family', 'prefixlen', 'flags', 'scope', 'index')),
              route=(struct.Struct('=BBBBBBBBI'), ('family', 'dst_len', 'src_len', 'tos', 'table', 'proto', 'scope',
                                                   'type', 'flags')),
              nsid=(struct.Struct('=Bxxx'), ('rtgen_family',)))
# The attributes resources read most: name -> (number, how it decodes), as pyroute2 decodes them
# (tests/integration/test_netlink_wire.py and tests/unit/plugins/module_utils/test_netlink_message.py hold it to that).
_PLAIN = dict(link=dict(IFLA_ADDRESS=(1, 'mac'), IFLA_IFNAME=(3, 'str'), IFLA_MTU=(4, 'u32'), IFLA_LINK=(5, 'u32'),
                        IFLA_MASTER=(10, 'u32'), IFLA_IFALIAS=(20, 'str'), IFLA_LINK_NETNSID=(37, 'i32')),
              addr=dict(IFA_ADDRESS=(1, 'ip'), IFA_LOCAL=(2, 'ip')),
              route=dict(RTA_DST=(1, 'ip'), RTA_OIF=(4, 'u32'), RTA_GATEWAY=(5, 'ip'), RTA_PRIORITY=(6, 'u32'),
                         RTA_MULTIPATH=(9, None), RTA_TABLE=(15, 'u32')),  # None: known absent without decoding
              nsid=dict(NETNSA_NSID=(1, 'u32')))
_INT = {'u32': struct.Struct('=I'), 'i32': struct.Struct('=i')}
_IP = {(socket.AF_INET, 4): socket.AF_INET, (socket.AF_INET6, 16): socket.AF_INET6}


def _attrs(data, offset, end=None):
    """Attributes from 'offset' to 'end': number -> (start, end) of the value of the first of each number."""
    found = {}
    for number, begin, stop, _after in _walk(data, offset, end):
        found.setdefault(number, (begin, stop))
    return found


def _text(value):
    """A string attribute as pyroute2 decodes it: NULs stripped, UTF-8 (the bytes if they are not)."""
    value = value.strip(b'\0')
    try:
        return value.decode('utf-8')
    except UnicodeDecodeError:
        return value


class Message(object):
    """An answer of the Wire ('kind': link, addr, route or nsid), kept as the bytes the kernel sent: its fixed
    fields and the attributes of _PLAIN (a link's name, alias, MTU, master, MAC, peer; an address; a route's
    destination, gateway, device, metric, table) and a link's kind decode on their own when asked for; any other
    question decodes the whole message with pyroute2's class, once. A dump of 500 links costs a fifth of the time
    and memory pyroute2's decoding takes."""

    __slots__ = ('_data', '_kind', '_fields', '_attrs', '_full')

    def __init__(self, data, kind):
        self._data, self._kind, self._attrs, self._full = data, kind, None, None
        fixed, names = _FIXED[kind]
        self._fields = dict(zip(names, fixed.unpack_from(data, _HEADER.size)))

    def _decoded(self):
        if self._full is None:
            start = _HEADER.size + _FIXED[self._kind][0].size
            self._full = message_class(self._kind)(_without(self._data, start, UNREAD_ATTRS[self._kind]))
            self._full.decode()
        return self._full

    def _span(self, number):
        if self._attrs is None:
            self._attrs = _attrs(self._data, _HEADER.size + _FIXED[self._kind][0].size)
        return self._attrs.get(number)

    def __getitem__(self, key):
        return self._fields[key] if key in self._fields else self._decoded()[key]

    def get(self, key, default=None):
        return self._fields[key] if key in self._fields else self._decoded().get(key, default)

    def get_attr(self, name, default=None):
        number, how = _PLAIN[self._kind].get(name, (None, None))
        if number is None:
            return self._decoded().get_attr(name, default)
        span = self._span(number)
        if span is None:
            return default
        value = self._data[span[0]:span[1]]
        if how == 'str':
            return _text(value)
        if how in _INT and len(value) == 4:
            return _INT[how].unpack(value)[0]
        if how == 'mac' and len(value) == 6:
            return ':'.join('%02x' % b for b in bytearray(value))
        family = self._fields.get('family')
        if how == 'ip' and (family, len(value)) in _IP:
            return socket.inet_ntop(_IP[(family, len(value))], value)
        return self._decoded().get_attr(name, default)

    def get_nested(self, *names):
        if names == ('IFLA_LINKINFO', 'IFLA_INFO_KIND') and self._kind == 'link':
            span = self._span(IFLA_LINKINFO)
            if span is None:
                return None
            kind = _attrs(self._data, span[0], span[1]).get(IFLA_INFO_KIND)
            return _text(self._data[kind[0]:kind[1]]) if kind else None
        return self._decoded().get_nested(*names)

    def __getattr__(self, name):  # every other method of pyroute2's message
        if name.startswith('__'):
            raise AttributeError(name)
        return getattr(self._decoded(), name)


class Wire(object):
    """One namespace's requests on a plain netlink socket: the reads (dumps and look-ups of links, addresses,
    routes; peer namespace ids) and the common writes (a bridge or veth pair made, link flags, alias, master and
    MTU set, addresses, routes; see WIRE_WRITES). Requests are packed here as pyroute2 packs the same keywords;
    answers are Messages, which read as the messages IPRoute returns (tests/integration/test_netlink_wire.py
    holds both to it). pyroute2 0.9's synchronous API runs an asyncio loop for every call, about 0.5-0.7 ms of a
    1.4 ms 'link get' here. Other requests go through IPRoute (Snapshot). Made inside its namespace (see
    Netlink.ipr)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, socket.NETLINK_ROUTE)
        self.sock.bind((0, 0))
        self.seq = 0

    def close(self):
        self.sock.close()

    def request(self, msg_type, flags, body, kind):
        """Sends one request; returns the answers (all parts of a dump) as Messages of 'kind'. An error is a
        NetlinkError."""
        self.seq += 1
        self.sock.send(_HEADER.pack(_HEADER.size + len(body), msg_type, flags, self.seq, 0) + body)
        found = []
        while True:
            data, offset = self.sock.recv(1 << 16), 0
            while offset + _HEADER.size <= len(data):
                length, answer, msg_flags, seq, _port = _HEADER.unpack_from(data, offset)
                if length < _HEADER.size:
                    break
                part, offset = (offset, length), offset + ((length + 3) & ~3)
                if seq != self.seq:  # a late answer to an earlier request: not ours
                    continue
                if answer == NLMSG_DONE:
                    return found
                if answer == NLMSG_ERROR:
                    code = struct.unpack_from('=i', data, part[0] + _HEADER.size)[0]
                    if code:
                        raise NetlinkError(-code, os.strerror(-code))
                    return found
                found.append(Message(data[part[0]:part[0] + part[1]], kind))
                if not msg_flags & NLM_F_MULTI:
                    return found

    def links(self):
        return self.request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, struct.pack('=BxHiII', 0, 0, 0, 0, 0), 'link')

    def link(self, index=0, ifname=None):
        body = struct.pack('=BxHiII', 0, 0, index, 0, 0)
        if ifname is not None:
            name = ifname.encode('utf-8') + b'\0'
            body += struct.pack('=HH', 4 + len(name), IFLA_IFNAME) + name + b'\0' * (-len(name) % 4)
        return self.request(RTM_GETLINK, NLM_F_REQUEST, body, 'link')[0]

    def addresses(self):
        return self.request(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, struct.pack('=BBBBI', 0, 0, 0, 0, 0), 'addr')

    def routes(self, family=0):
        body = struct.pack('=BBBBBBBBI', family, 0, 0, 0, 0, 0, 0, 0, 0)
        return self.request(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, body, 'route')

    # --- writes, encoded as pyroute2 encodes the same keywords (tests/integration/test_netlink_wire.py) ---------
    def set_link(self, index, state=None, ifalias=None, master=None, mtu=None):
        up = 1 if state == 'up' else 0
        body = struct.pack('=BxHiII', 0, 0, index, up, 1 if state in ('up', 'down') else 0)
        if ifalias is not None:
            body += _attr(IFLA_IFALIAS, ifalias.encode('utf-8') + b'\0')
        if master is not None:
            body += _u32(IFLA_MASTER, master)
        if mtu is not None:
            body += _u32(IFLA_MTU, mtu)
        self.request(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, body, None)

    def add_link(self, ifname, kind, address=None, mtu=None, master=None, state=None, net_ns_fd=None, peer=None):
        """A link of a kind without attributes of its own (a bridge with the kernel's defaults), or a veth pair."""
        up = 1 if state == 'up' else 0
        body = struct.pack('=BxHiII', 0, 0, 0, up, up) + self._link_attrs(ifname, address, mtu, net_ns_fd)
        if master is not None:
            body += _u32(IFLA_MASTER, master)
        info = _attr(IFLA_INFO_KIND, kind.encode('ascii') + b'\0')
        if peer:
            end = struct.pack('=BxHiII', 0, 0, 0, 0, 0) + self._link_attrs(**peer)
            info += _attr(IFLA_INFO_DATA, _attr(VETH_INFO_PEER, end))
        body += _attr(IFLA_LINKINFO, info)
        self.request(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, body, None)

    @staticmethod
    def _link_attrs(ifname, address=None, mtu=None, net_ns_fd=None):
        attrs = _attr(IFLA_IFNAME, ifname.encode('utf-8') + b'\0')
        if address is not None:
            attrs += _attr(IFLA_ADDRESS, bytes(bytearray(int(x, 16) for x in address.split(':'))))
        if mtu is not None:
            attrs += _u32(IFLA_MTU, mtu)
        if net_ns_fd is not None:
            attrs += _u32(IFLA_NET_NS_FD, net_ns_fd)
        return attrs

    def address(self, command, index, address, prefixlen, flags=0):
        family = socket.AF_INET6 if ':' in address else socket.AF_INET
        ip = socket.inet_pton(family, address)
        body = struct.pack('=BBBBI', family, prefixlen, flags or 0, 0, index)
        body += (_attr(IFA_LOCAL, ip) if family == socket.AF_INET else b'') + _attr(IFA_ADDRESS, ip)
        if command == 'add':
            self.request(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, body, None)
        else:
            self.request(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, body, None)

    def route(self, command, family, dst_len, table, dst=None, priority=None, gateway=None, oif=None, type=None,
              scope=0, flags=0):  # pylint: disable=redefined-builtin  # pyroute2's keyword
        body = struct.pack('=BBBBBBBBI', family, dst_len, 0, 0, table if table < 256 else 252,
                           0 if command == 'del' else RTPROT_STATIC, scope or 0, type or RTN_UNICAST, flags or 0)
        for kind, value in ((RTA_DST, dst), (RTA_GATEWAY, gateway)):
            if value is not None:
                body += _attr(kind, socket.inet_pton(family, value))
        for kind, value in ((RTA_OIF, oif), (RTA_PRIORITY, priority), (RTA_TABLE, table)):
            if value is not None:
                body += _u32(kind, value)
        how = dict(add=NLM_F_CREATE | NLM_F_EXCL, replace=NLM_F_CREATE | NLM_F_REPLACE)
        if command == 'del':
            self.request(RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK, body, None)
        else:
            self.request(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | how[command], body, None)

    def nsid(self, fd):
        """The id this namespace gives the namespace of descriptor 'fd' (None: it gives none)."""
        body = struct.pack('=Bxxx', 0) + struct.pack('=HHI', 8, NETNSA_FD, fd)
        found = self.request(RTM_GETNSID, NLM_F_REQUEST, body, 'nsid')
        return dict(nsid=found[0].get_attr('NETNSA_NSID')) if found else None


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

    def __init__(self, ipr, nl=None, wire=None, opener=None):
        """'ipr': the namespace's IPRoute, or None with 'opener', which makes it at the first write (or other call
        the Wire does not answer): a run that only reads a namespace never makes one."""
        self._sock, self._opener = ipr, opener
        self._nl, self._wire = nl, wire
        self._seen = False  # a first look-up dumps the links: one request answers the next ones too
        self.drop()

    def drop(self):
        self._links, self._names, self._added = {}, {}, set()
        self._complete = False  # _names holds every link except the _added ones
        self._addrs, self._routes = None, {}

    @property
    def _ipr(self):
        if self._sock is None:
            self._sock = self._opener()
        return self._sock

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return getattr(self._ipr, name)

    def _dump_links(self):
        if not self._complete:
            msgs = self._wire.links() if self._wire else list(self._ipr.get_links())
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
        if self._nl is None or not self._seen:  # read-only, or the first look-up: one dump answers it and the next
            self._seen = True
            self._dump_links()
        index = value if key == 'index' else self._names.get(value)
        if index in self._links:
            return self._links[index]
        if self._complete and key == 'ifname' and index is None and value not in self._added:
            raise NetlinkError(errno.ENODEV, 'No such device')
        if self._nl is None:
            raise NetlinkError(errno.ENODEV, 'No such device')
        if self._wire:
            msg = self._wire.link(**{key: value})
        else:
            msg = self._ipr.link('get', **{key: value})[0]
        self._links[msg['index']] = msg
        self._names[msg.get_attr('IFLA_IFNAME')] = msg['index']
        return msg

    def index_of(self, ifname):
        """The index of a link, without a request when the link was seen before."""
        index = self._names.get(ifname)
        return index if index is not None else self._get('ifname', ifname)['index']

    def name_of(self, index):
        """The name of link 'index', without a request when the link was seen before."""
        for name, known in self._names.items():
            if known == index:
                return name
        return self._get('index', index).get_attr('IFLA_IFNAME')

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
        if self._wire and command == 'set' and 'index' in kwarg and set(kwarg) <= WIRE_WRITES['link']:
            return self._wire.set_link(**kwarg)
        peer = kwarg.get('peer')
        if self._wire and command == 'add' and set(kwarg) <= WIRE_WRITES['new_link'] and (
                peer is None and kwarg.get('kind') == 'bridge' or kwarg.get('kind') == 'veth' and
                isinstance(peer, dict) and set(peer) <= WIRE_WRITES['peer'] and 'ifname' in peer):
            return self._wire.add_link(**kwarg)
        return self._ipr.link(command, **kwarg)

    def forget_link(self, ifname):
        """A link of that name was made: its message (if any) is stale, and a dump no longer lists every link."""
        self._links.pop(self._names.pop(ifname, None), None)
        self._added.add(ifname)

    def get_addr(self, index=None, **kwarg):
        if kwarg:
            return self._ipr.get_addr(index=index, **kwarg)
        if self._addrs is None:
            self._addrs = {None: self._wire.addresses() if self._wire else list(self._ipr.get_addr())}
            for msg in self._addrs[None]:
                self._addrs.setdefault(msg['index'], []).append(msg)
        return list(self._addrs.get(index, ()))

    def addr(self, command, **kwarg):
        if command not in ('get', 'dump') and self._nl is not None:
            self._addrs, self._routes = None, {}
        if self._wire and command in ('add', 'del') and set(kwarg) <= WIRE_WRITES['addr'] and 'index' in kwarg:
            return self._wire.address(command, **kwarg)
        return self._ipr.addr(command, **kwarg)

    def get_routes(self, **kwarg):
        if set(kwarg) - set(('family',)):
            return self._ipr.get_routes(**kwarg)
        key = kwarg.get('family')
        if key not in self._routes:
            self._routes[key] = self._wire.routes(key or 0) if self._wire else list(self._ipr.get_routes(**kwarg))
        return list(self._routes[key])

    def route(self, command, **kwarg):
        if command not in ('get', 'dump', 'show'):
            self._routes = {}
        if self._wire and command in ('add', 'replace', 'del') and set(kwarg) <= WIRE_WRITES['route'] and \
                set(kwarg) >= set(('family', 'dst_len', 'table')):
            return self._wire.route(command, **kwarg)
        return self._ipr.route(command, **kwarg)

    def get_netnsid(self, fd):
        return self._wire.nsid(fd) if self._wire else self._ipr.get_netnsid(fd=fd)

    def close(self):
        if self._wire:
            self._wire.close()
        if self._sock is not None:
            self._sock.close()


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
            if PYROUTE2_IMPORT_ERROR:
                raise MissingLibrary()
            if not _nsfs.exists(netns):
                raise NamespaceMissing(netns)
            with _nsfs.enter(netns):
                wire = Wire()
            self._sockets[netns] = Snapshot(None, None if self.read_only else self, wire, opener=lambda: self._open(netns))
        return self._sockets[netns]

    @staticmethod
    def _open(netns):
        """An IPRoute socket in namespace 'netns' (entered in-process, no fork)."""
        with _nsfs.enter(netns):
            return iproute()

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


def index_or_none(ipr, name):
    """The index of link 'name', or None when there is none."""
    try:
        return index_of(ipr, name)
    except NetlinkError as e:
        if e.code == errno.ENODEV:
            return None
        raise
    except TypeError:  # not a Snapshot: lookup() found nothing
        return None


def name_of(ipr, index):
    """The name of interface 'index' (None when there is none)."""
    if not index:
        return None
    if hasattr(ipr, 'name_of'):
        try:
            return ipr.name_of(index)
        except NetlinkError as e:
            if e.code != errno.ENODEV:
                raise
            return None
    msg = lookup(ipr, index=index)
    return msg.get_attr('IFLA_IFNAME') if msg is not None else None


def kind_of(msg):
    return msg.get_nested('IFLA_LINKINFO', 'IFLA_INFO_KIND') or 'device'


def info(msg, attr):
    """An attribute of the kind's data (IFLA_LINKINFO / IFLA_INFO_DATA)."""
    return msg.get_nested('IFLA_LINKINFO', 'IFLA_INFO_DATA', attr)
