"""probe: validation (every rejected value names the option and the value), ICMP parsing, the matrix table."""
import ipaddress
import struct

import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import probe as p
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


def probes(checks=(), matrix=(), **top):
    return p.Probes(dict(dict(checks=list(checks), matrix=list(matrix), size=None, df=False, timeout=1.0, count=1,
                              parallel=16), **top))


def c(**kw):
    return dict(kw)


@pytest.mark.parametrize('checks,top,message', [
    ([c(to='10.0.0.1', netns_path='/proc/1/ns/net', pid=1)], {}, "checks[0].pid=1: give only one of from"),
    ([c(to='10.0.0.1', **{'from': 'a', 'pid': 5})], {}, 'checks[0].pid=5: give only one of from'),
    ([c(to='10.0.0.1', pid=0)], {}, 'checks[0].pid=0: expected a process ID'),
    ([c(to='10.0.0.1', netns_path='proc/1/ns/net')], {}, "checks[0].netns_path='proc/1/ns/net': expected the absolute"),
    ([c(to='10.0.0.1', **{'from': 'a/b'})], {}, "checks[0].from='a/b'"),
    ([c(to='example.com')], {}, "checks[0].to='example.com': expected an IP address"),
    ([c(to='224.0.0.1')], {}, "checks[0].to='224.0.0.1': must be a unicast address"),
    ([c(to=None)], {}, 'checks[0].to=None: the address to probe is required'),
    ([c(to='10.0.0.1', proto='udp')], {}, "checks[0].proto='udp': expected one of icmp, tcp"),
    ([c(to='10.0.0.1', expect='maybe')], {}, "checks[0].expect='maybe'"),
    ([c(to='10.0.0.1', proto='tcp')], {}, 'checks[0].port=None: a tcp probe needs the port'),
    ([c(to='10.0.0.1', proto='tcp', port=70000)], {}, 'checks[0].port=70000: must be an integer from 1 to 65535'),
    ([c(to='10.0.0.1', port=80)], {}, 'checks[0].port=80: applies to tcp probes only'),
    ([c(to='10.0.0.1', proto='tcp', port=80, size=100)], {}, 'checks[0].size=100: applies to icmp probes only'),
    ([c(to='10.0.0.1', proto='tcp', port=80, df=True)], {}, 'checks[0].df=True: applies to icmp probes only'),
    ([c(to='10.0.0.1', size=65508)], {}, 'checks[0].size=65508: the whole IP packet in bytes, from 28'),
    ([c(to='10.0.0.1', size=27)], {}, 'checks[0].size=27'),
    ([c(to='fd00::1', size=40)], {}, 'checks[0].size=40: the whole IP packet in bytes, from 48 (the IPv6'),
    ([c(to='fd00::1')], dict(size=47), 'size=47: the whole IP packet in bytes, from 48'),
    ([c(to='10.0.0.1', timeout=0)], {}, 'checks[0].timeout=0: must be more than 0 and at most 60 seconds'),
    ([c(to='10.0.0.1')], dict(timeout=61), 'timeout=61: must be more than 0'),
    ([c(to='10.0.0.1', count=0)], {}, 'checks[0].count=0: must be an integer from 1 to 100'),
    ([c(to='10.0.0.1')], dict(parallel=0), 'parallel=0: must be an integer from 1 to 256'),
    ([c(to='10.0.0.1', proto='tcp', port=80, listener=dict(port=None))], {}, 'checks[0].listener.port=None'),
    ([c(to='10.0.0.1', listener=dict(port=80))], {}, 'checks[0].listener='),
])
def test_bad_checks_name_option_and_value(checks, top, message):
    with pytest.raises(InvalidInput) as e:
        probes(checks, **top)
    assert str(e.value).startswith(message), str(e.value)


def test_defaults_and_overrides():
    got = probes([c(to='10.0.0.1'), c(to='10.0.0.2/24', size=1450, df=True, timeout=0.5, count=3),
                  c(to='fd00::1'), c(to='10.0.0.1', proto='tcp', port=80)], size=200, df=False, count=2).checks
    assert [(x.size, x.df, x.timeout, x.count) for x in got] == [
        (200, False, 1.0, 2), (1450, True, 0.5, 3), (200, False, 1.0, 2), (None, False, 1.0, 2)]
    assert str(got[1].to) == '10.0.0.2' and got[0].source.ns is None and got[0].source.label == ''
    assert probes([c(to='10.0.0.1')]).checks[0].size == 84 and probes([c(to='fd00::1')]).checks[0].size == 104


def test_namespace_forms():
    got = probes([c(to='10.0.0.1', **{'from': 'web'}), c(to='10.0.0.1', pid=42),
                  c(to='10.0.0.1', netns_path='/run/docker/netns//x')]).checks
    assert [(x.source.ns, x.source.label) for x in got] == [
        ('web', 'web'), ('/proc/42/ns/net', 'pid 42'), ('/run/docker/netns/x', '/run/docker/netns/x')]


def test_matrix_needs_two_distinct_endpoints():
    with pytest.raises(InvalidInput, match=r'^matrix=.*at least two endpoints'):
        probes(matrix=[dict(netns='a')])
    with pytest.raises(InvalidInput, match=r"^matrix\[\].name='a': listed more than once"):
        probes(matrix=[dict(netns='a'), dict(name='a', netns='b')])
    with pytest.raises(InvalidInput, match=r'^matrix\[1\]=.*needs a name or an address'):
        probes(matrix=[dict(netns='a'), dict()])


def test_matrix_endpoint_namespaces():
    got = probes(matrix=[dict(name='web-1'), dict(name='web-2', netns='h2-web'), dict(name='here', netns=''),
                         dict(pid=7, address='10.0.0.9/24')]).endpoints
    assert [(e.name, e.source.ns, e.source.option, str(e.address)) for e in got] == [
        ('web-1', 'web-1', 'matrix[0].name', 'None'), ('web-2', 'h2-web', 'matrix[1].netns', 'None'),
        ('here', None, None, 'None'), ('pid 7', '/proc/7/ns/net', 'matrix[3].pid', '10.0.0.9')]


def test_matrix_of_mixed_families_is_refused_before_any_probe():
    ps = probes(matrix=[dict(name='a', netns='', address='10.0.0.1'), dict(name='b', netns='', address='fd00::2')])
    with pytest.raises(InvalidInput) as e:
        ps.resolve(nl=None)
    assert str(e.value).startswith("matrix[1].address='fd00::2': an IPv6 address, but matrix[0] is IPv4")


def test_table_rows_probe_columns():
    ps = probes(matrix=[dict(name='a', netns='', address='10.0.0.1'), dict(name='bb', netns='', address='10.0.0.2'),
                        dict(name='c', netns='', address='10.0.0.3')])
    ps.resolve(nl=None)
    outcomes = iter(['reach', 'blocked', 'reach', 'error', 'reach', 'reach'])
    for row in ps.matrix:
        for probe in row:
            if probe is not None:
                probe.finish(next(outcomes), 'test')
    assert ps.table() == ['from/to  a        bb       c',
                          'a        .        ok       LOST',
                          'bb       ok       .        ERR',
                          'c        ok       ok       .']
    report = ps.report()
    assert report['failed'] and report['passed'] == 4 and len(report['failed_checks']) == 2
    assert report['msg'].splitlines()[0] == '2 of 6 probes failed:'
    assert report['msg'].splitlines()[1] == '- from a to 10.0.0.3 (icmp, 84 bytes): expected reach, got blocked: test'


def test_failure_message_names_the_probe():
    ps = probes([c(name='db port', to='10.0.0.1', proto='tcp', port=5432, **{'from': 'web'})])
    ps.checks[0].finish('blocked', 'connection refused (reset)')
    assert ps.report()['msg'] == ('1 of 1 probes failed:\n- db port: from web to 10.0.0.1 (tcp port 5432): expected '
                                  'reach, got blocked: connection refused (reset)')


def ipv4(src, dst, proto, payload):
    return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 0, 0, 64, proto, 0,
                       ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed) + payload


def test_parse_icmp_reply_and_errors():
    reply = ipv4('10.0.0.2', '10.0.0.1', 1, struct.pack('!BBHHH', 0, 0, 0, 7, 9) + b'x' * 8)
    assert p.parse_icmp(4, reply, 7) == (9, None, 'reach', None)
    assert p.parse_icmp(4, reply, 8) is None  # another process's echo
    request = ipv4('10.0.0.1', '10.0.0.9', 1, struct.pack('!BBHHH', 8, 0, 0, 7, 3))
    frag = ipv4('10.0.0.254', '10.0.0.1', 1, struct.pack('!BBHHH', 3, 4, 0, 0, 1400) + request)
    assert p.parse_icmp(4, frag, 7) == (3, ipaddress.ip_address('10.0.0.9'), 'blocked',
                                        'fragmentation needed: next-hop MTU 1400')
    prohibited = ipv4('10.0.0.254', '10.0.0.1', 1, struct.pack('!BBHHH', 3, 13, 0, 0, 0) + request)
    assert p.parse_icmp(4, prohibited, 7)[3] == 'destination unreachable: administratively prohibited'
    inner6 = struct.pack('!IHBB16s16s', 6 << 28, 8, 58, 64, ipaddress.ip_address('fd00::1').packed,
                         ipaddress.ip_address('fd00::9').packed) + struct.pack('!BBHHH', 128, 0, 0, 7, 4)
    too_big = struct.pack('!BBHI', 2, 0, 0, 1280) + inner6
    assert p.parse_icmp(6, too_big, 7) == (4, ipaddress.ip_address('fd00::9'), 'blocked', 'packet too big: MTU 1280')
    assert p.parse_icmp(6, struct.pack('!BBHHH', 129, 0, 0, 7, 5), 7) == (5, None, 'reach', None)


def test_checksum():
    header = struct.pack('!BBHHH', 8, 0, 0, 1, 1)
    total = p._checksum(header + b'abc')
    assert p._checksum(header[:2] + struct.pack('!H', total) + header[4:] + b'abc') == 0
