# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firewall of one bridge or overlay network, in the collection's nftables table 'inet linuxnet_fabric'.

The table's base chains hook in at the standard priorities with policy accept; every rule carries the comment
'fabric:<network>:<purpose>', and a run reads, adds and deletes only rules with its own network's comment.
Design (docs/FIREWALL.md):

  postrouting  ip saddr SUBNET oifname != BRIDGE masquerade                       (masquerade)
  to_bridges   oifname BRIDGE drop      from_bridges  iifname BRIDGE drop        (every network: membership)
  forward      iifname BRIDGE oifname != BRIDGE jump to_bridges                   (isolate)
               oifname BRIDGE iifname != BRIDGE jump from_bridges
  prerouting   iifname != BRIDGE fib daddr type local meta nfproto ipv4 tcp dport HOST dnat ip to ADDR:PORT
  output       fib daddr type local ip daddr != 127.0.0.0/8 tcp dport HOST dnat ip to ADDR:PORT   (published)
  input        udp dport PORT jump vxlan_peers ; udp dport PORT drop              (vxlan)
  vxlan_peers  udp dport PORT ip saddr { PEERS } accept
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nft, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import where
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Conflict, Op, Resource

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
LOOPBACK = {4: ('127.0.0.0', 8), 6: ('::1', 128)}


def tag(network):
    return 'fabric:%s:' % network


# --- nft JSON building blocks -----------------------------------------------------------------------------------

def match(left, right, op='=='):
    return {'match': {'op': op, 'left': left, 'right': right}}


def meta(key):
    return {'meta': {'key': key}}


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


class Firewall(Resource):
    kind = 'firewall'

    def __init__(self, nl, params, check_mode):
        super(Firewall, self).__init__(nl, params, check_mode)
        p = params
        self.network = _validate.network_name('network', p.get('network'))
        self.netns = _validate.netns('netns', p.get('netns'))
        self.state = p.get('state') or 'present'
        self.table = None  # the table as read: dict(chains, rules, foreign)
        self.want = self.wanted(p) if self.state == 'present' else []

    # --- validation: everything is checked before nft is run -----------------------------------------------------
    def wanted(self, p):
        """The network's rules: [(chain, comment, expr)], in the order they must have inside each chain."""
        self.bridge = _validate.ifname('bridge', p.get('bridge'))
        if not isinstance(p.get('subnet'), str) or p['subnet'] == 'default':
            raise _validate.InvalidInput('subnet', p.get('subnet'), "the network's subnet, such as 172.17.0.0/16, "
                                                                    'is required with state=present')
        self.subnet = ipaddress.ip_network(_validate.network('subnet', _validate.prefix_length('subnet', p['subnet'])))
        if self.subnet.prefixlen == 0:
            raise _validate.InvalidInput('subnet', p['subnet'], 'must not be the whole address space')
        ports = self.published(p.get('published_ports') or [])
        vxlan = self.vxlan(p.get('vxlan_port'), p.get('vxlan_peers'))
        br, fam, mark = self.bridge, ip_proto(self.subnet.version), tag(self.network)
        rules = []
        if p.get('masquerade', True):
            rules.append(('postrouting', mark + 'masquerade', [
                match(payload(fam, 'saddr'), prefix(self.subnet)), match(meta('oifname'), br, '!='),
                verdict('masquerade')]))
        rules += [('to_bridges', mark + 'bridge', [match(meta('oifname'), br), verdict('drop')]),
                  ('from_bridges', mark + 'bridge', [match(meta('iifname'), br), verdict('drop')])]
        if p.get('isolate', True):
            rules += [('forward', mark + 'isolate', [match(meta('iifname'), br), match(meta('oifname'), br, '!='),
                                                     verdict('jump', 'to_bridges')]),
                      ('forward', mark + 'isolate', [match(meta('oifname'), br), match(meta('iifname'), br, '!='),
                                                     verdict('jump', 'from_bridges')])]
        for port in ports:
            rules += self.publish_rules(port)
        rules += vxlan
        return rules

    def published(self, items):
        seen, result = {}, []
        for i, item in enumerate(items):
            opt = 'published_ports[%d].' % i
            if not isinstance(item, dict):
                raise _validate.InvalidInput('published_ports[%d]' % i, item, 'expected a dict with address, port, '
                                                                              'host_port and protocol')
            protocol = item.get('protocol') or 'tcp'
            if protocol not in PROTOCOLS:
                raise _validate.InvalidInput(opt + 'protocol', protocol, 'expected one of tcp, udp')
            addr = ipaddress.ip_address(_validate.ip(opt + 'address', item.get('address')))
            if addr.version != self.subnet.version or addr not in self.subnet or (
                    self.subnet.num_addresses > 2 and addr in (self.subnet.network_address,
                                                               self.subnet.broadcast_address)):
                raise _validate.InvalidInput(opt + 'address', item.get('address'),
                                             'not a host address of subnet %s' % self.subnet)
            port = _validate.port(opt + 'port', item.get('port'))
            host_port = _validate.port(opt + 'host_port', item.get('host_port'))
            if port is None or host_port is None:
                raise _validate.InvalidInput(opt + ('port' if port is None else 'host_port'), None,
                                             'is required (1 to 65535)')
            if (protocol, host_port) in seen:
                raise _validate.InvalidInput(opt + 'host_port', host_port, '%s port %d is already published by '
                                             'published_ports[%d]' % (protocol, host_port, seen[protocol, host_port]))
            seen[protocol, host_port] = i
            result.append(dict(address=str(addr), port=port, host_port=host_port, protocol=protocol))
        return sorted(result, key=lambda r: (r['protocol'], r['host_port']))

    def publish_rules(self, port):
        version = self.subnet.version
        fam = ip_proto(version)
        dport = match(payload(port['protocol'], 'dport'), port['host_port'])
        dnat = {'dnat': {'family': fam, 'addr': port['address'], 'port': port['port']}}
        local = match({'fib': {'result': 'type', 'flags': ['daddr']}}, 'local')
        comment = tag(self.network) + 'publish:%s:%d' % (port['protocol'], port['host_port'])
        loop_addr, loop_len = LOOPBACK[version]
        not_loopback = match(payload(fam, 'daddr'), {'prefix': {'addr': loop_addr, 'len': loop_len}}
                             if version == 4 else loop_addr, '!=')
        return [('prerouting', comment, [match(meta('iifname'), self.bridge, '!='), local,
                                         match(meta('nfproto'), 'ipv%d' % version), dport, dnat]),
                ('output', comment, [local, not_loopback, dport, dnat])]

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
                                           text=_nft.render(body)))
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
    def plan(self, have):
        if self.state == 'absent':
            steps = [self.delete_step(r) for r in self.mine()]
            if steps and not self.others_remain():
                steps.append(('delete table %s (no rules left in it)' % _nft.TABLE_TEXT,
                              [{'delete': {'table': {'family': _nft.FAMILY, 'name': _nft.TABLE}}}]))
            return self.batch(steps, 'remove the rules of network %s' % self.network), None
        want = [dict(chain=c, comment=comment, expr=expr, text=_nft.render(dict(expr=expr, comment=comment)))
                for c, comment, expr in self.want]
        self.check_conflicts(want)
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

    def check_conflicts(self, want):
        """A host port or a bridge that another network of the table already has: fail before any change."""
        for rule in self.mine(others=True):
            parts = (rule['comment'] or '').split(':', 2)
            if len(parts) < 3 or parts[0] != 'fabric':
                continue
            owner, what = parts[1], parts[2]
            family = 'meta nfproto ipv%d ' % self.subnet.version  # IPv4 and IPv6 DNAT rules do not clash
            if what.startswith('publish:') and rule['chain'] == 'prerouting' and family in rule['text'] and any(
                    r['comment'].endswith(':' + what) for r in want):
                proto, port = what.split(':')[1:]
                raise _validate.InvalidInput('published_ports', '%s/%s' % (port, proto), 'host port %s/%s is already '
                                             'published by network %s in %s' % (port, proto, owner, where(self.netns)))
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
