# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes, IPv4 and IPv6. A route is identified as the kernel does: destination, table and metric. A change of
gateway, dev, onlink or scope of that route is one 'replace', never delete + add."""

import ipaddress
import socket

from ansible_collections.linuxnet.fabric.plugins.module_utils import _netlink, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import where
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Op, Resource

SCOPES = {'global': 0, 'universe': 0, 'site': 200, 'link': 253, 'host': 254}
SCOPE_NAMES = {0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere'}
SCOPE_NUMBERS = dict((name, number) for number, name in SCOPE_NAMES.items())
TYPES = {1: 'unicast', 2: 'local', 3: 'broadcast', 4: 'anycast', 5: 'multicast', 6: 'blackhole',
         7: 'unreachable', 8: 'prohibit', 9: 'throw', 10: 'nat'}
RTN_UNICAST = 1
RTNH_F_ONLINK = 4
DEFAULT_METRIC = {4: 0, 6: 1024}  # what the kernel gives a route added without one
COMPARED = ('gateway', 'dev', 'onlink', 'scope')


def _family(version):
    return socket.AF_INET if version == 4 else socket.AF_INET6


def network_of(msg):
    """The destination of a route message as an ip_network."""
    dst = msg.get_attr('RTA_DST') or ('0.0.0.0' if msg['family'] == socket.AF_INET else '::')
    return ipaddress.ip_network('%s/%d' % (dst, msg['dst_len']))


def table_of(msg):
    return msg.get_attr('RTA_TABLE') or msg['table']


def describe(ipr, msg):
    """A route message as the module shows it."""
    return dict(dst=network_of(msg).compressed, table=table_of(msg),
                metric=msg.get_attr('RTA_PRIORITY') or 0, gateway=msg.get_attr('RTA_GATEWAY'),
                dev=_netlink.name_of(ipr, msg.get_attr('RTA_OIF')), onlink=bool(msg['flags'] & RTNH_F_ONLINK),
                scope=SCOPE_NAMES.get(msg['scope'], msg['scope']), type=TYPES.get(msg['type'], msg['type']))


def text(route):
    """'10.1.0.0/24 via 10.0.0.1 dev eth0 onlink metric 5 table 100' (only what is set)."""
    words = ['default' if route['dst'] in ('0.0.0.0/0', '::/0') else route['dst']]
    if route.get('type') not in (None, 'unicast'):
        words.insert(0, route['type'])
    for key, word in (('gateway', 'via'), ('dev', 'dev')):
        if route.get(key):
            words += [word, route[key]]
    if route.get('onlink'):
        words.append('onlink')
    if route.get('scope') not in (None, 'global'):
        words += ['scope', route['scope']]
    if route.get('metric') not in (None, DEFAULT_METRIC[6 if ':' in route['dst'] else 4]):
        words += ['metric', str(route['metric'])]
    if route.get('table') not in (None, 254):
        words += ['table', str(route['table'])]
    return ' '.join(words)


class Route(Resource):
    kind = 'route'

    def __init__(self, nl, params, check_mode):
        super(Route, self).__init__(nl, params, check_mode)
        p = params
        self.netns = _validate.netns('netns', p.get('netns'))
        self.state = p.get('state') or 'present'
        self.matches = []  # state=absent: every route read() found to remove
        want = {}
        if p.get('gateway') is not None:
            want['gateway'] = _validate.unicast_ip('gateway', p['gateway'])
        if p.get('dst') is None:
            raise _validate.InvalidInput('dst', None, "a destination is required: a network or 'default'")
        if p['dst'] == 'default':
            self.dst = '::/0' if ':' in want.get('gateway', '') else '0.0.0.0/0'
        else:
            self.dst = _validate.network('dst', _validate.prefix_length('dst', p['dst']))
        self.version = ipaddress.ip_network(self.dst).version
        if 'gateway' in want and ipaddress.ip_address(want['gateway']).version != self.version:
            raise _validate.InvalidInput('gateway', p['gateway'], 'is an IPv%d address but dst %s is IPv%d'
                                         % (6 if self.version == 4 else 4, self.dst, self.version))
        if p.get('dev') is not None:
            want['dev'] = _validate.ifname('dev', p['dev'])
        if p.get('onlink') is not None:
            want['onlink'] = bool(p['onlink'])
        if p.get('scope') is not None:
            if p['scope'] not in SCOPES:
                raise _validate.InvalidInput('scope', p['scope'], 'expected one of %s' % ', '.join(sorted(SCOPES)))
            if self.version == 6:
                raise _validate.InvalidInput('scope', p['scope'], 'applies to IPv4 routes only (IPv6 has no route scope)')
            want['scope'] = SCOPE_NAMES[SCOPES[p['scope']]]
        self.want = want
        self.table = _validate.route_table('table', p.get('table'))
        self.metric = _validate.in_range('metric', p.get('metric'), 0, 4294967295)
        if self.version == 6 and self.metric == 0:
            self.metric = DEFAULT_METRIC[6]  # the kernel turns IPv6 metric 0 into 1024
        if self.state == 'present':
            self._check_combination(p)

    def _check_combination(self, p):
        want = self.want
        if not want.get('gateway') and not want.get('dev'):
            raise _validate.InvalidInput('gateway', None, 'a route needs a gateway, a dev or both')
        if want.get('onlink') and not (want.get('gateway') and want.get('dev')):
            raise _validate.InvalidInput('onlink', True, 'needs both gateway and dev (the link the gateway is on)')
        if want.get('gateway') and want.get('scope') in ('link', 'host'):
            raise _validate.InvalidInput('scope', p['scope'], 'a route via a gateway must have scope global or site')
        gw = want.get('gateway')
        if gw and ipaddress.ip_address(gw).is_link_local and self.version == 6 and not want.get('dev'):
            raise _validate.InvalidInput('gateway', gw, 'a link-local gateway needs dev (the link it is on)')

    @property
    def where(self):
        return where(self.netns)

    # --- what the kernel has ---------------------------------------------------------------------
    def routes(self, ipr):
        found = [dict(describe(ipr, msg), netns=self.netns) for msg in ipr.get_routes(family=_family(self.version))
                 if table_of(msg) == self.table and network_of(msg).compressed == self.dst]
        return sorted(found, key=lambda r: r['metric'])

    def read(self):
        self.matches = []
        if not self.netns_ready(self.netns):
            return None
        ipr = self.ipr(self.netns)
        found = [r for r in self.routes(ipr) if self.metric is None or r['metric'] == self.metric]
        if self.check_mode:  # an earlier resource of this run deletes their device: they will be gone
            found = [r for r in found if ('replaced', self.netns, r.get('dev')) not in self.nl.planned]
        if self.state == 'absent':
            found = [r for r in found if all(r.get(k) == self.want[k] for k in ('gateway', 'dev') if k in self.want)]
            self.matches = found
            return found[0] if found else None
        default = [r for r in found if r['metric'] == DEFAULT_METRIC[self.version]]
        return (default or found or [None])[0]

    # --- the plan --------------------------------------------------------------------------------
    def plan(self, have):
        if self.state == 'absent':
            return [self.op('del', r, 'delete route %s in %s' % (text(r), self.where)) for r in self.matches], None
        if have is None:
            after = dict(dst=self.dst, table=self.table, metric=DEFAULT_METRIC[self.version] if self.metric is None
                         else self.metric, gateway=None, dev=None, onlink=False, type='unicast', netns=self.netns)
            after.update(self.want)
            after['scope'] = self.want.get('scope') or ('link' if not after['gateway'] and self.version == 4
                                                        else 'global')
            action = 'add route %s in %s' % (text(after), self.where)  # as asked: check mode cannot know the dev
            self.check_nexthop(after)
            return [self.op('add', after, action)], after
        changed = [k for k in COMPARED if k in self.want and have.get(k) != self.want[k]]
        if have['type'] != 'unicast':
            changed.append('type')
        if not changed:
            return [], have
        after = dict(have, type='unicast', **self.want)
        if 'gateway' in changed and 'dev' not in self.want:
            after['dev'] = None  # the kernel picks the link of the new gateway
        if not after['dev']:
            after['onlink'] = False
        if 'scope' not in self.want and bool(have['gateway']) != bool(after['gateway']):
            after['scope'] = 'global' if after['gateway'] or self.version == 6 else 'link'
        self.check_nexthop(after)
        shown = ', '.join('%s %s -> %s' % (k, have.get(k), after.get(k)) for k in changed)
        return [self.op('replace', after, 'replace route %s in %s (%s)' % (text(have), self.where, shown))], after

    def check_nexthop(self, route):
        """Fails (notes, in check mode) when the gateway cannot be reached on a connected route, as the kernel
        would; fills in the dev the kernel will pick."""
        if not self.nl.exists(self.netns):
            return
        ipr = self.ipr(self.netns)
        dev = route.get('dev')
        if dev and self.find_link(ipr, 'dev', dev, self.netns, message=False) is None:
            return
        gw = route.get('gateway')
        if not gw or route.get('onlink') or (self.version == 6 and ipaddress.ip_address(gw).is_link_local):
            return
        links = self.connected(ipr, gw)
        if 'local' in links:
            raise _validate.InvalidInput('gateway', gw, 'is an address of %s itself, not a next hop' % self.where)
        usable = [d for d in links if d != 'local' and (not dev or d == dev)]
        if usable:
            route['dev'] = dev or usable[0]
            return
        why = 'not reachable%s: no connected route covers it in %s (add an address on its subnet first, or set ' \
              'onlink: true with dev)' % (' on dev %s' % dev if dev else '', self.where)
        if not self.check_mode:
            raise _validate.InvalidInput('gateway', gw, why)
        self.note('gateway %s is %s; assuming an earlier task makes it reachable' % (gw, why),
                  ('link', self.netns, dev) if dev else None)  # an address on a link made in the same run

    def connected(self, ipr, gw):
        """Links with a connected (gateway-less) route covering 'gw' in this table or main; 'local' if it is ours."""
        addr = ipaddress.ip_address(gw)
        links = []
        for msg in ipr.get_routes(family=_family(self.version)):
            if msg.get_attr('RTA_GATEWAY') or msg.get_attr('RTA_MULTIPATH') or addr not in network_of(msg):
                continue
            r = describe(ipr, msg)
            if r['type'] == 'local' and r['dst'].endswith('/%d' % addr.max_prefixlen):
                links.insert(0, 'local')
            elif r['type'] == 'unicast' and r['dev'] and r['table'] in (self.table, 254) and (
                    self.version == 6 or r['scope'] in ('link', 'host')):
                links.append(r['dev'])
        return links

    def op(self, command, route, action):
        def apply():
            ipr = self.ipr(self.netns)
            net = ipaddress.ip_network(route['dst'])
            kwargs = dict(family=_family(self.version), dst=str(net.network_address), dst_len=net.prefixlen,
                          table=route['table'], priority=route['metric'])
            if route.get('gateway'):
                kwargs['gateway'] = route['gateway']
            if route.get('dev'):
                kwargs['oif'] = _netlink.index_of(ipr, route['dev'])
            if command == 'del':
                kwargs['type'] = next(k for k, v in TYPES.items() if v == route['type'])
            if self.version == 4:
                kwargs['scope'] = SCOPE_NUMBERS.get(route['scope'], route['scope'])
            if route.get('onlink'):
                kwargs['flags'] = RTNH_F_ONLINK
            ipr.route(command, **kwargs)
        return Op(action, apply)
