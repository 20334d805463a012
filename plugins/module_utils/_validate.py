# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks that run before any netlink socket is opened.

Every check returns the normalised value or raises InvalidInput naming the option and the value.
"""

import ipaddress
import os
import re

IFNAMSIZ = 15  # usable bytes of an interface name (16 with the NUL)
_MAC = re.compile(r'^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$')
_NETNS_BAD = re.compile(r'[/\x00\s]')


class InvalidInput(Exception):
    def __init__(self, option, value, reason):
        self.option, self.value, self.reason = option, value, reason
        super(InvalidInput, self).__init__('%s=%r: %s' % (option, value, reason))


def ifname(option, value):
    """An interface name safe to show and to type: 1..15 bytes of printable ASCII without '/', ':', '%' or
    whitespace (systemd's rule), not '.' or '..'. The kernel also takes '%' and non-ASCII bytes, and a name with a
    non-ASCII letter can pass for an ASCII one: refused, naming the first wrong byte."""
    if not isinstance(value, str) or not value:
        raise InvalidInput(option, value, 'an interface name must be a non-empty string')
    raw = value.encode('utf-8', 'surrogatepass')
    if len(raw) > IFNAMSIZ:
        raise InvalidInput(option, value, 'an interface name is at most %d bytes' % IFNAMSIZ)
    if value in ('.', '..'):
        raise InvalidInput(option, value, "an interface name may not be '.' or '..'")
    for position, byte in enumerate(bytearray(raw), 1):
        if byte <= 0x20 or byte >= 0x7f or byte in b'/:%':
            raise InvalidInput(option, value, "an interface name is printable ASCII without '/', ':', '%%' or "
                                              "whitespace: byte %d is %s" % (position, _byte(byte)))
    return value


def _byte(byte):
    if byte >= 0x80:
        return '0x%02x (not ASCII)' % byte
    if byte == 0x20:
        return 'a space'
    if byte < 0x20 or byte == 0x7f:
        return '0x%02x (a control character)' % byte
    return "'%s'" % chr(byte)


def netns_name(option, value):
    """A named network namespace (a file name under /run/netns); None is the namespace the module runs in."""
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > 255:
        raise InvalidInput(option, value, 'a namespace name must be a string of 1 to 255 characters')
    if value in ('.', '..') or _NETNS_BAD.search(value) or not value.isprintable():
        raise InvalidInput(option, value, "a namespace name may not contain '/', whitespace or be '.' or '..'")
    return value


def netns(option, value):
    """A network namespace to work in: a name under /run/netns, or the absolute path of any namespace file
    (e.g. /proc/PID/ns/net); None is the namespace the module runs in."""
    if isinstance(value, str) and value.startswith('/'):
        return netns_path(option, value)
    return netns_name(option, value)


def netns_path(option, value):
    """The file of any network namespace, e.g. /proc/PID/ns/net or /run/docker/netns/ID: an absolute path. That it
    is a network namespace is checked when it is opened (_nsfs.is_netns)."""
    if not isinstance(value, str) or not value.startswith('/') or '\x00' in value or len(value) > 4096:
        raise InvalidInput(option, value, 'expected the absolute path of a network namespace file, such as '
                                          '/proc/PID/ns/net or /run/docker/netns/ID')
    return os.path.normpath(value)


def pid(option, value):
    """A process ID: its network namespace is /proc/PID/ns/net."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4194304:
        raise InvalidInput(option, value, 'expected a process ID (1 to 4194304)')
    return value


def interface_address(option, value):
    """An address with its prefix, as set on an interface ('10.0.0.1/24'); host bits are kept."""
    try:
        iface = ipaddress.ip_interface(value if isinstance(value, str) else '')
    except ValueError:
        iface = None
    if iface is None or '/' not in value:
        raise InvalidInput(option, value, "expected an address with a prefix length, e.g. '10.0.0.1/24' or 'fd00::1/64'")
    if iface.ip.is_multicast or iface.ip.is_unspecified:
        raise InvalidInput(option, value, 'a multicast or unspecified address cannot be set on an interface')
    return '%s/%d' % (iface.ip.compressed, iface.network.prefixlen)


def network(option, value):
    """A network in CIDR form; 'default' means 0.0.0.0/0. Host bits must be zero."""
    if value == 'default':
        return '0.0.0.0/0'
    try:
        return ipaddress.ip_network(value if isinstance(value, str) else '', strict=True).compressed
    except ValueError as e:
        raise InvalidInput(option, value, "expected a network such as '10.1.0.0/16' or 'default' (%s)" % e)


def ip(option, value, version=None):
    """A single IP address, optionally of one family."""
    try:
        addr = ipaddress.ip_address(value if isinstance(value, str) else '')
    except ValueError:
        raise InvalidInput(option, value, 'expected an IP address')
    if version and addr.version != version:
        raise InvalidInput(option, value, 'expected an IPv%d address' % version)
    return addr.compressed


def mac(option, value, unicast=True):
    """A MAC address, returned lower-case with colons. Interfaces need a unicast, non-zero address."""
    norm = value.lower().replace('-', ':') if isinstance(value, str) else ''
    if not _MAC.match(norm):
        raise InvalidInput(option, value, "expected a MAC address such as '02:42:ac:11:00:02'")
    if unicast and (int(norm[:2], 16) & 1 or norm == '00:00:00:00:00:00'):
        raise InvalidInput(option, value, 'an interface MAC address must be unicast and not all zeros')
    return norm


def in_range(option, value, low, high):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(option, value, 'must be an integer from %d to %d' % (low, high))
    return value


def alias(option, value):
    """An interface alias (IFLA_IFALIAS): printable text of at most 255 bytes."""
    if not isinstance(value, str) or len(value.encode('utf-8')) > 255 or not value.isprintable():
        raise InvalidInput(option, value, 'an alias is printable text of at most 255 bytes')
    return value


def mtu(option, value):
    return in_range(option, value, 68, 65535)


def vni(option, value):
    return in_range(option, value, 1, 16777215)


def port(option, value):
    return in_range(option, value, 1, 65535)


def unique(option, values):
    """Rejects a list that names the same item twice (after normalisation)."""
    seen = set()
    for v in values:
        if v in seen:
            raise InvalidInput(option, v, 'listed more than once')
        seen.add(v)
    return values


# --- Checks of the address, route, fdb, neighbor and sysctl modules -------------------------------------------

def prefix_length(option, value):
    """Rejects 'ADDRESS/N' when N is out of range for the address family; otherwise returns value unchanged."""
    if isinstance(value, str) and value.count('/') == 1:
        addr, plen = value.split('/')
        try:
            version = ipaddress.ip_address(addr).version
        except ValueError:
            return value
        high = 32 if version == 4 else 128
        if not plen.isdigit() or int(plen) > high:
            raise InvalidInput(option, value, 'the prefix length must be 0 to %d for IPv%d' % (high, version))
    return value


def unicast_ip(option, value, version=None):
    """A unicast IP address (not multicast, broadcast or unspecified), optionally of one family."""
    addr = ip(option, value, version)
    parsed = ipaddress.ip_address(addr)
    if parsed.is_multicast or parsed.is_unspecified or addr == '255.255.255.255':
        raise InvalidInput(option, value, 'must be a unicast address (not multicast, broadcast or unspecified)')
    return addr


ROUTE_TABLES = {'main': 254, 'local': 255, 'default': 253}


def route_table(option, value):
    """A routing table: a number from 1 to 4294967295 or 'main' (254), 'local' (255), 'default' (253)."""
    if value is None:
        return ROUTE_TABLES['main']
    if isinstance(value, str):
        value = ROUTE_TABLES.get(value, int(value) if value.isdigit() else value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4294967295:
        raise InvalidInput(option, value, "expected a table number from 1 to 4294967295 or one of 'main', "
                                          "'local', 'default'")
    return value


_SYSCTL_PART = re.compile(r'^[A-Za-z0-9_@+.-]+$')


def sysctl_name(option, value):
    """A network sysctl as a list of /proc/sys path components. Like sysctl(8): 'net.ipv4.ip_forward', or
    'net/ipv4/conf/eth0.100/forwarding'; with '.' separators a '/' stands for a dot ('net.ipv4.conf.eth0/100.rp_filter')."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(option, value, 'expected a sysctl name such as net.ipv4.ip_forward')
    name = value.strip()
    if name.startswith('net/') or name.startswith('/proc/sys/net/'):
        parts = name.replace('/proc/sys/', '', 1).split('/')
    else:
        parts = [p.replace('/', '.') for p in name.split('.')]
    if parts[0] != 'net':
        raise InvalidInput(option, value, "only keys under 'net.' belong to a network namespace (e.g. "
                                          "net.ipv4.ip_forward); set other sysctls with ansible.posix.sysctl")
    if len(parts) < 2 or any(p in ('', '.', '..') or not _SYSCTL_PART.match(p) for p in parts):
        raise InvalidInput(option, value, 'not a valid sysctl name (expected e.g. net.ipv4.conf.eth0.forwarding)')
    return parts


def sysctl_value(option, value):
    """A sysctl value as the kernel reads it: text without newlines; integers and booleans become '1'/'0' style text.
    Runs of whitespace (the kernel separates multi-value keys with tabs) become one space."""
    if isinstance(value, bool):
        return '1' if value else '0'
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str) or not value.strip() or '\n' in value.strip():
        raise InvalidInput(option, value, 'expected a value such as 1 or "4096 131072 6291456" (one line, not empty)')
    return ' '.join(value.split())


# --- Checks of the network_firewall module --------------------------------------------------------------------

_NETWORK_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')


def network_name(option, value):
    """The name of a network (as bridge_network's): 1 to 64 letters, digits, '_', '.' or '-', starting with a letter
    or digit. It goes into ownership marks such as 'fabric:<network>:...', so it never contains ':'."""
    if not isinstance(value, str) or not _NETWORK_NAME.match(value):
        raise InvalidInput(option, value, "a network name is 1 to 64 letters, digits, '_', '.' or '-', starting with "
                                          "a letter or digit")
    return value


# --- Persistence (the bridge_network module's persist, and the state files the boot-time runner reads) ---------

_TRUE, _FALSE = ('true', 'yes', 'on', '1'), ('false', 'no', 'off', '0')


def persist(option, value):
    """true, false or 'auto' (Ansible's spellings of booleans accepted: yes/no, on/off, 1/0)."""
    text = str(value).lower() if isinstance(value, (bool, int, str)) else None
    if text in _TRUE or text in _FALSE or text == 'auto':
        return 'auto' if text == 'auto' else text in _TRUE
    raise InvalidInput(option, value, 'expected true, false or auto')


def absolute_path(option, value):
    if not isinstance(value, str) or not value.startswith('/') or '\x00' in value:
        raise InvalidInput(option, value, 'expected an absolute path')
    return os.path.normpath(value)


_TYPES = dict(str=str, path=str, int=int, bool=bool, list=list, dict=dict)


def against_spec(spec, values, prefix=''):
    """'values' (parameters read from a file, as a module got them) checked against an Ansible argument spec, strictly
    (no conversion): no unknown option, every value of its type and among its choices, required ones given. Returns
    them with the defaults filled in."""
    if not isinstance(values, dict):
        raise InvalidInput(prefix.rstrip('.') or 'parameters', values, 'expected a mapping of options')
    for name in sorted(set(values) - set(spec)):
        raise InvalidInput(prefix + name, values[name], 'not an option (one of: %s)' % ', '.join(sorted(spec)))
    return dict((name, _spec_value(opt, values.get(name), prefix + name)) for name, opt in spec.items())


def _spec_value(opt, value, option):
    kind = opt.get('type', 'str')
    if value is None:
        if opt.get('required'):
            raise InvalidInput(option, None, 'required')
        return list(opt['default']) if isinstance(opt.get('default'), list) else opt.get('default')
    if kind != 'raw' and (not isinstance(value, _TYPES[kind]) or kind == 'int' and isinstance(value, bool)):
        raise InvalidInput(option, value, 'expected a %s' % kind)
    if opt.get('choices') and value not in opt['choices']:
        raise InvalidInput(option, value, 'expected one of %s' % ', '.join(opt['choices']))
    if kind == 'dict' and opt.get('options'):
        return against_spec(opt['options'], value, option + '.')
    if kind == 'list' and opt.get('options'):
        return [against_spec(opt['options'], item, '%s[%d].' % (option, i)) for i, item in enumerate(value)]
    if kind == 'list' and opt.get('elements'):
        return [_spec_value(dict(type=opt['elements'], required=True), item, '%s[%d]' % (option, i))
                for i, item in enumerate(value)]
    return value
