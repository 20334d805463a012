# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data-plane probes (the probe module): does this namespace reach that address, by ICMP echo or TCP connect?

In-process: no ping binary, no 'ip netns exec', no shell. The probes are grouped by the namespace they start
from; one worker thread per namespace enters it (setns is per thread), opens its sockets there (a raw ICMP or
ICMPv6 socket, non-blocking TCP sockets) and runs all of that namespace's probes at once, up to WINDOW in
flight. A pool of 'parallel' such workers runs at a time. Everything is validated, and every namespace checked,
before the first packet is sent.

Outcomes: 'reach' (an echo reply, a TCP connection), 'blocked' (no answer, an ICMP error, a TCP reset, a
route that refuses, or a DF packet the sender cannot send at that size: EMSGSIZE), 'error' (the probe could
not be made), 'skipped' (a TCP probe with a 'listener' that does not listen).
"""

import collections
import errno
import ipaddress
import os
import random
import select
import socket
import struct
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.linuxnet.fabric.plugins.module_utils import _netlink, _nsfs, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput

PROTOS = ('icmp', 'tcp')
EXPECTS = ('reach', 'blocked')
HEADERS = {4: 28, 6: 48}  # IP + ICMP echo header: the smallest probe
DEFAULT_PAYLOAD = 56  # as ping: 84-byte IPv4, 104-byte IPv6 packets
MAX_SIZE = 65507
MAX_TIMEOUT = 60
MAX_COUNT = 100
MAX_PARALLEL = 256
WINDOW = 64  # probes in flight per namespace: 64 DF packets of 1500 bytes fit the kernel's queue for a
# neighbour that is still being resolved (unres_qlen_bytes), so none is dropped while ARP runs
CELLS = {'reach': 'ok', 'blocked': 'LOST', 'error': 'ERR', 'skipped': 'skip'}
PAYLOAD = b'linuxnet.fabric probe '

# Socket options the socket module does not name on every Python version.
IP_MTU_DISCOVER, IP_PMTUDISC_DONT, IP_PMTUDISC_DO = 10, 0, 2
IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO, IPV6_DONTFRAG = 23, 2, 62
SOL_RAW, ICMP_FILTER, ICMP6_FILTER = 255, 1, 1
SO_RCVBUFFORCE = 33
ICMP4 = dict(request=8, reply=0, errors=(3, 11, 12))
ICMP6 = dict(request=128, reply=129, errors=(1, 2, 3, 4))
UNREACH4 = {0: 'network unreachable', 1: 'host unreachable', 2: 'protocol unreachable', 3: 'port unreachable',
            4: 'fragmentation needed', 9: 'network administratively prohibited',
            10: 'host administratively prohibited', 13: 'administratively prohibited'}
UNREACH6 = {0: 'no route', 1: 'administratively prohibited', 3: 'address unreachable', 4: 'port unreachable',
            5: 'source address failed policy', 6: 'reject route'}
# What the kernel answers at send or connect time when the packet cannot go: outcome 'blocked'. No route
# (ENETUNREACH), routes of type unreachable (EHOSTUNREACH), prohibit (EACCES; IPv6: EADDRNOTAVAIL) and blackhole
# (EINVAL), a firewall's drop in output (EPERM).
SEND_BLOCKED = (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EACCES, errno.EINVAL, errno.EPERM, errno.ECONNREFUSED,
                errno.EADDRNOTAVAIL, errno.ENETDOWN, errno.EHOSTDOWN, errno.ETIMEDOUT)


def _errname(code):
    return '%s (%s)' % (os.strerror(code), errno.errorcode.get(code, code))


# --- what to probe ----------------------------------------------------------------------------------------------

class Namespace(object):
    """Where a probe starts (or a listener is looked for): ns is the engine's namespace id (a name under
    /run/netns, a path, or None for the current one); label is how results name it."""
    __slots__ = ('ns', 'label', 'option', 'value')

    def __init__(self, ns, label, option, value):
        self.ns, self.label, self.option, self.value = ns, label, option, value

    def key(self):
        """The namespace's identity, so that a name, a path and a PID of the same namespace share a worker."""
        st = os.stat(_nsfs.own_ns() if self.ns is None else _nsfs.path(self.ns))
        return (st.st_dev, st.st_ino)


def namespace(where, entry, name_key):
    """The namespace an entry names with name_key ('from' or 'netns'), 'netns_path' or 'pid'; none = current."""
    given = [k for k in (name_key, 'netns_path', 'pid') if entry.get(k) not in (None, '')]
    if len(given) > 1:
        raise InvalidInput('%s.%s' % (where, given[1]), entry[given[1]],
                           'give only one of %s, netns_path and pid (%s is set too)' % (name_key, given[0]))
    if not given:
        return Namespace(None, '', None, None)
    key = given[0]
    option, value = '%s.%s' % (where, key), entry[key]
    if key == 'pid':
        pid = _validate.pid(option, value)
        return Namespace('/proc/%d/ns/net' % pid, 'pid %d' % pid, option, value)
    if key == 'netns_path':
        path = _validate.netns_path(option, value)
        return Namespace(path, path, option, value)
    return Namespace(_validate.netns(option, value), value, option, value)


def address(option, value):
    """A unicast IP address; 'ADDRESS/PREFIX' (as interfaces hold them) is taken as the address."""
    text = value.split('/')[0] if isinstance(value, str) and value.count('/') == 1 else value
    if text is not value:
        _validate.interface_address(option, value)
    return ipaddress.ip_address(_validate.unicast_ip(option, text))


def number(option, value, low, high):
    """An integer from low to high (None is not one)."""
    if value is None:
        raise InvalidInput(option, value, 'must be an integer from %d to %d' % (low, high))
    return _validate.in_range(option, value, low, high)


def timeout_value(option, value):
    """Seconds, more than 0 and at most MAX_TIMEOUT; a number or its text ('0.5')."""
    number_ = value
    if isinstance(value, str):
        try:
            number_ = float(value)
        except ValueError:
            pass
    if isinstance(number_, bool) or not isinstance(number_, (int, float)) or not 0 < number_ <= MAX_TIMEOUT:
        raise InvalidInput(option, value, 'must be more than 0 and at most %d seconds' % MAX_TIMEOUT)
    return float(number_)


class Probe(object):
    """One probe and, once run, its outcome."""

    def __init__(self, source, to, proto='icmp', port=None, size=None, df=False, expect='reach', timeout=1.0,
                 count=1, name=None, listener=None, listen_port=None):
        self.source, self.to, self.proto, self.port = source, to, proto, port
        self.family = to.version
        self.size = (size or HEADERS[self.family] + DEFAULT_PAYLOAD) if proto == 'icmp' else None
        self.df, self.expect, self.timeout, self.count, self.name = df, expect, timeout, count, name
        self.listener, self.listen_port = listener, listen_port
        self.outcome = self.rtt = self.message = None
        self.attempts = 0
        self.fd = self.seq = None  # the TCP socket or the ICMP sequence number of the attempt in flight

    def finish(self, outcome, message, rtt=None):
        if self.outcome is None:
            self.outcome, self.message = outcome, message
            self.rtt = None if rtt is None else round(rtt * 1000, 3)

    @property
    def passed(self):
        return self.outcome == self.expect

    @property
    def failed(self):
        return not self.passed and self.outcome != 'skipped'

    def what(self):
        """'from h1-app1 to 10.0.0.3 (icmp, DF 1450 bytes)' for messages."""
        if self.proto == 'tcp':
            detail = 'tcp port %d' % self.port
        else:
            detail = 'icmp, %s%d bytes' % ('DF ' if self.df else '', self.size)
        text = 'from %s to %s (%s)' % (self.source.label or 'the current netns', self.to, detail)
        return '%s: %s' % (self.name, text) if self.name else text

    def result(self):
        out = collections.OrderedDict()
        if self.name:
            out['name'] = self.name
        out['from'] = self.source.label
        out['to'] = str(self.to)
        out['proto'] = self.proto
        if self.proto == 'tcp':
            out['port'] = self.port
        else:
            out['size'], out['df'] = self.size, self.df
        out.update(expect=self.expect, outcome=self.outcome, passed=self.passed, rtt=self.rtt, message=self.message)
        return out


def check(index, entry, defaults):
    """A Probe from one item of 'checks', validated; defaults: the module's top-level size, df, timeout, count."""
    where = 'checks[%d]' % index
    if not isinstance(entry, dict):
        raise InvalidInput(where, entry, 'expected a dictionary with at least to')
    source = namespace(where, entry, 'from')
    if entry.get('to') in (None, ''):
        raise InvalidInput(where + '.to', entry.get('to'), 'the address to probe is required')
    to = address(where + '.to', entry['to'])
    proto = entry.get('proto') or 'icmp'
    if proto not in PROTOS:
        raise InvalidInput(where + '.proto', proto, 'expected one of %s' % ', '.join(PROTOS))
    expect = entry.get('expect') or 'reach'
    if expect not in EXPECTS:
        raise InvalidInput(where + '.expect', expect, 'expected one of %s' % ', '.join(EXPECTS))
    port = entry.get('port')
    listener, listen_port = None, None
    if proto == 'tcp':
        if port is None:
            raise InvalidInput(where + '.port', port, 'a tcp probe needs the port to connect to')
        _validate.port(where + '.port', port)
        for key in ('size', 'df'):
            if entry.get(key) is not None:
                raise InvalidInput('%s.%s' % (where, key), entry[key], 'applies to icmp probes only')
        if entry.get('listener'):
            listener, listen_port = listener_of(where + '.listener', entry['listener'])
    else:
        for key in ('port', 'listener'):
            if entry.get(key) not in (None, {}):
                raise InvalidInput('%s.%s' % (where, key), entry[key], 'applies to tcp probes only')
    own = dict((k, entry[k]) for k in ('size', 'df', 'timeout', 'count') if entry.get(k) is not None)
    value = dict(defaults, **own)
    option = dict((k, '%s.%s' % (where, k) if k in own else k) for k in value)  # the option that set the value
    size = size_value(option['size'], value['size'], to) if proto == 'icmp' else None
    return Probe(source, to, proto, port, size, bool(value['df']), expect,
                 timeout_value(option['timeout'], value['timeout']),
                 number(option['count'], value['count'], 1, MAX_COUNT), name=entry.get('name') or None,
                 listener=listener, listen_port=listen_port)


def size_value(option, value, to):
    if value is None:
        return None
    low = HEADERS[to.version]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_SIZE:
        raise InvalidInput(option, value, 'the whole IP packet in bytes, from %d (the IPv%d and ICMP headers) to %d'
                           % (low, to.version, MAX_SIZE))
    return value


def listener_of(where, entry):
    if not isinstance(entry, dict):
        raise InvalidInput(where, entry, 'expected a dictionary: netns (or netns_path or pid) and port')
    source = namespace(where, entry, 'netns')
    if entry.get('port') is None:
        raise InvalidInput(where + '.port', None, 'the port that must be listened on is required')
    return source, _validate.port(where + '.port', entry['port'])


class Endpoint(object):
    __slots__ = ('name', 'source', 'address', 'interface', 'option')

    def __init__(self, name, source, addr, interface, option):
        self.name, self.source, self.address, self.interface, self.option = name, source, addr, interface, option


def endpoint(index, entry):
    """A matrix endpoint. Its namespace is netns, netns_path or pid; with none of them, the namespace named as the
    endpoint (as bridge_network's endpoints are); netns '' is the current one."""
    where = 'matrix[%d]' % index
    if not isinstance(entry, dict):
        raise InvalidInput(where, entry, 'expected a dictionary: name or netns (or netns_path or pid), address')
    if entry.get('name') and all(entry.get(k) is None for k in ('netns', 'netns_path', 'pid')):
        entry = dict(entry, netns=entry['name'])
        source = namespace(where, entry, 'netns')
        source.option = where + '.name'
    else:
        source = namespace(where, entry, 'netns')
    addr = address(where + '.address', entry['address']) if entry.get('address') not in (None, '') else None
    interface = _validate.ifname(where + '.interface', entry.get('interface') or 'eth0')
    name = entry.get('name') or source.label or (str(addr) if addr else '')
    if not name:
        raise InvalidInput(where, entry, 'an endpoint in the current netns needs a name or an address')
    return Endpoint(str(name), source, addr, interface, where)


# --- the run ----------------------------------------------------------------------------------------------------

def _checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


class Worker(object):
    """Runs the probes of one namespace, in a thread that enters it."""

    def __init__(self, source, probes):
        self.source, self.probes = source, probes
        self.ident = random.getrandbits(16)  # ICMP echo identifier of this worker's requests
        self.seq = 0
        self.sockets = {}  # family -> raw ICMP socket
        self.families = {}  # its fd -> family
        self.payloads = {}  # length -> echo payload
        self.icmp = {}  # (family, seq) -> probe
        self.tcp = {}  # fd -> (socket, probe)
        self.sent = {}  # probe -> (sent at, deadline)
        self.poll = select.poll()

    def run(self):
        doing = 'enter'
        try:
            with _nsfs.enter(self.source.ns):
                doing = 'probe from'
                self.loop()
        except OSError as e:
            for probe in self.probes:
                probe.finish('error', 'cannot %s %s: %s' % (doing, self.source.label or 'the current netns',
                                                            _errname(e.errno or 0)))
        finally:
            for sock in list(self.sockets.values()) + [s for s, _p in self.tcp.values()]:
                sock.close()

    def loop(self):
        waiting = collections.deque(self.probes)
        while waiting or self.sent:
            while waiting and len(self.sent) < WINDOW:
                self.start(waiting.popleft())
            if not self.sent:
                continue
            now = time.monotonic()
            wait = max(0, min(deadline for _at, deadline in self.sent.values()) - now)
            for fd, events in self.poll.poll(wait * 1000 + 1):
                self.ready(fd, events)
            now = time.monotonic()
            for probe, (_at, deadline) in list(self.sent.items()):
                if deadline <= now:
                    self.expired(probe)

    def start(self, probe):
        probe.attempts += 1
        if probe.proto == 'icmp':
            self.send_echo(probe)
        else:
            self.connect(probe)

    def done(self, probe, outcome, message, rtt=None):
        probe.finish(outcome, message, rtt)
        self.sent.pop(probe, None)

    def expired(self, probe):
        """No answer in time: a late one does not count (as with ping -W). Try again, or it is blocked."""
        del self.sent[probe]
        if probe.fd is not None:
            self.drop_tcp(probe.fd)
        self.icmp.pop((probe.family, probe.seq), None)
        if probe.attempts < probe.count:
            self.start(probe)
            return
        tries = '%d %s' % (probe.attempts, 'request' if probe.proto == 'icmp' else 'connection attempt')
        probe.finish('blocked', 'no answer in %g s (%s%s)' % (probe.timeout, tries, '' if probe.attempts == 1 else 's'))

    # ICMP echo over a raw socket per family

    def raw_socket(self, family):
        if family not in self.sockets:
            if family == 4:
                sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
                allowed = [ICMP4['reply']] + list(ICMP4['errors'])
                sock.setsockopt(SOL_RAW, ICMP_FILTER, struct.pack('=I', ~sum(1 << t for t in allowed) & 0xffffffff))
            else:
                sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
                words = [0xffffffff] * 8
                for t in [ICMP6['reply']] + list(ICMP6['errors']):
                    words[t >> 5] &= ~(1 << (t & 31))
                sock.setsockopt(socket.IPPROTO_ICMPV6, ICMP6_FILTER, struct.pack('=8I', *words))
            try:
                sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20)
            except OSError:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            sock.setblocking(False)
            self.sockets[family] = sock
            self.families[sock.fileno()] = family
            self.poll.register(sock.fileno(), select.POLLIN)
        return self.sockets[family]

    def set_df(self, sock, family, df):
        if family == 4:
            sock.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO if df else IP_PMTUDISC_DONT)
        elif df:
            sock.setsockopt(socket.IPPROTO_IPV6, IPV6_DONTFRAG, 1)
            sock.setsockopt(socket.IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO)
        else:
            sock.setsockopt(socket.IPPROTO_IPV6, IPV6_DONTFRAG, 0)
            sock.setsockopt(socket.IPPROTO_IPV6, IPV6_MTU_DISCOVER, 1)  # IPV6_PMTUDISC_WANT: the default

    def payload(self, length):
        if length not in self.payloads:
            self.payloads[length] = (PAYLOAD * (length // len(PAYLOAD) + 1))[:length]
        return self.payloads[length]

    def send_echo(self, probe):
        family = probe.family
        try:
            sock = self.raw_socket(family)
        except OSError as e:
            return self.done(probe, 'error', 'cannot open a raw ICMP socket: %s' % _errname(e.errno or 0))
        self.seq = probe.seq = (self.seq + 1) & 0xffff
        body = self.payload(probe.size - HEADERS[family])
        kind = ICMP4 if family == 4 else ICMP6
        header = struct.pack('!BBHHH', kind['request'], 0, 0, self.ident, self.seq)
        if family == 4:  # the kernel sums ICMPv6 itself
            header = header[:2] + struct.pack('!H', _checksum(header + body)) + header[4:]
        self.icmp[(family, self.seq)] = probe
        try:
            self.set_df(sock, family, probe.df)
            sock.sendto(header + body, (str(probe.to), 0))
        except OSError as e:
            del self.icmp[(family, self.seq)]
            if e.errno == errno.EMSGSIZE:
                why = 'with DF set do not fit the MTU of the route' if probe.df else 'are too many'
                return self.done(probe, 'blocked', 'refused at the sender: %d bytes %s (EMSGSIZE)' % (probe.size, why))
            if e.errno == errno.EACCES and is_broadcast(probe.to):
                return self.done(probe, 'error', 'cannot send: %s is a broadcast address here, not a host' % probe.to)
            if e.errno in SEND_BLOCKED:
                return self.done(probe, 'blocked', 'refused at the sender: %s' % _errname(e.errno))
            return self.done(probe, 'error', 'cannot send: %s' % _errname(e.errno or 0))
        now = time.monotonic()
        self.sent[probe] = (now, now + probe.timeout)

    def receive(self, family):
        sock = self.sockets[family]
        while True:
            try:
                data, peer = sock.recvfrom(65536 + 60)
            except (BlockingIOError, InterruptedError):
                return
            now = time.monotonic()
            found = parse_icmp(family, data, self.ident)
            if found is None:
                continue
            seq, dst, outcome, why = found
            probe = self.icmp.get((family, seq))
            if probe is None or probe not in self.sent:
                continue
            at = self.sent[probe][0]
            if outcome == 'reach':
                if ipaddress.ip_address(peer[0].split('%')[0]) != probe.to:
                    continue  # an echo reply from another address: not our answer
                self.done(probe, 'reach', 'echo reply in %.3f ms' % ((now - at) * 1000), now - at)
            elif dst == probe.to:
                self.done(probe, 'blocked', '%s (ICMP from %s)' % (why, peer[0]))

    # TCP connect

    def connect(self, probe):
        try:
            sock = socket.socket(socket.AF_INET if probe.family == 4 else socket.AF_INET6, socket.SOCK_STREAM)
            sock.setblocking(False)
        except OSError as e:
            return self.done(probe, 'error', 'cannot open a TCP socket: %s' % _errname(e.errno or 0))
        now = time.monotonic()
        code = sock.connect_ex((str(probe.to), probe.port))
        if code in (0, errno.EINPROGRESS):
            self.tcp[sock.fileno()] = (sock, probe)
            probe.fd = sock.fileno()
            self.poll.register(sock.fileno(), select.POLLOUT)
            self.sent[probe] = (now, now + probe.timeout)
            if code == 0:
                self.ready(sock.fileno(), select.POLLOUT)
            return None
        sock.close()
        return self.tcp_failed(probe, code)

    def tcp_failed(self, probe, code):
        if code == errno.ECONNREFUSED:
            self.done(probe, 'blocked', 'connection refused (reset)')
        elif code in SEND_BLOCKED:
            self.done(probe, 'blocked', _errname(code))
        else:
            self.done(probe, 'error', 'connect failed: %s' % _errname(code))

    def drop_tcp(self, fd):
        sock, probe = self.tcp.pop(fd)
        probe.fd = None
        self.poll.unregister(fd)
        sock.close()

    def ready(self, fd, events):
        if fd in self.families:
            self.receive(self.families[fd])
            return
        sock, probe = self.tcp[fd]
        code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code == 0 and not events & (select.POLLOUT | select.POLLERR | select.POLLHUP):
            return
        now = time.monotonic()
        at = self.sent.get(probe, (now, None))[0]
        self.drop_tcp(fd)
        if code == 0:
            self.done(probe, 'reach', 'connected in %.3f ms' % ((now - at) * 1000), now - at)
        else:
            self.sent.pop(probe, None)
            self.tcp_failed(probe, code)


def is_broadcast(addr):
    """True when this thread's namespace routes 'addr' as a broadcast: the kernel refuses an echo request there
    (EACCES) as it refuses one over a prohibit route, but lets a socket with SO_BROADCAST connect."""
    if addr.version != 4:
        return False
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.connect((str(addr), 9))
        return True
    except OSError:
        return False
    finally:
        sock.close()


def parse_icmp(family, data, ident):
    """(seq, original destination or None, 'reach' or 'blocked', why) of one of our echo requests, or None.
    IPv4 raw sockets deliver the IP header, IPv6 ones start at the ICMPv6 header."""
    if family == 4:
        if len(data) < 20:
            return None
        data = data[(data[0] & 0x0f) * 4:]
    if len(data) < 8:
        return None
    kind, code = data[0], data[1]
    codes = ICMP4 if family == 4 else ICMP6
    if kind == codes['reply']:
        got, seq = struct.unpack('!HH', data[4:8])
        return (seq, None, 'reach', None) if got == ident else None
    if kind not in codes['errors']:
        return None
    inner = data[8:]
    if family == 4:
        if len(inner) < 20 or inner[9] != socket.IPPROTO_ICMP:
            return None
        dst = ipaddress.ip_address(inner[16:20])
        inner = inner[(inner[0] & 0x0f) * 4:]
    else:
        if len(inner) < 48 or inner[6] != socket.IPPROTO_ICMPV6:
            return None
        dst = ipaddress.ip_address(inner[24:40])
        inner = inner[40:]
    if len(inner) < 8 or inner[0] != codes['request'] or struct.unpack('!H', inner[4:6])[0] != ident:
        return None
    return struct.unpack('!H', inner[6:8])[0], dst, 'blocked', icmp_error(family, kind, code, data)


def icmp_error(family, kind, code, data):
    if family == 4:
        if kind == 3 and code == 4:
            return 'fragmentation needed: next-hop MTU %d' % struct.unpack('!H', data[6:8])[0]
        if kind == 3:
            return 'destination unreachable: %s' % UNREACH4.get(code, 'code %d' % code)
        return 'time exceeded' if kind == 11 else 'parameter problem'
    if kind == 2:
        return 'packet too big: MTU %d' % struct.unpack('!I', data[4:8])[0]
    if kind == 1:
        return 'destination unreachable: %s' % UNREACH6.get(code, 'code %d' % code)
    return 'time exceeded' if kind == 3 else 'parameter problem'


# The kernel's neighbour tables (ARP, NDP) are one per machine, shared by every network namespace; a full one drops
# packets silently. Their statistics exist in the initial namespace only: PID 1's (not there in a container).
NEIGH_STATS = {4: '/proc/1/net/stat/arp_cache', 6: '/proc/1/net/stat/ndisc_cache'}
TABLE_FULL = {
    4: "the kernel's ARP table was full %d times during the run (one table for all namespaces of the machine, at most "
       "net.ipv4.neigh.default.gc_thresh3 entries, 1024 by default): packets were dropped",
    6: "the kernel's NDP table was full %d times during the run (one table for all namespaces of the machine, at most "
       "net.ipv6.neigh.default.gc_thresh3 entries, 1024 by default): packets were dropped"}


def table_fulls():
    """{family: how often its neighbour table was full so far}; {} where the statistics cannot be read."""
    found = {}
    for family, path in NEIGH_STATS.items():
        try:
            with open(path) as f:
                lines = f.read().splitlines()
        except (IOError, OSError):
            continue
        column = lines[0].split().index('table_fulls') if lines and 'table_fulls' in lines[0] else None
        if column is not None:
            found[family] = sum(int(line.split()[column], 16) for line in lines[1:] if line.strip())
    return found


def listening(ns, port):
    """True when a TCP socket listens on 'port' (any address) in namespace 'ns'. /proc/thread-self/net is the
    namespace of this thread, so it is read from inside."""
    with _nsfs.enter(ns):
        for name in ('tcp', 'tcp6'):
            try:
                with open('/proc/thread-self/net/' + name) as f:
                    for line in f.readlines()[1:]:
                        fields = line.split()
                        if fields[3] == '0A' and int(fields[1].rsplit(':', 1)[1], 16) == port:
                            return True
            except IOError as e:
                if e.errno != errno.ENOENT:  # no tcp6 without IPv6
                    raise
    return False


class Probes(object):
    """params: checks, matrix, size, df, timeout, count, parallel (as the module's options). Validates all in
    __init__; resolve(nl) then checks every namespace and reads matrix addresses that were not given."""

    def __init__(self, params):
        self.parallel = number('parallel', params.get('parallel', 16), 1, MAX_PARALLEL)
        timeout = timeout_value('timeout', params.get('timeout', 1.0))
        count = number('count', params.get('count', 1), 1, MAX_COUNT)
        defaults = dict(timeout=timeout, count=count, df=bool(params.get('df')), size=params.get('size'))
        self.checks = [check(i, c, defaults) for i, c in enumerate(params.get('checks') or [])]
        self.endpoints = [endpoint(i, e) for i, e in enumerate(params.get('matrix') or [])]
        if len(self.endpoints) == 1:
            raise InvalidInput('matrix', params['matrix'], 'a matrix needs at least two endpoints')
        _validate.unique('matrix[].name', [e.name for e in self.endpoints])
        self.defaults = defaults
        self.matrix = []

    def resolve(self, nl):
        """Every namespace exists (none is created), and every matrix endpoint has an address of one family."""
        for probe in self.checks:
            for source in (probe.source, probe.listener):
                if source is not None:
                    self.exists(source)
        for ep in self.endpoints:
            self.exists(ep.source)
            if ep.address is None:
                ep.address = self.read_address(nl, ep)
        families = set(ep.address.version for ep in self.endpoints)
        if len(families) > 1:
            first = self.endpoints[0]
            odd = [ep for ep in self.endpoints if ep.address.version != first.address.version][0]
            raise InvalidInput(odd.option + '.address', str(odd.address), 'an IPv%d address, but %s is IPv%d: all '
                               'endpoints of a matrix are probed with one family' % (odd.address.version,
                                                                                     first.option, first.address.version))
        if self.endpoints:
            size_value('size', self.defaults['size'], self.endpoints[0].address)
        for a in self.endpoints:
            row = Namespace(a.source.ns, a.name, a.source.option, a.source.value)  # rows are named as endpoints
            self.matrix.append([None if a is b else Probe(row, b.address, size=self.defaults['size'],
                                                          df=self.defaults['df'], timeout=self.defaults['timeout'],
                                                          count=self.defaults['count'])
                                for b in self.endpoints])

    @staticmethod
    def exists(source):
        if not _nsfs.exists(source.ns):
            if source.option and source.option.endswith('.pid'):
                reason = 'no such process (or its network namespace cannot be read)'
            else:
                reason = 'no such network namespace (probe never creates one)'
            raise InvalidInput(source.option, source.value, reason)

    @staticmethod
    def read_address(nl, ep):
        """The first IPv4 address of the endpoint's interface, else its first global IPv6 one."""
        ipr = nl.ipr(ep.source.ns)
        link = _netlink.lookup(ipr, ep.interface)
        if link is None:
            raise InvalidInput(ep.option + '.interface', ep.interface, 'no such interface in %s, and no address '
                               'given' % (ep.source.label or 'the current netns'))
        found = {}
        for msg in ipr.get_addr(index=link['index']):
            if msg['scope'] == 0:  # global: not IPv6 link-local
                found.setdefault(4 if msg['family'] == socket.AF_INET else 6, msg.get_attr('IFA_ADDRESS'))
        if not found:
            raise InvalidInput(ep.option + '.interface', ep.interface, 'no address on it in %s to probe'
                               % (ep.source.label or 'the current netns'))
        return ipaddress.ip_address(found.get(4) or found[6])

    def all(self):
        return self.checks + [p for row in self.matrix for p in row if p is not None]

    def run(self):
        """Runs every probe; listener checks first (a TCP probe whose listener does not listen is skipped)."""
        for probe in self.checks:
            if probe.listener is not None and not listening(probe.listener.ns, probe.listen_port):
                probe.finish('skipped', 'nothing listens on tcp port %d in %s' % (
                    probe.listen_port, probe.listener.label or 'the current netns'))
        groups = collections.OrderedDict()
        for probe in self.all():
            if probe.outcome is None:
                groups.setdefault(probe.source.key(), []).append(probe)
        workers = [Worker(probes[0].source, probes) for probes in groups.values()]
        fulls = table_fulls()
        if workers:
            with ThreadPoolExecutor(max_workers=min(self.parallel, len(workers))) as pool:
                list(pool.map(Worker.run, workers))
        overflowed = dict((family, n - fulls[family]) for family, n in table_fulls().items()
                          if n > fulls.get(family, n))
        for probe in self.all():
            if probe.family in overflowed and probe.outcome == 'blocked' and probe.message.startswith('no answer'):
                probe.message += ' - ' + TABLE_FULL[probe.family] % overflowed[probe.family]
        return self.report(overflowed)

    def table(self):
        """Rows ping columns: 'ok', 'LOST' (blocked), 'ERR', '.' for the endpoint itself."""
        if not self.endpoints:
            return []
        names = [e.name for e in self.endpoints]
        width = max(len(n) for n in names + ['from/to']) + 2
        lines = ['from/to'.ljust(width) + ''.join(n.ljust(width) for n in names)]
        for name, row in zip(names, self.matrix):
            cells = ['.' if p is None else CELLS[p.outcome] for p in row]
            lines.append((name.ljust(width) + ''.join(c.ljust(width) for c in cells)).rstrip())
        lines[0] = lines[0].rstrip()
        return lines

    def report(self, overflowed=None):
        probes = self.all()
        results = [p.result() for p in probes]
        failed = [p for p in probes if p.failed]
        skipped = sum(1 for p in probes if p.outcome == 'skipped')
        made = len(probes) - skipped
        passed = made - len(failed)
        tail = ', %d skipped' % skipped if skipped else ''
        if failed:
            msg = '%d of %d probes failed%s:\n%s' % (len(failed), made, tail, '\n'.join(
                '- %s: expected %s, got %s: %s' % (p.what(), p.expect, p.outcome, p.message) for p in failed))
        else:
            msg = '%d of %d probes passed%s' % (passed, made, tail)
        for family in sorted(overflowed or ()):
            msg += '\n' + TABLE_FULL[family] % overflowed[family]
        return dict(results=results, failed_checks=[p.result() for p in failed], matrix=self.table(),
                    passed=passed, failed=bool(failed), msg=msg)


def run(nl, params):
    """The whole probe module: validate, resolve, run. Returns the module's result (failed when a probe failed)."""
    probes = Probes(params)
    probes.resolve(nl)
    return probes.run()
