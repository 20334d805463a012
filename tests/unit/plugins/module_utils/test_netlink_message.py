"""_netlink.Message, the Wire's lazily decoded answer, reads exactly as pyroute2's decoded message of the same bytes:
the fields and attributes it decodes itself and, through pyroute2, every other one."""
import socket

import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils import _netlink

pytest.importorskip('pyroute2')


def encoded(cls, fields, attrs):
    msg = cls()
    msg.update(fields)
    msg['attrs'] = attrs
    msg['header']['type'] = 16
    msg.encode()
    return bytes(msg.data)


def decoded(kind, raw):
    msg = _netlink.message_class(kind)(raw)
    msg.decode()
    return msg


LINK_ATTRS = ('IFLA_IFNAME', 'IFLA_MTU', 'IFLA_ADDRESS', 'IFLA_IFALIAS', 'IFLA_MASTER', 'IFLA_LINK',
              'IFLA_LINK_NETNSID', 'IFLA_TXQLEN', 'IFLA_OPERSTATE', 'IFLA_BROADCAST')


@pytest.mark.parametrize('attrs', [
    [('IFLA_IFNAME', 'vx0'), ('IFLA_MTU', 1450), ('IFLA_ADDRESS', '02:42:ac:11:00:0a'), ('IFLA_IFALIAS', 'fabric:x'),
     ('IFLA_MASTER', 3), ('IFLA_LINK_NETNSID', 2), ('IFLA_TXQLEN', 1000),
     ('IFLA_LINKINFO', {'attrs': [('IFLA_INFO_KIND', 'vxlan'),
                                  ('IFLA_INFO_DATA', {'attrs': [('IFLA_VXLAN_ID', 42), ('IFLA_VXLAN_PORT', 4789)]})]})],
    [('IFLA_IFNAME', 'lo'), ('IFLA_MTU', 65536), ('IFLA_ADDRESS', '00:00:00:00:00:00'), ('IFLA_LINK_NETNSID', -1)],
    [('IFLA_IFNAME', 'br\u00e9'), ('IFLA_IFALIAS', 'caf\u00e9'), ('IFLA_LINKINFO', {'attrs': [('IFLA_INFO_KIND', 'bridge')]})],
], ids=['vxlan', 'loopback', 'utf-8'])
def test_a_link_reads_as_pyroute2_reads_it(attrs):
    kind, cls = 'link', _netlink.message_class('link')
    raw = encoded(cls, dict(family=0, index=7, flags=0x1043, change=0, ifi_type=1), attrs)
    ours, theirs = _netlink.Message(raw, kind), decoded(kind, raw)
    for key in ('family', 'index', 'flags', 'change', 'ifi_type'):
        assert ours[key] == theirs[key] and ours.get(key) == theirs.get(key), key
    for name in LINK_ATTRS:
        assert ours.get_attr(name) == theirs.get_attr(name), name
    assert _netlink.kind_of(ours) == _netlink.kind_of(theirs)
    assert _netlink.info(ours, 'IFLA_VXLAN_ID') == _netlink.info(theirs, 'IFLA_VXLAN_ID')
    assert ours.get_attr('IFLA_QDISC', 'none') == theirs.get_attr('IFLA_QDISC', 'none') == 'none'


@pytest.mark.parametrize('family,address', [(socket.AF_INET, '10.7.0.1'), (socket.AF_INET6, 'fd07::1')])
def test_an_address_reads_as_pyroute2_reads_it(family, address):
    kind, cls = 'addr', _netlink.message_class('addr')
    raw = encoded(cls, dict(family=family, prefixlen=24, flags=0x80, scope=0, index=3),
                  [('IFA_ADDRESS', address), ('IFA_LOCAL', address), ('IFA_LABEL', 'br0')])
    ours, theirs = _netlink.Message(raw, kind), decoded(kind, raw)
    for key in ('family', 'prefixlen', 'flags', 'scope', 'index'):
        assert ours[key] == theirs[key], key
    for name in ('IFA_ADDRESS', 'IFA_LOCAL', 'IFA_BROADCAST'):
        assert ours.get_attr(name) == theirs.get_attr(name), name
    assert ours.get_attr('IFA_LABEL') is None  # left out, as every attribute of UNREAD_ATTRS


@pytest.mark.parametrize('family,dst,gateway', [(socket.AF_INET, '10.8.0.0', '10.7.0.2'),
                                                (socket.AF_INET6, 'fd08::', 'fd07::2')])
def test_a_route_reads_as_pyroute2_reads_it(family, dst, gateway):
    kind, cls = 'route', _netlink.message_class('route')
    raw = encoded(cls, dict(family=family, dst_len=16, table=254, proto=4, scope=0, type=1, flags=4),
                  [('RTA_DST', dst), ('RTA_GATEWAY', gateway), ('RTA_OIF', 5), ('RTA_PRIORITY', 7), ('RTA_TABLE', 100)])
    ours, theirs = _netlink.Message(raw, kind), decoded(kind, raw)
    for key in ('family', 'dst_len', 'src_len', 'tos', 'table', 'proto', 'scope', 'type', 'flags'):
        assert ours[key] == theirs[key], key
    for name in ('RTA_DST', 'RTA_GATEWAY', 'RTA_OIF', 'RTA_PRIORITY', 'RTA_TABLE', 'RTA_MULTIPATH', 'RTA_PREF'):
        assert ours.get_attr(name) == theirs.get_attr(name), name


def test_a_message_decodes_in_full_only_when_asked_what_it_cannot_read_itself():
    kind, cls = 'link', _netlink.message_class('link')
    raw = encoded(cls, dict(index=2), [('IFLA_IFNAME', 'eth0'), ('IFLA_LINKINFO', {'attrs': [('IFLA_INFO_KIND', 'veth')]})])
    msg = _netlink.Message(raw, kind)
    assert msg.get_attr('IFLA_IFNAME') == 'eth0' and _netlink.kind_of(msg) == 'veth' and msg['index'] == 2
    assert msg._full is None  # pylint: disable=protected-access
    assert msg.get_attr('IFLA_OPERSTATE') is None and msg._full is not None  # pylint: disable=protected-access


def test_a_multipath_route_reads_its_hops_through_pyroute2():
    kind, cls = 'route', _netlink.message_class('route')
    hops = [dict(oif=2, hops=0, attrs=[('RTA_GATEWAY', '10.7.0.2')]), dict(oif=3, hops=0, attrs=[('RTA_GATEWAY', '10.7.0.3')])]
    raw = encoded(cls, dict(family=socket.AF_INET, dst_len=16, table=254, type=1),
                  [('RTA_DST', '10.8.0.0'), ('RTA_MULTIPATH', hops)])
    ours, theirs = _netlink.Message(raw, kind), decoded(kind, raw)
    assert ours.get_attr('RTA_GATEWAY') is None and ours._full is None  # pylint: disable=protected-access
    assert [h['oif'] for h in ours.get_attr('RTA_MULTIPATH')] == [h['oif'] for h in theirs.get_attr('RTA_MULTIPATH')] == [2, 3]


def test_a_namespace_id_reads_as_pyroute2_reads_it():
    kind, cls = 'nsid', _netlink.message_class('nsid')
    raw = encoded(cls, dict(), [('NETNSA_NSID', 3)])
    assert _netlink.Message(raw, kind).get_attr('NETNSA_NSID') == decoded(kind, raw).get_attr('NETNSA_NSID') == 3


def test_reading_messages_imports_no_pyroute2_message_class():
    """A module run that only reads (most no-change runs) loads pyroute2's NetlinkError alone: the package
    pyroute2.netlink and its message classes load when a message must be decoded in full."""
    import subprocess  # pylint: disable=import-outside-toplevel
    import sys  # pylint: disable=import-outside-toplevel
    script = (
        "import sys, struct\n"
        "from ansible_collections.linuxnet.fabric.plugins.module_utils import _netlink\n"
        "body = struct.pack('=BxHiII', 0, 0, 1, 1, 0) + _netlink._attr(_netlink.IFLA_IFNAME, b'lo\\0')\n"
        "msg = _netlink.Message(struct.pack('=IHHII', 16 + len(body), 16, 0, 0, 0) + body, 'link')\n"
        "assert msg.get_attr('IFLA_IFNAME') == 'lo' and msg['index'] == 1\n"
        "print(sorted(m for m in sys.modules if m.startswith('pyroute2')))\n"
        "msg.get_attr('IFLA_OPERSTATE')\n"
        "print('pyroute2.netlink.rtnl.ifinfmsg' in sys.modules)\n")
    out = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, check=True,
                         env=dict(PYTHONPATH=':'.join(sys.path)))
    loaded, decoded_in_full = out.stdout.splitlines()
    assert loaded == "['pyroute2', 'pyroute2.netlink.exceptions']" and decoded_in_full == 'True', out.stdout
