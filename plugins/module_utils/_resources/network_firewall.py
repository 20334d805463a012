# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firewall of one bridge or overlay network, in the collection's nftables table 'inet linuxnet_fabric'.

The table's base chains hook in at the standard priorities with policy accept; every rule carries the comment
'fabric:<network>:<purpose>', and a run reads, adds and deletes only rules with its own network's comment.
Design (docs/FIREWALL.md), for bridge B, subnet S (ip; ip6 for subnet6), a port H published as A:P:

  postrouting  ip saddr S oifname != "B" masquerade                       (masquerade, masquerade6)
               ip saddr S oifname "B" ct status dnat masquerade           (hairpin: a port reached from B)
               ip saddr 127.0.0.0/8 oifname "B" masquerade                (localhost: a port reached on 127.0.0.1)
  prerouting   fib daddr type local meta nfproto ipv4 tcp dport H dnat ip to A:P          (publish)
  output       the same; IPv6: ip6 daddr != ::1 for meta nfproto; with host_ip: ip daddr HOST_IP
  input        iifname "B" ip daddr 127.0.0.0/8 ct state != { established, related } drop    (localhost)
               udp dport V jump vxlan_peers ; udp dport V drop            (vxlan)
  forward      iifname "B" oifname != "B" jump to_bridges                 (isolate)
               oifname "B" iifname != "B" jump from_bridges
  to_bridges   oifname "B" ct status dnat return ; oifname "B" drop       (bridge: every network)
  from_bridges iifname "B" ct status dnat return ; iifname "B" drop
  vxlan_peers  udp dport V ip saddr { PEERS } accept

127.0.0.1 also needs net.ipv4.conf.B.route_localnet=1: Firewall.sysctls() says which sysctls the rules need, and
the module (NetworkFirewall) converges them with the rules.
"""

import ipaddress
import re

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nft, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import lookup, where
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Conflict, Op, Resource
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.sysctl import Sysctl

BASE_CHAINS = (  # name, type, hook, priority (dstnat -100, srcnat 100, filter 0)
    ('prerouting', 'nat', 'prerouting', -100),
    ('output', 'nat', 'output', -100),
    ('postrouting', 'nat', 'postrouting', 100),
    ('input', 'filter', 'input', 0),
    ('forward', 'filter', 'forward', 0),
)
REGULAR_CHAINS = ('to_bridges', 'from_bridges', 'vxlan_peers')
CHAINS = tuple(c[0] for c in BASE_CHAINS) + REGULAR_CHAINS
PROTOCOLS = ('tcp', 'udp')
LOOPBACK4 = ipaddress.ip_network('127.0.0.0/8')
_PORTS = re.compile(r'^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$')


def tag(network):
    return 'fabric:%s:' % network


# --- nft JSON building blocks -----------------------------------------------------------------------------------

def match(left, right, op='=='):
    return {'match': {'op': op, 'left': left, 'right': right}}


def meta(key):
    return {'meta': {'key': key}}


def ct(key):
    return {'ct': {'key': key}}


def payload(protocol, field):
    return {'payload': {'protocol': protocol, 'field': field}}


def prefix(net):
    return {'prefix': {'addr': str(net.network_address), 'len': net.prefixlen}}


def addresses(values):
    """A scalar for one address, an anonymous set for more (as nft prints them back)."""
    values = sorted(values, key=ipaddress.ip_address)
    return values[0] if len(values) == 1 else {'set': values}


def verdict(name, target=None):
    return {name: {'target': target}} if target else {name: None}


def ip_proto(version):
    return 'ip' if version == 4 else 'ip6'


def ports_value(span):
    return span[0] if span[0] == span[1] else {'range': list(span)}


def ports_text(span):
    return '%d' % span[0] if span[0] == span[1] else '%d-%d' % span


# --- published ports --------------------------------------------------------------------------------------------

def port_span(option, value):
    """A port (8080 or '8080') or a range ('8000-8010') -> (first, last)."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    found = _PORTS.match(text) if isinstance(text, str) else None
    if not found:
        raise _validate.InvalidInput(option, value, 'expected a port (1 to 65535) or a range such as 8000-8010')
    first, last = int(found.group(1)), int(found.group(2) or found.group(1))
    if not (1 <= first <= 65535 and 1 <= last <= 65535):
        raise _validate.InvalidInput(option, value, 'a port is 1 to 65535')
    if first > last:
        raise _validate.InvalidInput(option, value, 'a range goes from the lower port to the higher one (%d-%d)'
                                     % (last, first))
    return first, last


def overlap(a, b):
    """Two bindings (version, protocol, host ports, host_ip or None for all) that take the same host port."""
    return (a['version'] == b['version'] and a['protocol'] == b['protocol'] and a['host'][0] <= b['host'][1]
            and b['host'][0] <= a['host'][1] and (a['host_ip'] is None or b['host_ip'] is None
                                                  or a['host_ip'] == b['host_ip']))


def describe(binding):
    span = binding['host']
    where_ = binding['host_ip'] or 'all IPv%d addresses' % binding['version']
    return '%s port%s %s on %s' % (binding['protocol'], '' if span[0] == span[1] else 's', ports_text(span), where_)


def binding_of(expr):
    """The host port a publish rule of any network takes, read back from its expression (None: not one)."""
    found = dict(version=None, protocol=None, host=None, host_ip=None)
    for stmt in expr:
        test, dnat = stmt.get('match'), stmt.get('dnat')
        if test and 'payload' in test['left']:
            field = test['left']['payload']
            right = test['right']
            if field['field'] == 'dport' and field['protocol'] in PROTOCOLS:
                found['protocol'] = field['protocol']
                if isinstance(right, int):
                    found['host'] = (right, right)
                elif isinstance(right, dict) and len(right.get('range') or ()) == 2:
                    found['host'] = tuple(right['range'])
            elif field['field'] == 'daddr' and field['protocol'] in ('ip', 'ip6'):
                found['version'] = 4 if field['protocol'] == 'ip' else 6
                if test['op'] == '==' and isinstance(right, str):
                    found['host_ip'] = right
        elif test and test['left'].get('meta', {}).get('key') == 'nfproto' and test['right'] in ('ipv4', 'ipv6'):
            found['version'] = int(test['right'][-1])
        elif isinstance(dnat, dict) and found['version'] is None:
            found['version'] = 4 if dnat.get('family') == 'ip' else 6
    return found if found['protocol'] and found['version'] and found['host'] else None


class Firewall(Resource):
    kind = 'firewall'

    def __init__(self, nl, params, check_mode):
        super(Firewall, self).__init__(nl, params, check_mode)
        p = params
        self.network = _validate.network_name('network', p.get('network'))
        self.netns = _validate.netns('netns', p.get('netns'))
        self.state = p.get('state') or 'present'
        self.table = None  # the table as read: dict(chains, rules, foreign)
        self.bindings, self.localhost = [], False
        self.bridge = None if self.state == 'present' or p.get('bridge') is None else _validate.ifname(
            'bridge', p['bridge'])  # with absent: the bridge whose route_localnet goes back to 0 (see sysctls)
        self.want = self.wanted(p) if self.state == 'present' else []

    # --- validation: everything is checked before nft is run -----------------------------------------------------
    def wanted(self, p):
        """The network's rules: [(chain, comment, expr)], in the order they must have inside each chain."""
        self.bridge = _validate.ifname('bridge', p.get('bridge'))
        self.subnets = self.subnets_of(p.get('subnet'), p.get('subnet6'))
        options = dict(masquerade=True, masquerade6=False, isolate=True)
        options.update((k, p[k]) for k in options if p.get(k) is not None)
        if options['masquerade6'] and p.get('subnet6') is None:
            raise _validate.InvalidInput('masquerade6', options['masquerade6'],
                                         'needs subnet6 (the IPv6 prefix to masquerade)')
        self.bindings = self.published(p.get('published_ports') or [])
        vxlan = self.vxlan(p.get('vxlan_port'), p.get('vxlan_peers'))
        self.localhost = any(b['version'] == 4 and (b['host_ip'] is None or ipaddress.ip_address(
            b['host_ip']).is_loopback) for b in self.bindings)
        rules = self.nat_rules(options) + self.membership_rules()
        if options['isolate']:
            br = self.bridge
            rules += [('forward', tag(self.network) + 'isolate', [
                match(meta('iifname'), br), match(meta('oifname'), br, '!='), verdict('jump', 'to_bridges')]),
                ('forward', tag(self.network) + 'isolate', [
                    match(meta('oifname'), br), match(meta('iifname'), br, '!='), verdict('jump', 'from_bridges')])]
        for binding in self.bindings:
            rules += self.publish_rules(binding)
        return rules + vxlan

    def nat_rules(self, options):
        """Masquerade: egress (masquerade with 'subnet', IPv6 too as before subnet6 existed; masquerade6 with
        'subnet6'), hairpin (an endpoint reaching a published port of its own network through the host) and
        localhost (127.0.0.1 to a published port, with the input rule that keeps the bridge's route_localnet from
        opening the host's loopback to endpoints)."""
        br, mark, rules = self.bridge, tag(self.network), []
        for option in ('masquerade', 'masquerade6'):
            net = self.subnets['subnet' if option == 'masquerade' else 'subnet6']
            if net is not None and options[option]:
                rules.append(('postrouting', mark + option, [
                    match(payload(ip_proto(net.version), 'saddr'), prefix(net)), match(meta('oifname'), br, '!='),
                    verdict('masquerade')]))
        for version in (4, 6):
            if any(b['version'] == version and 'prerouting' in b['chains'] for b in self.bindings):
                rules.append(('postrouting', mark + 'hairpin', [
                    match(payload(ip_proto(version), 'saddr'), prefix(self.subnets[version])),
                    match(meta('oifname'), br), match(ct('status'), 'dnat', 'in'), verdict('masquerade')]))
        if self.localhost:
            rules += [('postrouting', mark + 'localhost', [match(payload('ip', 'saddr'), prefix(LOOPBACK4)),
                                                           match(meta('oifname'), br), verdict('masquerade')]),
                      ('input', mark + 'localhost', [
                          match(meta('iifname'), br), match(payload('ip', 'daddr'), prefix(LOOPBACK4)),
                          match(ct('state'), {'set': ['established', 'related']}, '!='), verdict('drop')])]
        return rules

    def membership_rules(self):
        """Every network's bridge in to_bridges and from_bridges: connections to published ports (DNAT) pass,
        the rest is dropped when an isolated network jumps there."""
        rules = []
        for chain, key in (('to_bridges', 'oifname'), ('from_bridges', 'iifname')):
            rules += [(chain, tag(self.network) + 'bridge', [match(meta(key), self.bridge),
                                                             match(ct('status'), 'dnat', 'in'), verdict('return')]),
                      (chain, tag(self.network) + 'bridge', [match(meta(key), self.bridge), verdict('drop')])]
        return rules

    @staticmethod
    def subnets_of(subnet, subnet6):
        """{'subnet': net, 'subnet6': net, 4: the IPv4 subnet, 6: the IPv6 one} (None where not given)."""
        found = dict(subnet=None, subnet6=None)
        for option, value in (('subnet', subnet), ('subnet6', subnet6)):
            if value is None:
                continue
            if not isinstance(value, str) or value == 'default':
                raise _validate.InvalidInput(option, value, 'expected a network such as %s' % (
                    '172.17.0.0/16' if option == 'subnet' else 'fd00:17::/64'))
            net = ipaddress.ip_network(_validate.network(option, _validate.prefix_length(option, value)))
            if net.prefixlen == 0:
                raise _validate.InvalidInput(option, value, 'must not be the whole address space')
            if option == 'subnet6' and net.version != 6:
                raise _validate.InvalidInput(option, value, 'expected an IPv6 network such as fd00:17::/64 (the '
                                                            'IPv4 subnet goes to subnet)')
            if option == 'subnet6' and net.prefixlen > 126:
                raise _validate.InvalidInput(option, value, 'a prefix longer than /126 leaves no room for endpoints')
            found[option] = net
        if found['subnet'] is None and found['subnet6'] is None:
            raise _validate.InvalidInput('subnet', subnet, "the network's subnet, such as 172.17.0.0/16, (or subnet6) "
                                                           'is required with state=present')
        if found['subnet6'] is not None and found['subnet'] is not None and found['subnet'].version == 6:
            raise _validate.InvalidInput('subnet', subnet, 'must be the IPv4 subnet when subnet6 is given')
        for net in (found['subnet'], found['subnet6']):
            if net is not None:
                found[net.version] = net
        return found

    def endpoint_address(self, option, value, subnet_option):
        """An endpoint's address: a host address of 'subnet' (address) or 'subnet6' (address6), or None."""
        if value is None:
            return None
        net = self.subnets[subnet_option]
        addr = ipaddress.ip_address(_validate.ip(option, value, 6 if subnet_option == 'subnet6' else None))
        if net is None:
            raise _validate.InvalidInput(option, value, 'needs %s (the network has no subnet of that family)'
                                         % subnet_option)
        if addr.version != net.version or addr not in net or addr == net.network_address or (
                net.version == 4 and net.num_addresses > 2 and addr == net.broadcast_address):
            raise _validate.InvalidInput(option, value, 'not a host address of %s %s' % (subnet_option, net))
        return str(addr)

    def published(self, items):
        """Per published port and address family a binding: dict(index, version, protocol, host, port, target,
        host_ip, chains), each host port of a protocol and family bound once."""
        bindings = []
        for i, item in enumerate(items):
            opt = 'published_ports[%d].' % i
            if not isinstance(item, dict):
                raise _validate.InvalidInput('published_ports[%d]' % i, item, 'expected a dict with address, port, '
                                                                              'host_port and protocol')
            protocol = item.get('protocol') or 'tcp'
            if protocol not in PROTOCOLS:
                raise _validate.InvalidInput(opt + 'protocol', protocol, 'expected one of tcp, udp')
            targets = {}
            for key, subnet_option in (('address', 'subnet'), ('address6', 'subnet6')):
                addr = self.endpoint_address(opt + key, item.get(key), subnet_option)
                if addr is not None:
                    targets[ipaddress.ip_address(addr).version] = addr
            if not targets:
                raise _validate.InvalidInput(opt + 'address', None, "the endpoint's address (or address6) is required")
            spans = {}
            for key in ('port', 'host_port'):
                if item.get(key) is None:
                    raise _validate.InvalidInput(opt + key, None, 'is required (1 to 65535, or a range)')
                spans[key] = port_span(opt + key, item[key])
            port, host = spans['port'], spans['host_port']
            if port[1] - port[0] != host[1] - host[0]:
                raise _validate.InvalidInput(opt + 'port', item['port'], 'host_port %s is %d port(s) long, port %s '
                                             'is %d: the two must be of equal length' % (
                                                 ports_text(host), host[1] - host[0] + 1, ports_text(port),
                                                 port[1] - port[0] + 1))
            host_ip = self.host_ip(opt + 'host_ip', item.get('host_ip'), targets)
            if host_ip is not None:
                targets = {host_ip.version: targets[host_ip.version]}
                host_ip = None if host_ip.is_unspecified else str(host_ip)
            for version in sorted(targets):
                binding = dict(index=i, version=version, protocol=protocol, host=host, port=port, host_ip=host_ip,
                               target=targets[version], value=item['host_port'])
                binding['chains'] = ('output',) if host_ip and ipaddress.ip_address(host_ip).is_loopback else (
                    'prerouting', 'output')
                for other in bindings:
                    if overlap(binding, other):
                        raise _validate.InvalidInput(opt + 'host_port', item['host_port'], '%s is already published '
                                                     'by published_ports[%d]' % (describe(binding), other['index']))
                bindings.append(binding)
        return sorted(bindings, key=lambda b: (b['protocol'], b['host'], b['version'], b['host_ip'] or ''))

    @staticmethod
    def host_ip(option, value, targets):
        """The host address a port is bound to (None: all of them); its family needs an endpoint address."""
        if value is None:
            return None
        addr = ipaddress.ip_address(_validate.ip(option, value))
        if addr.is_multicast or str(addr) == '255.255.255.255':
            raise _validate.InvalidInput(option, value, 'expected an address of the host (not multicast or '
                                                        'broadcast)')
        if addr.version not in targets:
            raise _validate.InvalidInput(option, value, 'an IPv%d host address needs the endpoint\'s IPv%d address '
                                         '(%s)' % (addr.version, addr.version, 'address' if addr.version == 4
                                                   else 'address6'))
        if addr.version == 6 and addr.is_loopback:
            raise _validate.InvalidInput(option, value, 'IPv6 cannot send traffic to ::1 out of the host (it has no '
                                                        'route_localnet); 127.0.0.1 works')
        return addr

    def publish_rules(self, binding):
        version, protocol = binding['version'], binding['protocol']
        fam = ip_proto(version)
        host, port = binding['host'], binding['port']
        dport = match(payload(protocol, 'dport'), ports_value(host))
        dnat = dict(family=fam, addr=binding['target'])
        if host[0] == host[1]:
            dnat['port'] = port[0]
        elif host != port:  # a shifted range: each host port to its own endpoint port
            dnat['port'] = {'map': {'key': payload(protocol, 'dport'), 'data': {'set': [
                [h, p] for h, p in zip(range(host[0], host[1] + 1), range(port[0], port[1] + 1))]}}}
        dnat = {'dnat': dnat}
        comment = tag(self.network) + 'publish:%s:%s' % (protocol, ports_text(host))
        if binding['host_ip'] is None:
            local = match({'fib': {'result': 'type', 'flags': ['daddr']}}, 'local')
            family = match(meta('nfproto'), 'ipv%d' % version)
            return [('prerouting', comment, [local, family, dport, dnat]),
                    ('output', comment, [local, family, dport, dnat] if version == 4 else
                     [local, match(payload(fam, 'daddr'), '::1', '!='), dport, dnat])]
        daddr = match(payload(fam, 'daddr'), binding['host_ip'])
        return [(chain, comment, [daddr, dport, dnat]) for chain in binding['chains']]

    def vxlan(self, port, peers):
        if port is None and peers is None:
            return []
        if port is None or peers is None:
            missing = 'vxlan_peers' if peers is None else 'vxlan_port'
            raise _validate.InvalidInput(missing, None, 'vxlan_port and vxlan_peers go together (the UDP port of '
                                                        'the overlay and the underlay addresses allowed to send to it)')
        port = _validate.port('vxlan_port', port)
        peers = _validate.unique('vxlan_peers', [_validate.unicast_ip('vxlan_peers[%d]' % i, peer)
                                                 for i, peer in enumerate(peers)])
        comment = tag(self.network) + 'vxlan:%d' % port
        dport = match(payload('udp', 'dport'), port)
        rules = [('input', comment, [dport, verdict('jump', 'vxlan_peers')]),
                 ('input', comment, [dport, verdict('drop')])]
        for version in (4, 6):
            mine = [peer for peer in peers if ipaddress.ip_address(peer).version == version]
            if mine:
                rules.append(('vxlan_peers', comment, [dport, match(payload(ip_proto(version), 'saddr'),
                                                                    addresses(mine)), verdict('accept')]))
        return rules

    def sysctls(self):
        """The sysctls the rules need, as params of the sysctl resource (_resources/sysctl.py): route_localnet of
        the bridge, 1 while a port answers on 127.0.0.1 and 0 otherwise (1 without the input rule of 'localhost'
        would let endpoints reach the host's loopback services), 0 with state=absent. Converge a 1 after the rules
        and a 0 before them; none for a bridge that is not there (or that goes in the same run)."""
        if self.bridge is None:
            return []
        return [dict(netns=self.netns, name='net.ipv4.conf.%s.route_localnet' % self.bridge.replace('.', '/'),
                     value='1' if self.localhost else '0')]

    def bridge_in_table(self):
        """The bridge this network's membership rule names (after read()), or None."""
        for rule in self.mine():
            if rule['chain'] == 'to_bridges':
                for stmt in rule['expr']:
                    test = stmt.get('match') or {}
                    if test.get('left') == meta('oifname') and isinstance(test.get('right'), str):
                        return test['right']
        return None

    # --- what the kernel has -------------------------------------------------------------------------------------
    def read(self):
        self.table = None
        if not self.netns_ready(self.netns):
            return None
        objects = _nft.list_table(self.netns)
        if objects is None:
            return None
        table = self.table = dict(chains={}, rules=[], foreign=[])
        for obj in objects:
            (kind, body), = obj.items()
            if kind == 'chain':
                table['chains'][body['name']] = body
            elif kind == 'rule':
                table['rules'].append(dict(chain=body['chain'], handle=body['handle'], comment=body.get('comment'),
                                           text=_nft.render(body), expr=body.get('expr') or []))
            elif kind != 'table':
                table['foreign'].append('%s %s' % (kind, body.get('name', '')))
        return self.state_of(self.mine())

    def mine(self, others=False):
        """The rules of this network (others=True: every other rule of the table)."""
        rules = self.table['rules'] if self.table else []
        return [r for r in rules if (r['comment'] or '').startswith(tag(self.network)) != others]

    def state_of(self, rules):
        """The module's view: this network's rules as 'chain: rule' lines, chain by chain (None: no rules)."""
        if not rules:
            return None
        order = sorted(range(len(rules)), key=lambda i: (self._chain_rank(rules[i]['chain']), i))
        return dict(network=self.network, netns=self.netns, table=_nft.TABLE_TEXT,
                    rules=['%s: %s' % (rules[i]['chain'], rules[i]['text']) for i in order])

    @staticmethod
    def _chain_rank(chain):
        return CHAINS.index(chain) if chain in CHAINS else len(CHAINS)

    # --- the plan ------------------------------------------------------------------------------------------------
    def preflight(self):
        """Reads the table and raises what another network of it already holds (a host port, the bridge), and
        plans nothing: for a batch that must refuse before it builds anything. plan() checks the same."""
        if self.state == 'present':
            self.read()
            self.check_conflicts()

    def plan(self, have):
        if self.state == 'absent':
            steps = [self.delete_step(r) for r in self.mine()]
            if steps and not self.others_remain():
                steps.append(('delete table %s (no rules left in it)' % _nft.TABLE_TEXT,
                              [{'delete': {'table': {'family': _nft.FAMILY, 'name': _nft.TABLE}}}]))
            return self.batch(steps, 'remove the rules of network %s' % self.network), None
        want = [dict(chain=c, comment=comment, expr=expr, text=_nft.render(dict(expr=expr, comment=comment)))
                for c, comment, expr in self.want]
        self.check_conflicts()
        steps, mine = self.skeleton_steps(), self.mine()
        for chain in CHAINS + tuple(sorted(set(r['chain'] for r in mine) - set(CHAINS))):
            steps += self.chain_steps([r for r in mine if r['chain'] == chain], [r for r in want if r['chain'] == chain])
        return self.batch(steps, 'set the rules of network %s' % self.network), self.state_of(want)

    def chain_steps(self, have, want):
        """Keeps the rules that are already in the wanted order, deletes the rest and appends what is missing:
        after the batch the network's rules of the chain are exactly 'want', in order."""
        kept, steps = 0, []
        for rule in have:
            if kept < len(want) and rule['text'] == want[kept]['text']:
                kept += 1
            else:
                steps.append(self.delete_step(rule))
        for rule in want[kept:]:
            steps.append(('add rule %s %s %s' % (_nft.TABLE_TEXT, rule['chain'], rule['text']), [{'add': {'rule': dict(
                family=_nft.FAMILY, table=_nft.TABLE, chain=rule['chain'], comment=rule['comment'], expr=rule['expr'])}}]))
        return steps

    @staticmethod
    def delete_step(rule):
        return ('delete rule %s %s handle %d (%s)' % (_nft.TABLE_TEXT, rule['chain'], rule['handle'], rule['text']),
                [{'delete': {'rule': dict(family=_nft.FAMILY, table=_nft.TABLE, chain=rule['chain'],
                                          handle=rule['handle'])}}])

    def skeleton_steps(self):
        """The table and its chains, created when missing; a base chain whose policy was changed is set back to
        accept. A base chain hooked differently is not ours to fix: a Conflict."""
        def chain_cmd(name, hooked):
            body = dict(family=_nft.FAMILY, table=_nft.TABLE, name=name)
            if hooked:
                body.update(type=hooked[1], hook=hooked[2], prio=hooked[3], policy='accept')
            return {'add': {'chain': body}}
        specs = [(c[0], c) for c in BASE_CHAINS] + [(name, None) for name in REGULAR_CHAINS]
        if self.table is None:
            return [('create table %s (base chains %s with policy accept; chains %s)'
                     % (_nft.TABLE_TEXT, ', '.join(c[0] for c in BASE_CHAINS), ', '.join(REGULAR_CHAINS)),
                     [{'add': {'table': {'family': _nft.FAMILY, 'name': _nft.TABLE}}}]
                     + [chain_cmd(name, hooked) for name, hooked in specs])]
        steps = []
        for name, hooked in specs:
            have = self.table['chains'].get(name)
            if have is None:
                steps.append(('create chain %s %s' % (_nft.TABLE_TEXT, name), [chain_cmd(name, hooked)]))
                continue
            got = (have.get('type'), have.get('hook'), have.get('prio'))
            if got != ((hooked[1], hooked[2], hooked[3]) if hooked else (None, None, None)):
                raise Conflict('chain %s of table %s in %s is (type, hook, priority) %s, not %s: it was changed '
                               'outside this module; delete the table to let the module recreate it'
                               % (name, _nft.TABLE_TEXT, where(self.netns), got, hooked[1:] if hooked else 'a '
                                  'regular chain'))
            if hooked and have.get('policy') != 'accept':
                steps.append(('set policy of chain %s %s: %s -> accept' % (_nft.TABLE_TEXT, name, have.get('policy')),
                              [chain_cmd(name, hooked)]))
        return steps

    def check_conflicts(self):
        """A host port or a bridge that another network of the table already has: fail before any change."""
        for rule in self.mine(others=True):
            parts = (rule['comment'] or '').split(':', 2)
            if len(parts) < 3 or parts[0] != 'fabric':
                continue
            owner, what = parts[1], parts[2]
            theirs = binding_of(rule['expr']) if what.startswith('publish:') else None
            for binding in self.bindings:
                if theirs and overlap(binding, theirs):
                    raise _validate.InvalidInput(
                        'published_ports[%d].host_port' % binding['index'], binding['value'],
                        '%s is already published by network %s in %s' % (describe(theirs), owner, where(self.netns)))
            if what == 'bridge' and rule['chain'] == 'to_bridges' and rule['text'].startswith(
                    'oifname "%s" ' % self.bridge):
                raise _validate.InvalidInput('bridge', self.bridge, 'already belongs to network %s in %s'
                                             % (owner, where(self.netns)))

    def others_remain(self):
        """True when the table holds anything besides this network's rules and the collection's chains."""
        return bool(self.mine(others=True) or self.table['foreign'] or set(self.table['chains']) - set(CHAINS))

    def batch(self, steps, what):
        """One Op per step for 'actions'; all steps go to nft in one atomic batch, sent by the last Op."""
        commands, ops = [], []
        for i, (action, cmds) in enumerate(steps):
            def apply(cmds=cmds, last=i == len(steps) - 1):
                commands.extend(cmds)
                if last:
                    _nft.apply(self.netns, commands, what)
            ops.append(Op(action, apply))
        return ops


class NetworkFirewall(object):
    """The network_firewall module, a batch (see _reconcile.batch_main): the rules and the sysctls they need
    (Firewall.sysctls). A sysctl of a bridge that is not there yet is left to a run that finds it, and noted."""

    def __init__(self, nl, params, check_mode):
        self.nl, self.check_mode = nl, check_mode
        self.firewall = Firewall(nl, params, check_mode)
        self.order = []

    def resources(self):
        fw, before, after = self.firewall, [], []
        if not self.nl.exists(fw.netns):
            self.order = [fw]  # the firewall says what it assumes (check mode) or fails
            return self.order
        if fw.state == 'absent' and fw.bridge is None:
            fw.read()
            fw.bridge = fw.bridge_in_table()
        for params in fw.sysctls():
            bridge = self._bridge()
            if fw.state == 'absent' and bridge is not None and bridge.get_attr('IFLA_IFALIAS') == 'fabric:' + fw.network:
                continue  # the bridge_network module made it for this network: it goes with the network
            if bridge is None:
                if params['value'] == '0':
                    continue  # a bridge that is not there needs no reset
                if not self.check_mode:
                    fw.note("bridge '%s' is not in %s: %s=%s (for 127.0.0.1) is left to a run that finds it, "
                            "assuming the bridge comes later"
                            % (fw.bridge, where(fw.netns), params['name'], params['value']))
                    continue
                # Check mode takes the bridge as there, as the rules do (an earlier task makes it).
                self.nl.planned.add(('link', fw.netns, fw.bridge))
            (before if params['value'] == '0' else after).append(Sysctl(self.nl, params, self.check_mode))
        self.order = before + [fw] + after
        return self.order

    def _bridge(self):
        return lookup(self.nl.ipr(self.firewall.netns), self.firewall.bridge)

    def summarize(self, results):
        """The firewall's state, with 'sysctls' {name: value} of the sysctls it keeps while it has rules."""
        def side(key):
            state = dict(results[self.order.index(self.firewall)][key])
            values = dict((r[key]['name'], r[key]['value']) for res, r in zip(self.order, results)
                          if res is not self.firewall and r[key])
            if state and values:
                state['sysctls'] = values
            return state
        return side('before'), side('after')
