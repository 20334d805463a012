"""network_firewall without a kernel: rule text, plans against a table given as data, nft missing."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nft
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.network_firewall import (
    Firewall, NetworkFirewall, binding_of)
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput

PARAMS = dict(network='web', netns=None, state='present', bridge='br-web', subnet='172.18.0.0/16', masquerade=True,
              isolate=True, published_ports=[], vxlan_port=None, vxlan_peers=None)


def firewall(**options):
    return Firewall(None, dict(PARAMS, **options), check_mode=True)


def table(fw, rules):
    """What read() keeps of a table holding 'rules' [(chain, comment, text[, expr])], with all the collection's
    chains."""
    fw.table = dict(chains={}, foreign=[],
                    rules=[dict(chain=r[0], handle=i + 1, comment=r[1], text=r[2], expr=r[3] if len(r) > 3 else [])
                           for i, r in enumerate(rules)])
    for name, kind, hook, prio in (('prerouting', 'nat', 'prerouting', -100), ('output', 'nat', 'output', -100),
                                   ('postrouting', 'nat', 'postrouting', 100), ('input', 'filter', 'input', 0),
                                   ('forward', 'filter', 'forward', 0)):
        fw.table['chains'][name] = dict(name=name, type=kind, hook=hook, prio=prio, policy='accept')
    for name in ('to_bridges', 'from_bridges', 'vxlan_peers'):
        fw.table['chains'][name] = dict(name=name)
    return fw


def wanted(fw):
    ops, after = fw.plan(None)
    return after['rules']


def test_render_matches_nft_list():
    rule = {'comment': 'fabric:a:publish:tcp:8080', 'expr': [
        {'match': {'op': '!=', 'left': {'meta': {'key': 'iifname'}}, 'right': 'br-a'}},
        {'match': {'op': '==', 'left': {'fib': {'result': 'type', 'flags': ['daddr']}}, 'right': 'local'}},
        {'match': {'op': '==', 'left': {'meta': {'key': 'nfproto'}}, 'right': 'ipv6'}},
        {'match': {'op': '==', 'left': {'payload': {'protocol': 'tcp', 'field': 'dport'}}, 'right': 8080}},
        {'dnat': {'family': 'ip6', 'addr': 'fd00::2', 'port': 80}}]}
    assert _nft.render(rule) == ('iifname != "br-a" fib daddr type local meta nfproto ipv6 tcp dport 8080 '
                                 'dnat ip6 to [fd00::2]:80 comment "fabric:a:publish:tcp:8080"')
    peers = {'expr': [{'match': {'op': '==', 'left': {'payload': {'protocol': 'ip', 'field': 'saddr'}},
                                 'right': {'set': ['198.18.0.3', '198.18.0.2']}}},
                      {'counter': {'packets': 7, 'bytes': 420}}, {'accept': None}]}
    assert _nft.render(peers) == 'ip saddr { 198.18.0.2, 198.18.0.3 } counter accept'
    assert _nft.render({'expr': [{'xt': {'type': 'match'}}]}) == '{"xt": {"type": "match"}}'


MEMBERSHIP = [
    'to_bridges: oifname "br-web" ct status dnat return comment "fabric:web:bridge"',
    'to_bridges: oifname "br-web" drop comment "fabric:web:bridge"',
    'from_bridges: iifname "br-web" ct status dnat return comment "fabric:web:bridge"',
    'from_bridges: iifname "br-web" drop comment "fabric:web:bridge"']
ISOLATE = ['forward: iifname "br-web" oifname != "br-web" jump to_bridges comment "fabric:web:isolate"',
           'forward: oifname "br-web" iifname != "br-web" jump from_bridges comment "fabric:web:isolate"']
LOCALHOST = [
    'postrouting: ip saddr 127.0.0.0/8 oifname "br-web" masquerade comment "fabric:web:localhost"',
    'input: iifname "br-web" ip daddr 127.0.0.0/8 ct state != { established, related } drop '
    'comment "fabric:web:localhost"']


def test_render_of_the_new_statements():
    def text(*expr):
        return _nft.render({'expr': list(expr)})
    status = {'ct': {'key': 'status'}}
    assert text({'match': {'op': 'in', 'left': status, 'right': 'dnat'}}, {'return': None}) == 'ct status dnat return'
    # '==' on a bitmask compares all bits, and nft prints it: not the same rule as the bit test above.
    assert text({'match': {'op': '==', 'left': status, 'right': 'dnat'}}) == 'ct status == dnat'
    assert text({'match': {'op': '!=', 'left': {'ct': {'key': 'state'}}, 'right': {'set': ['related', 'established']}}},
                {'drop': None}) == 'ct state != { established, related } drop'
    assert text({'match': {'op': '==', 'left': {'ct': {'key': 'ip daddr', 'dir': 'original'}},
                           'right': '127.0.0.1'}}) == 'ct original ip daddr 127.0.0.1'
    dport = {'payload': {'protocol': 'tcp', 'field': 'dport'}}
    assert text({'match': {'op': '==', 'left': dport, 'right': {'range': [8000, 8010]}}},
                {'dnat': {'family': 'ip6', 'addr': 'fd00::2'}}) == 'tcp dport 8000-8010 dnat ip6 to fd00::2'
    shifted = {'map': {'key': dport, 'data': {'set': [[10000, 9001], [9999, 9000]]}}}
    assert text({'dnat': {'family': 'ip6', 'addr': 'fd00::2', 'port': shifted}}) == (
        'dnat ip6 to [fd00::2]:tcp dport map { 9999 : 9000, 10000 : 9001 }')
    assert text({'dnat': {'family': 'ip', 'addr': '10.0.0.2', 'port': shifted}}) == (
        'dnat ip to 10.0.0.2:tcp dport map { 9999 : 9000, 10000 : 9001 }')


def test_rules_of_a_docker_style_network():
    fw = firewall(published_ports=[dict(address='172.18.0.2', port=80, host_port=8080, protocol='tcp')])
    assert wanted(fw) == [
        'prerouting: fib daddr type local meta nfproto ipv4 tcp dport 8080 dnat ip to 172.18.0.2:80 '
        'comment "fabric:web:publish:tcp:8080"',
        'output: fib daddr type local meta nfproto ipv4 tcp dport 8080 dnat ip to 172.18.0.2:80 '
        'comment "fabric:web:publish:tcp:8080"',
        'postrouting: ip saddr 172.18.0.0/16 oifname != "br-web" masquerade comment "fabric:web:masquerade"',
        'postrouting: ip saddr 172.18.0.0/16 oifname "br-web" ct status dnat masquerade comment "fabric:web:hairpin"',
        LOCALHOST[0], LOCALHOST[1]] + ISOLATE + MEMBERSHIP
    assert fw.sysctls() == [dict(netns=None, name='net.ipv4.conf.br-web.route_localnet', value='1')]


def test_without_masquerade_and_isolation_only_the_membership_remains():
    fw = firewall(masquerade=False, isolate=False)
    assert wanted(fw) == MEMBERSHIP
    assert fw.sysctls() == [dict(netns=None, name='net.ipv4.conf.br-web.route_localnet', value='0')]


def test_plan_keeps_rules_in_order_and_fixes_the_rest():
    fw = firewall(masquerade=False, isolate=False, vxlan_port=4789, vxlan_peers=['198.18.0.2'])
    jump = 'udp dport 4789 jump vxlan_peers comment "fabric:web:vxlan:4789"'
    drop = 'udp dport 4789 drop comment "fabric:web:vxlan:4789"'
    ret, member = MEMBERSHIP[0].split(': ', 1)[1], MEMBERSHIP[1].split(': ', 1)[1]
    table(fw, [('input', 'fabric:web:vxlan:4789', drop),  # the drop before its jump: wrong order
               ('input', 'fabric:other:vxlan:4789', 'udp dport 4789 drop comment "fabric:other:vxlan:4789"'),
               ('to_bridges', 'fabric:web:bridge', ret),
               ('to_bridges', 'fabric:web:bridge', member),
               ('to_bridges', 'fabric:web:bridge', member),
               ('from_bridges', 'fabric:web:bridge', MEMBERSHIP[2].split(': ', 1)[1]),
               ('from_bridges', 'fabric:web:bridge', MEMBERSHIP[3].split(': ', 1)[1])])
    actions = [op.action for op in fw.plan(None)[0]]
    assert actions == [
        'delete rule inet linuxnet_fabric input handle 1 (%s)' % drop,
        'add rule inet linuxnet_fabric input ' + jump,
        'add rule inet linuxnet_fabric input ' + drop,
        'delete rule inet linuxnet_fabric to_bridges handle 5 (%s)' % member,
        'add rule inet linuxnet_fabric vxlan_peers udp dport 4789 ip saddr 198.18.0.2 accept '
        'comment "fabric:web:vxlan:4789"']


def test_absent_keeps_the_table_while_other_rules_live_in_it():
    fw = Firewall(None, dict(network='web', state='absent'), check_mode=True)
    table(fw, [('forward', 'fabric:web:isolate', 'x'), ('forward', 'fabric:webx:isolate', 'y')])
    assert [op.action for op in fw.plan(None)[0]] == ['delete rule inet linuxnet_fabric forward handle 1 (x)']
    table(fw, [('forward', 'fabric:web:isolate', 'x')])
    assert fw.plan(None)[0][-1].action == 'delete table inet linuxnet_fabric (no rules left in it)'


def test_a_base_chain_hooked_elsewhere_is_a_conflict():
    fw = table(firewall(), [])
    fw.table['chains']['forward']['prio'] = 10
    with pytest.raises(Exception, match='chain forward of table inet linuxnet_fabric .* changed outside'):
        fw.plan(None)


@pytest.mark.parametrize('options,message', [
    (dict(network='we b'), "network='we b'"),
    (dict(subnet='172.18.0.1/16'), "subnet='172.18.0.1/16'"),
    (dict(published_ports=[dict(address='172.19.0.2', port=80, host_port=8080)]), 'published_ports[0].address'),
    (dict(published_ports=['80:80']), 'published_ports[0]'),
    (dict(published_ports=[dict(address='172.18.0.2', port=80)]), 'published_ports[0].host_port=None'),
    (dict(vxlan_port=65536, vxlan_peers=[]), 'vxlan_port=65536'),
])
def test_bad_input(options, message):
    with pytest.raises(InvalidInput) as e:
        firewall(**options)
    assert message in str(e.value)


def test_nft_missing_names_the_package(monkeypatch):
    monkeypatch.setattr(_nft.shutil, 'which', lambda name, path=None: None)
    with pytest.raises(_nft.NftError, match='nft .nftables. was not found.*apt-get install nftables'):
        _nft.binary()


DUAL = dict(subnet6='fd00:18::/64', published_ports=[
    dict(address='172.18.0.2', address6='fd00:18::2', port=80, host_port=8080),
    dict(address='172.18.0.3', port='9000-9002', host_port='8000-8002', host_ip='192.0.2.10'),
    dict(address='172.18.0.4', port='8100-8101', host_port='8100-8101', protocol='udp')])


def test_rules_of_a_dual_stack_network_with_a_range_and_host_ip():
    rules = wanted(firewall(**DUAL))
    publish = [r for r in rules if r.startswith(('prerouting', 'output'))]
    assert publish == [
        'prerouting: ip daddr 192.0.2.10 tcp dport 8000-8002 dnat ip to 172.18.0.3:tcp dport map '
        '{ 8000 : 9000, 8001 : 9001, 8002 : 9002 } comment "fabric:web:publish:tcp:8000-8002"',
        'prerouting: fib daddr type local meta nfproto ipv4 tcp dport 8080 dnat ip to 172.18.0.2:80 '
        'comment "fabric:web:publish:tcp:8080"',
        'prerouting: fib daddr type local meta nfproto ipv6 tcp dport 8080 dnat ip6 to [fd00:18::2]:80 '
        'comment "fabric:web:publish:tcp:8080"',
        'prerouting: fib daddr type local meta nfproto ipv4 udp dport 8100-8101 dnat ip to 172.18.0.4 '
        'comment "fabric:web:publish:udp:8100-8101"',
        'output: ip daddr 192.0.2.10 tcp dport 8000-8002 dnat ip to 172.18.0.3:tcp dport map '
        '{ 8000 : 9000, 8001 : 9001, 8002 : 9002 } comment "fabric:web:publish:tcp:8000-8002"',
        'output: fib daddr type local meta nfproto ipv4 tcp dport 8080 dnat ip to 172.18.0.2:80 '
        'comment "fabric:web:publish:tcp:8080"',
        'output: fib daddr type local ip6 daddr != ::1 tcp dport 8080 dnat ip6 to [fd00:18::2]:80 '
        'comment "fabric:web:publish:tcp:8080"',
        'output: fib daddr type local meta nfproto ipv4 udp dport 8100-8101 dnat ip to 172.18.0.4 '
        'comment "fabric:web:publish:udp:8100-8101"']
    assert [r for r in rules if r.startswith('postrouting')] == [
        'postrouting: ip saddr 172.18.0.0/16 oifname != "br-web" masquerade comment "fabric:web:masquerade"',
        'postrouting: ip saddr 172.18.0.0/16 oifname "br-web" ct status dnat masquerade comment "fabric:web:hairpin"',
        'postrouting: ip6 saddr fd00:18::/64 oifname "br-web" ct status dnat masquerade '
        'comment "fabric:web:hairpin"', LOCALHOST[0]]  # no masquerade6 by default


def test_ipv6_only_masquerade6_and_the_old_ipv6_subnet():
    assert wanted(firewall(subnet=None, subnet6='fd00:18::/64')) == ISOLATE + MEMBERSHIP
    assert wanted(firewall(subnet=None, subnet6='fd00:18::/64', masquerade6=True))[0] == (
        'postrouting: ip6 saddr fd00:18::/64 oifname != "br-web" masquerade comment "fabric:web:masquerade6"')
    # An IPv6 prefix in 'subnet' (before subnet6 existed) keeps 'masquerade' and its IPv6 published ports.
    old = wanted(firewall(subnet='fd00:18::/64', published_ports=[dict(address='fd00:18::2', port=80, host_port=80)]))
    assert old[:3] == [
        'prerouting: fib daddr type local meta nfproto ipv6 tcp dport 80 dnat ip6 to [fd00:18::2]:80 '
        'comment "fabric:web:publish:tcp:80"',
        'output: fib daddr type local ip6 daddr != ::1 tcp dport 80 dnat ip6 to [fd00:18::2]:80 '
        'comment "fabric:web:publish:tcp:80"',
        'postrouting: ip6 saddr fd00:18::/64 oifname != "br-web" masquerade comment "fabric:web:masquerade"']
    assert not any('localhost' in r for r in old)


@pytest.mark.parametrize('host_ip,chains,localhost', [
    ('192.0.2.10', ['prerouting', 'output'], False),  # one address: no 127.0.0.1
    ('127.0.0.1', ['output'], True),  # the host itself only: no prerouting rule, so no way in from outside
    ('0.0.0.0', ['prerouting', 'output'], True),  # all IPv4 addresses, none of IPv6
])
def test_host_ip(host_ip, chains, localhost):
    fw = firewall(subnet6='fd00:18::/64', published_ports=[
        dict(address='172.18.0.2', address6='fd00:18::2', port=80, host_port=8080, host_ip=host_ip)])
    rules = wanted(fw)
    assert [r.split(':')[0] for r in rules if 'publish' in r] == chains
    assert not any('ip6' in r for r in rules if 'publish' in r)
    assert any('localhost' in r for r in rules) is localhost
    assert fw.sysctls()[0]['value'] == ('1' if localhost else '0')


def others(*networks):
    """Rules of other networks as a table read them: with their JSON expression."""
    rules = []
    for fw in networks:
        rules += [(c, comment, _nft.render(dict(expr=expr, comment=comment)), expr) for c, comment, expr in fw.want]
    return rules


B = firewall(network='b', bridge='br-b', subnet='172.19.0.0/16', subnet6='fd00:19::/64', published_ports=[
    dict(address='172.19.0.2', port='8000-8010', host_port='8000-8010'),
    dict(address='172.19.0.2', address6='fd00:19::2', port=53, host_port=53, protocol='udp', host_ip='192.0.2.1'),
    dict(address6='fd00:19::2', port=53, host_port=53, protocol='udp', host_ip='2001:db8::1')])


@pytest.mark.parametrize('port,message', [
    (dict(address='172.18.0.2', port=80, host_port=8005),
     'tcp ports 8000-8010 on all IPv4 addresses is already published by network b'),
    (dict(address='172.18.0.2', port='80-89', host_port='8010-8019'), 'tcp ports 8000-8010'),
    (dict(address='172.18.0.2', port=80, host_port=8000, host_ip='127.0.0.1'), 'tcp ports 8000-8010'),
    (dict(address='172.18.0.2', port=53, host_port=53, protocol='udp'), 'udp port 53 on 192.0.2.1'),
    (dict(address6='fd00:18::2', port=53, host_port=53, protocol='udp'), 'udp port 53 on 2001:db8::1'),
])
def test_a_host_port_of_another_network_is_refused(port, message):
    fw = table(firewall(subnet6='fd00:18::/64', published_ports=[port]), others(B))
    with pytest.raises(InvalidInput, match="published_ports.0..host_port=.*: " + message):
        fw.plan(None)


@pytest.mark.parametrize('port', [
    dict(address='172.18.0.2', port=80, host_port=8011),  # next to the range
    dict(address6='fd00:18::2', port=80, host_port=8005),  # IPv6: b publishes its range on IPv4 only
    dict(address='172.18.0.2', port=80, host_port=8005, protocol='udp'),
    dict(address='172.18.0.2', port=53, host_port=53, protocol='udp', host_ip='192.0.2.2'),  # another address
    dict(address6='fd00:18::2', port=53, host_port=53, protocol='udp', host_ip='2001:db8::2'),
])
def test_ports_another_network_does_not_take_are_fine(port):
    fw = table(firewall(subnet6='fd00:18::/64', published_ports=[port]), others(B))
    assert fw.plan(None)[0]


def test_preflight_reads_and_refuses_without_planning(monkeypatch):
    fw = firewall(bridge='br-b')
    planned = []
    monkeypatch.setattr(fw, 'read', lambda: table(fw, others(B)) and None)
    monkeypatch.setattr(fw, 'skeleton_steps', lambda: planned.append(1) or [])
    with pytest.raises(InvalidInput, match="bridge='br-b': already belongs to network b"):
        fw.preflight()
    assert planned == []
    fw = firewall()
    monkeypatch.setattr(fw, 'read', lambda: table(fw, others(B)) and None)
    fw.preflight()  # no conflict: nothing raised


def test_binding_of_rules_as_nft_lists_them():
    dport = {'payload': {'protocol': 'tcp', 'field': 'dport'}}
    expr = [{'match': {'op': '==', 'left': {'payload': {'protocol': 'ip', 'field': 'daddr'}}, 'right': '192.0.2.1'}},
            {'match': {'op': '==', 'left': dport, 'right': {'range': [8000, 8010]}}},
            {'dnat': {'family': 'ip', 'addr': '10.88.1.2'}}]
    assert binding_of(expr) == dict(version=4, protocol='tcp', host=(8000, 8010), host_ip='192.0.2.1')
    expr = [{'match': {'op': '==', 'left': {'fib': {'result': 'type', 'flags': ['daddr']}}, 'right': 'local'}},
            {'match': {'op': '!=', 'left': {'payload': {'protocol': 'ip6', 'field': 'daddr'}}, 'right': '::1'}},
            {'match': {'op': '==', 'left': dport, 'right': 8080}}, {'dnat': {'family': 'ip6', 'addr': 'fd00::2'}}]
    assert binding_of(expr) == dict(version=6, protocol='tcp', host=(8080, 8080), host_ip=None)
    assert binding_of([{'match': {'op': '==', 'left': {'meta': {'key': 'oifname'}}, 'right': 'br-a'}}]) is None


class Nl(object):
    """What NetworkFirewall asks of the Netlink: the namespace exists."""

    def __init__(self):
        self.planned = set()

    @staticmethod
    def exists(netns):
        return True


class Link(object):
    def __init__(self, alias=None):
        self.alias = alias

    def get_attr(self, name):
        return self.alias if name == 'IFLA_IFALIAS' else None


def module_batch(check_mode=True, bridge_exists=True, alias=None, **options):
    batch = NetworkFirewall(Nl(), dict(PARAMS, **options), check_mode=check_mode)
    batch._bridge = lambda: Link(alias) if bridge_exists else None
    return batch, [(r.kind, getattr(r, 'value', None)) for r in batch.resources()]


PORT = dict(address='172.18.0.2', port=80, host_port=8080)


def test_the_module_converges_route_localnet_around_the_rules():
    batch, order = module_batch(published_ports=[PORT])
    assert order == [('firewall', None), ('sysctl', '1')]  # a 1 after the rules that guard it
    state = dict(network='web', rules=['x'])
    sysctl = dict(name='net.ipv4.conf.br-web.route_localnet', netns=None)
    before, after = batch.summarize([dict(before={}, after=state),
                                     dict(before=dict(sysctl, value='0'), after=dict(sysctl, value='1'))])
    assert before == {} and after == dict(state, sysctls={'net.ipv4.conf.br-web.route_localnet': '1'})
    assert module_batch()[1] == [('sysctl', '0'), ('firewall', None)]  # a 0 before the rules


def test_a_bridge_that_is_not_there():
    # Check mode takes it as there (an earlier task makes it), as the rules do; a run leaves it to a later run.
    batch, order = module_batch(published_ports=[PORT], bridge_exists=False)
    assert order == [('firewall', None), ('sysctl', '1')] and ('link', None, 'br-web') in batch.nl.planned
    batch, order = module_batch(check_mode=False, published_ports=[PORT], bridge_exists=False)
    assert order == [('firewall', None)]
    assert batch.firewall.notes == ["bridge 'br-web' is not in the current netns: net.ipv4.conf.br-web.route_localnet"
                                    "=1 (for 127.0.0.1) is left to a run that finds it, assuming the bridge comes later"]
    assert module_batch(check_mode=False, bridge_exists=False)[1] == [('firewall', None)]  # no 0 to set


def test_absent_sets_route_localnet_of_the_bridge_back_to_0(monkeypatch):
    made = firewall(published_ports=[PORT])
    assert module_batch(state='absent')[1] == [('sysctl', '0'), ('firewall', None)]  # bridge given
    monkeypatch.setattr(Firewall, 'read', lambda fw: table(fw, others(made)) and None)
    batch = NetworkFirewall(Nl(), dict(network='web', state='absent'), check_mode=True)
    batch._bridge = Link
    assert [(r.kind, getattr(r, 'name', None)) for r in batch.resources()] == [
        ('sysctl', 'net.ipv4.conf.br-web.route_localnet'), ('firewall', None)]  # the bridge of its rules
    # A bridge that bridge_network made for this network goes with it (in the same run or just before).
    assert module_batch(state='absent', alias='fabric:web')[1] == [('firewall', None)]
    assert module_batch(state='absent', alias='fabric:web2')[1] == [('sysctl', '0'), ('firewall', None)]


@pytest.mark.parametrize('options,message', [
    (dict(subnet=None), 'subnet=None: .* is required'),
    (dict(subnet6='10.88.0.0/24'), "subnet6='10.88.0.0/24': expected an IPv6 network"),
    (dict(subnet6='fd00::/127'), "subnet6='fd00::/127': a prefix longer than /126"),
    (dict(subnet6='fd00::/129'), "subnet6='fd00::/129': the prefix length must be 0 to 128"),
    (dict(subnet='fd00:1::/64', subnet6='fd00::/64'), "subnet='fd00:1::/64': must be the IPv4 subnet"),
    (dict(masquerade6=True), 'masquerade6=True: needs subnet6'),
    (dict(published_ports=[dict(address6='fd00::2', port=80, host_port=80)]),
     r"published_ports\[0\].address6='fd00::2': needs subnet6"),
    (dict(subnet6='fd00:18::/64', published_ports=[dict(address6='fd00:19::2', port=80, host_port=80)]),
     r"address6='fd00:19::2': not a host address of subnet6 fd00:18::/64"),
    (dict(subnet6='fd00:18::/64', published_ports=[dict(address6='172.18.0.2', port=80, host_port=80)]),
     r"address6='172.18.0.2': expected an IPv6 address"),
    (dict(published_ports=[dict(port=80, host_port=80)]), r"published_ports\[0\].address=None"),
    (dict(published_ports=[dict(address='172.18.0.2', port=80, host_port=80, host_ip='192.0.2')]),
     r"host_ip='192.0.2': expected an IP address"),
    (dict(published_ports=[dict(address='172.18.0.2', port=80, host_port=80, host_ip='2001:db8::1')]),
     r"host_ip='2001:db8::1': an IPv6 host address needs the endpoint's IPv6 address \(address6\)"),
    (dict(subnet6='fd00:18::/64', published_ports=[dict(address6='fd00:18::2', port=80, host_port=80,
                                                        host_ip='::1')]), "host_ip='::1': IPv6 cannot"),
    (dict(published_ports=[dict(address='172.18.0.2', port=80, host_port=80, host_ip='224.0.0.1')]),
     "host_ip='224.0.0.1'"),
    (dict(published_ports=[dict(address='172.18.0.2', port='80-82', host_port='8000-8001')]),
     r"port='80-82': host_port 8000-8001 is 2 port\(s\) long, port 80-82 is 3: the two must be of equal"),
    (dict(published_ports=[dict(address='172.18.0.2', port=80, host_port='8000-8001')]), 'port=80: host_port 8000-8001'),
    (dict(published_ports=[dict(address='172.18.0.2', port='90-80', host_port='8000-8010')]),
     "port='90-80': a range goes from the lower port to the higher one"),
    (dict(published_ports=[dict(address='172.18.0.2', port='65530-65540', host_port='65530-65540')]),
     "port='65530-65540': a port is 1 to 65535"),
    (dict(published_ports=[dict(address='172.18.0.2', port='80:81', host_port=80)]),
     "port='80:81': expected a port"),
    (dict(published_ports=[dict(address='172.18.0.2', port=True, host_port=80)]), 'port=True: expected a port'),
    (dict(published_ports=[dict(address='172.18.0.2', port='80-90', host_port='8000-8010'),
                           dict(address='172.18.0.3', port='80-90', host_port='8010-8020')]),
     r"published_ports\[1\].host_port='8010-8020': tcp ports 8010-8020 on all IPv4 addresses is already published "
     r"by published_ports\[0\]"),
    (dict(published_ports=[dict(address='172.18.0.2', port=80, host_port=80, host_ip='127.0.0.1'),
                           dict(address='172.18.0.3', port=80, host_port=80)]), r"published_ports\[1\].host_port=80"),
])
def test_bad_input_of_the_new_options(options, message):
    with pytest.raises(InvalidInput, match=message):
        firewall(**options)


def test_the_same_port_on_other_addresses_or_families_is_fine():
    fw = firewall(subnet6='fd00:18::/64', published_ports=[
        dict(address='172.18.0.2', port=80, host_port=80, host_ip='192.0.2.1'),
        dict(address='172.18.0.3', port=80, host_port=80, host_ip='192.0.2.2'),
        dict(address6='fd00:18::3', port=80, host_port=80)])
    assert len([r for r in wanted(fw) if 'publish' in r]) == 6
