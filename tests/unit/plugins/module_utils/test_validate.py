"""Validation: every accepted value is normalised, every rejected one names the option and the value."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate as v
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput


@pytest.mark.parametrize('name', ['eth0', 'br-app', 'a' * 15, 'veth.100', 'flannel.1'])
def test_ifname_accepts(name):
    assert v.ifname('name', name) == name


@pytest.mark.parametrize('name', ['', 'a' * 16, 'a/b', 'a:b', 'a b', '.', '..', 'tab\t', None, 5, 'é' * 8])
def test_ifname_rejects(name):
    with pytest.raises(v.InvalidInput) as e:
        v.ifname('peer.name', name)
    assert e.value.option == 'peer.name'
    assert str(e.value).startswith('peer.name=%r' % (name,))


@pytest.mark.parametrize('name,wrong', [
    ('vx\u00a9', 'byte 3 is 0xc2 (not ASCII)'),      # looks like an ASCII name, is another one
    ('eth\u0430', 'byte 4 is 0xd0 (not ASCII)'),     # Cyrillic a
    ('a%b', "byte 2 is '%'"),
    ('br:0', "byte 3 is ':'"),
    ('a/b', "byte 2 is '/'"),
    ('br 0', 'byte 3 is a space'),
    ('tab\t', 'byte 4 is 0x09 (a control character)'),
    ('del\x7f', 'byte 4 is 0x7f (a control character)'),
    ('nbsp\u00a0', 'byte 5 is 0xc2 (not ASCII)'),
    ('x\ud800', 'byte 2 is 0xed (not ASCII)'),       # a lone surrogate (possible in JSON) is no crash
])
def test_ifname_names_the_wrong_byte(name, wrong):
    with pytest.raises(v.InvalidInput) as e:
        v.ifname('name', name)
    assert str(e.value) == "name=%r: an interface name is printable ASCII without '/', ':', '%%' or whitespace: %s" % (
        name, wrong)


@pytest.mark.parametrize('name', ['!#$&*+', 'a~b', 'x{y}', 'q"\'', 'A-Z_0.9@'])
def test_ifname_accepts_printable_ascii(name):
    assert v.ifname('name', name) == name


@pytest.mark.parametrize('value,expected', [
    ('172.17.0.1/16', '172.17.0.1/16'),
    ('fd00:0::1/64', 'fd00::1/64'),
    ('10.0.0.5/32', '10.0.0.5/32'),
])
def test_interface_address_normalises(value, expected):
    assert v.interface_address('addresses', value) == expected


@pytest.mark.parametrize('value', ['172.17.0.1', '172.17.0.1/33', '300.1.1.1/8', 'fd00::1/129', '224.0.0.1/4',
                                   '0.0.0.0/0', 'x', None, ''])
def test_interface_address_rejects(value):
    with pytest.raises(v.InvalidInput) as e:
        v.interface_address('addresses', value)
    assert 'addresses=' in str(e.value)


def test_network_strict_and_default():
    assert v.network('dst', 'default') == '0.0.0.0/0'
    assert v.network('dst', '10.1.0.0/16') == '10.1.0.0/16'
    with pytest.raises(v.InvalidInput, match='host bits set'):
        v.network('dst', '10.1.0.1/16')


@pytest.mark.parametrize('value,expected', [('02:42:AC:11:00:02', '02:42:ac:11:00:02'),
                                            ('02-42-ac-11-00-02', '02:42:ac:11:00:02')])
def test_mac_normalises(value, expected):
    assert v.mac('mac_address', value) == expected


@pytest.mark.parametrize('value', ['01:00:5e:00:00:01', '00:00:00:00:00:00', '02:42:ac:11:00', 'zz:42:ac:11:00:02', 7])
def test_mac_rejects_non_unicast_and_malformed(value):
    with pytest.raises(v.InvalidInput):
        v.mac('mac_address', value)


def test_mac_allows_zero_when_not_unicast():
    assert v.mac('mac', '00:00:00:00:00:00', unicast=False) == '00:00:00:00:00:00'


@pytest.mark.parametrize('check,low,high', [(v.vni, 1, 16777215), (v.port, 1, 65535), (v.mtu, 68, 65535)])
def test_ranges(check, low, high):
    assert check('x', low) == low and check('x', high) == high
    for bad in (low - 1, high + 1, True, '5'):
        with pytest.raises(v.InvalidInput, match='must be an integer from %d to %d' % (low, high)):
            check('x', bad)


@pytest.mark.parametrize('name', ['nginx-1', 'host.a', 'ns_1'])
def test_netns_accepts(name):
    assert v.netns('netns', name) == name


@pytest.mark.parametrize('name', ['', '.', '..', '../etc', 'a/b', 'a b', 'x' * 256, 'nul\x00'])
def test_netns_rejects(name):
    with pytest.raises(v.InvalidInput):
        v.netns('netns', name)


def test_unique():
    with pytest.raises(v.InvalidInput, match='listed more than once'):
        v.unique('remotes', ['198.18.0.2', '198.18.0.2'])


@pytest.mark.parametrize('value', ['10.0.0.0/33', 'fd00::/129', '10.0.0.1/-1', '10.0.0.1/x'])
def test_prefix_length_out_of_range(value):
    with pytest.raises(InvalidInput, match='the prefix length must be'):
        _validate.prefix_length('dst', value)


def test_prefix_length_leaves_other_input_to_the_next_check():
    assert _validate.prefix_length('dst', 'nonsense/99') == 'nonsense/99'
    assert _validate.prefix_length('dst', '10.0.0.0/32') == '10.0.0.0/32'


@pytest.mark.parametrize('value', ['224.0.0.1', '0.0.0.0', '::', 'ff02::1', '255.255.255.255', 'x'])
def test_unicast_ip_rejects(value):
    with pytest.raises(InvalidInput):
        _validate.unicast_ip('gateway', value)


@pytest.mark.parametrize('value,expected', [(None, 254), ('main', 254), ('local', 255), ('100', 100), (100, 100),
                                            (4294967295, 4294967295)])
def test_route_table(value, expected):
    assert _validate.route_table('table', value) == expected


@pytest.mark.parametrize('value', [0, -1, 'nope', True, 4294967296, 1.5])
def test_route_table_rejects(value):
    with pytest.raises(InvalidInput, match='table='):
        _validate.route_table('table', value)


@pytest.mark.parametrize('value,parts', [
    ('net.ipv4.ip_forward', ['net', 'ipv4', 'ip_forward']),
    ('net/ipv4/conf/eth0.100/forwarding', ['net', 'ipv4', 'conf', 'eth0.100', 'forwarding']),
    ('net.ipv4.conf.eth0/100.forwarding', ['net', 'ipv4', 'conf', 'eth0.100', 'forwarding']),
    ('/proc/sys/net/core/somaxconn', ['net', 'core', 'somaxconn']),
])
def test_sysctl_names(value, parts):
    assert _validate.sysctl_name('name', value) == parts


@pytest.mark.parametrize('value,reason', [
    ('kernel.hostname', "only keys under 'net.'"), ('vm/swappiness', "only keys under 'net.'"),
    ('net/../kernel/hostname', 'not a valid sysctl name'), ('net..ipv4', 'not a valid sysctl name'),
    ('net', 'not a valid sysctl name'), ('', 'expected a sysctl name'), ('net.ipv4.a b', 'not a valid'),
])
def test_sysctl_names_rejected(value, reason):
    with pytest.raises(InvalidInput, match=reason):
        _validate.sysctl_name('name', value)


@pytest.mark.parametrize('value,expected', [(1, '1'), (True, '1'), (False, '0'), ('4096\t87380  6291456', '4096 87380 6291456')])
def test_sysctl_values(value, expected):
    assert _validate.sysctl_value('value', value) == expected


@pytest.mark.parametrize('value', ['', '  ', '1\n2', None, [1], 1.5])
def test_sysctl_values_rejected(value):
    with pytest.raises(InvalidInput, match='value='):
        _validate.sysctl_value('value', value)
