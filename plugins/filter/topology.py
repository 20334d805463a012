# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters to_mermaid and to_dot: linuxnet.fabric.net_info output as a topology picture (documented in
to_mermaid.yml and to_dot.yml beside this file).

Both draw the same graph: hosts and namespaces as nested groups, interfaces as boxes (name, kind, addresses),
veth pairs and bridge ports as lines, and each VXLAN device's remote VTEPs (its flood list and its FDB entries
with a destination) as dashed lines to the VXLAN device of the host or namespace holding that underlay address.
"""

import ipaddress

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.collections import is_sequence
from ansible.module_utils.six import string_types
from ansible.module_utils.six.moves.collections_abc import Mapping

CURRENT_LABEL = 'current netns'
DIRECTIONS = ('LR', 'RL', 'TB', 'BT')


def _net(value):
    """The net dict (with 'namespaces') of a net_info result, of its 'net', or of a 'fabric_net' fact; else None."""
    if isinstance(value, Mapping):
        if isinstance(value.get('namespaces'), Mapping):
            return value
        for key in ('net', 'fabric_net'):
            if isinstance(value.get(key), Mapping) and isinstance(value[key].get('namespaces'), Mapping):
                return value[key]
    return None


def _hosts(data):
    """[(host or None, net)]: one net_info output, or a dict host -> net_info output."""
    single = _net(data)
    if single is not None:
        return [(None, single)]
    if not isinstance(data, Mapping) or not data:
        raise AnsibleFilterError('expected the output of linuxnet.fabric.net_info (its registered result or its '
                                 '"net"), or a dict of host -> such output; got %r' % (data,))
    hosts = []
    for host, value in data.items():
        net = _net(value)
        if net is None:
            raise AnsibleFilterError('host %s: not the output of linuxnet.fabric.net_info (no "namespaces")' % host)
        hosts.append((str(host), net))
    return hosts


def _ip(text):
    try:
        return ipaddress.ip_interface(u'%s' % text).ip
    except ValueError:
        return None


class Topology(object):
    """groups: [(id, label, parent id or None)]; nodes: [(id, [label lines], group id or None)];
    edges: [(id, id, 'veth' | 'port' | 'vxlan', label or None)]. Built in input order, so the text is stable."""

    def __init__(self, data, exclude=('lo',)):
        if isinstance(exclude, string_types) or not is_sequence(exclude):
            raise AnsibleFilterError('exclude: expected a list of interface names, got %r' % (exclude,))
        self.groups, self.nodes, self.edges = [], [], []
        self.links = {}    # (host index, netns, interface) -> link, for every link of the input
        self.ids = {}      # the same keys -> node id, for the links drawn
        self.holders = {}  # IP address -> key of the link holding it
        self._seen = set()
        hosts = _hosts(data)
        for h, (host, net) in enumerate(hosts):
            self._add_host(h, host, net, set(exclude))
        for h, (host, net) in enumerate(hosts):
            for netns, ns in net['namespaces'].items():
                self._add_edges(h, netns, ns)

    def _add_host(self, h, host, net, exclude):
        parent = None
        if host is not None:
            parent = 'h%d' % h
            self.groups.append((parent, host, None))
        for n, (netns, ns) in enumerate(net['namespaces'].items()):
            group = 'h%d_n%d' % (h, n)
            drawn = 0
            for name, link in (ns.get('links') or {}).items():
                key = (h, netns, name)
                self.links[key] = link
                for cidr in link.get('addresses') or []:
                    self.holders.setdefault(_ip(cidr), key)
                if name in exclude:
                    continue
                if not drawn:
                    self.groups.append((group, netns or CURRENT_LABEL, parent))
                self.ids[key] = '%s_i%d' % (group, drawn)
                drawn += 1
                kind = link.get('kind') or 'device'
                if kind == 'vxlan' and link.get('vni') is not None:
                    kind = 'vxlan %s' % link['vni']
                self.nodes.append((self.ids[key], ['%s (%s)' % (name, kind)] + list(link.get('addresses') or []), group))

    def _edge(self, a, b, kind, label=None):
        key = (frozenset((a, b)), kind, label)
        if a != b and key not in self._seen:
            self._seen.add(key)
            self.edges.append((a, b, kind, label))

    def _add_edges(self, h, netns, ns):
        for name, link in (ns.get('links') or {}).items():
            me = self.ids.get((h, netns, name))
            if me is None:
                continue
            peer = link.get('peer') or {}
            other = self.ids.get((h, peer.get('netns'), peer.get('name')))
            if other:
                self._edge(me, other, 'veth')
            bridge = self.ids.get((h, netns, link.get('master')))
            if bridge:
                self._edge(bridge, me, 'port')
            if link.get('kind') == 'vxlan':
                label = 'vni %s' % link['vni'] if link.get('vni') is not None else None
                remotes = list(link.get('remotes') or [])
                remotes += [e['dst'] for e in ns.get('fdb') or [] if e.get('interface') == name and e.get('dst')]
                for remote in remotes:
                    self._edge(me, self._vtep(remote, link.get('vni')), 'vxlan', label)

    def _vtep(self, remote, vni):
        """The node behind a remote VTEP address: a vxlan with the same VNI (that address as its local one, else
        any) in the namespace holding the address; else the interface holding it; else a node of its own."""
        ip = _ip(remote)
        holder = self.holders.get(ip)
        if holder is not None:
            same = [key for key, link in self.links.items() if key[:2] == holder[:2] and key in self.ids
                    and link.get('kind') == 'vxlan' and link.get('vni') == vni]
            local = [key for key in same if _ip(self.links[key].get('local') or '') == ip]
            found = (local or same or [holder if holder in self.ids else None])[0]
            if found is not None:
                return self.ids[found]
        node = 'x_%s' % ''.join(c if c.isalnum() else '_' for c in u'%s' % (ip or remote))
        if node not in [n[0] for n in self.nodes]:
            self.nodes.append((node, ['VTEP %s' % remote, '(not in the input)'], None))
        return node

    def children(self, parent):
        """Groups and nodes directly in a group (None: at the top)."""
        return ([g for g in self.groups if g[2] == parent], [n for n in self.nodes if n[2] == parent])


def _check_direction(direction):
    if direction not in DIRECTIONS:
        raise AnsibleFilterError('direction: expected one of %s, got %r' % (', '.join(DIRECTIONS), direction))


def _mermaid_text(text):
    return u'"%s"' % text.replace('#', '#35;').replace('"', '#quot;')


def to_mermaid(data, exclude=('lo',), direction='LR'):
    """A Mermaid flowchart of net_info output."""
    _check_direction(direction)
    topo = Topology(data, exclude)
    lines = [u'flowchart %s' % direction]

    def group(parent, depth):
        groups, nodes = topo.children(parent)
        pad = u'    ' * depth
        for node, label, _group in nodes:
            lines.append(u'%s%s[%s]' % (pad, node, _mermaid_text(u'<br/>'.join(label))))
        for gid, label, _parent in groups:
            lines.append(u'%ssubgraph %s[%s]' % (pad, gid, _mermaid_text(label)))
            group(gid, depth + 1)
            lines.append(u'%send' % pad)
    group(None, 1)
    arrows = dict(veth=u'===', port=u'---', vxlan=u'-.-')
    for a, b, kind, label in topo.edges:
        lines.append(u'    %s %s%s %s' % (a, arrows[kind], u'|%s|' % label.replace('|', ' ') if label else u'', b))
    return u'\n'.join(lines) + u'\n'


def _dot_text(text):
    return u'"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


def to_dot(data, exclude=('lo',), direction='LR'):
    """A Graphviz DOT graph of net_info output."""
    _check_direction(direction)
    topo = Topology(data, exclude)
    lines = [u'graph topology {', u'    rankdir=%s;' % direction, u'    node [shape=box, style=rounded];']

    def group(parent, depth):
        groups, nodes = topo.children(parent)
        pad = u'    ' * depth
        for node, label, _group in nodes:
            lines.append(u'%s%s [label=%s];' % (pad, node, _dot_text(u'\n'.join(label)).replace('\n', '\\n')))
        for gid, label, _parent in groups:
            lines.append(u'%ssubgraph cluster_%s {' % (pad, gid))
            lines.append(u'%s    label=%s;' % (pad, _dot_text(label)))
            group(gid, depth + 1)
            lines.append(u'%s}' % pad)
    group(None, 1)
    styles = dict(veth=u'style=bold', port=u'color=gray40', vxlan=u'style=dashed, color=blue')
    for a, b, kind, label in topo.edges:
        attrs = styles[kind] + (u', label=%s' % _dot_text(label) if label else u'')
        lines.append(u'    %s -- %s [%s];' % (a, b, attrs))
    return u'\n'.join(lines) + u'\n}\n'


class FilterModule(object):
    def filters(self):
        return dict(to_mermaid=to_mermaid, to_dot=to_dot)
