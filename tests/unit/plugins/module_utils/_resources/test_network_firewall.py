"""network_firewall without a kernel: rule text, plans against a table given as data, nft missing."""
import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nft
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.network_firewall import Firewall
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput

PARAMS = dict(network='web', netns=None, state='present', bridge='br-web', subnet='172.18.0.0/16', masquerade=True,
              isolate=True, published_ports=[], vxlan_port=None, vxlan_peers=None)


def firewall(**options):
    return Firewall(None, dict(PARAMS, **options), check_mode=True)


def table(fw, rules):
    """What read() keeps of a table holding 'rules' [(chain, comment, text)], with all the collection's chains."""
    fw.table = dict(chains={}, foreign=[],
                    rules=[dict(chain=c, handle=i + 1, comment=comment, text=text)
                           for i, (c, comment, text) in enumerate(rules)])
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


def test_rules_of_a_docker_style_network():
    rules = wanted(firewall(published_ports=[dict(address='172.18.0.2', port=80, host_port=8080, protocol='tcp')]))
    assert rules == [
        'prerouting: iifname != "br-web" fib daddr type local meta nfproto ipv4 tcp dport 8080 dnat ip to '
        '172.18.0.2:80 comment "fabric:web:publish:tcp:8080"',
        'output: fib daddr type local ip daddr != 127.0.0.0/8 tcp dport 8080 dnat ip to 172.18.0.2:80 '
        'comment "fabric:web:publish:tcp:8080"',
        'postrouting: ip saddr 172.18.0.0/16 oifname != "br-web" masquerade comment "fabric:web:masquerade"',
        'forward: iifname "br-web" oifname != "br-web" jump to_bridges comment "fabric:web:isolate"',
        'forward: oifname "br-web" iifname != "br-web" jump from_bridges comment "fabric:web:isolate"',
        'to_bridges: oifname "br-web" drop comment "fabric:web:bridge"',
        'from_bridges: iifname "br-web" drop comment "fabric:web:bridge"',
    ]


def test_without_masquerade_and_isolation_only_the_membership_remains():
    assert wanted(firewall(masquerade=False, isolate=False)) == [
        'to_bridges: oifname "br-web" drop comment "fabric:web:bridge"',
        'from_bridges: iifname "br-web" drop comment "fabric:web:bridge"']


def test_plan_keeps_rules_in_order_and_fixes_the_rest():
    fw = firewall(masquerade=False, isolate=False, vxlan_port=4789, vxlan_peers=['198.18.0.2'])
    jump = 'udp dport 4789 jump vxlan_peers comment "fabric:web:vxlan:4789"'
    drop = 'udp dport 4789 drop comment "fabric:web:vxlan:4789"'
    table(fw, [('input', 'fabric:web:vxlan:4789', drop),  # the drop before its jump: wrong order
               ('input', 'fabric:other:vxlan:4789', 'udp dport 4789 drop comment "fabric:other:vxlan:4789"'),
               ('to_bridges', 'fabric:web:bridge', 'oifname "br-web" drop comment "fabric:web:bridge"'),
               ('to_bridges', 'fabric:web:bridge', 'oifname "br-web" drop comment "fabric:web:bridge"'),
               ('from_bridges', 'fabric:web:bridge', 'iifname "br-web" drop comment "fabric:web:bridge"')])
    actions = [op.action for op in fw.plan(None)[0]]
    assert actions == [
        'delete rule inet linuxnet_fabric input handle 1 (%s)' % drop,
        'add rule inet linuxnet_fabric input ' + jump,
        'add rule inet linuxnet_fabric input ' + drop,
        'delete rule inet linuxnet_fabric to_bridges handle 4 (oifname "br-web" drop comment "fabric:web:bridge")',
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
