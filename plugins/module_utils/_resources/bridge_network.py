# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole network in one run: the bridge, per endpoint a namespace, a veth (peer inside), addresses and default
routes; the forwarding sysctls and the firewall (masquerade, isolation, published ports); and, for a network that
spans hosts, its VXLAN device and peers (_overlay). Built from the other resource kinds; adds address assignment
(_ipam: stable, leased) and ownership.

Ownership marks live in the kernel, so they die with what they mark:
- the bridge, the VXLAN device and each host-side veth carry the alias 'fabric:<network>' (the veth
  'fabric:<network>:<endpoint>'); nft rules carry the comment 'fabric:<network>:...';
- a namespace this network created carries 'fabric:<network>' as the alias of its lo.
Purge and state=absent remove only what carries this network's mark, and never the interface of a namespace in
which processes run unless forced. The leases remember every address the network gave, so that a fresh
namespace (a reboot, a restarted container) gets the same one, and so that an address it gave before and gives
no more is removed (addresses someone else added are left alone).

With persist, the same run keeps what brings the network back after a reboot (_persist); at boot the runner builds
this class with boot=True: no persistence files, and endpoints of containers that are gone are skipped.
"""

import hashlib
import ipaddress

from ansible_collections.linuxnet.fabric.plugins.module_utils import _files, _nsfs, _persist, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._ipam import KEYS, Family, Leases
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import kind_of, lookup
from ansible_collections.linuxnet.fabric.plugins.module_utils._overlay import Overlay, stale_devices
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Conflict, missing_netns
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import address
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge import Bridge
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import stable_mac
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.netns import Netns
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.network_firewall import Firewall
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.route import Route
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.sysctl import Sysctl
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.veth import Veth

MARK = 'fabric:'
DEFAULT_ROUTE = {4: '0.0.0.0/0', 6: '::/0'}
MAX_BRIDGE_PORTS = 1023  # the kernel numbers a bridge's ports 1..1023 (BR_MAX_PORTS 1024, port 0 unused): EXFULL beyond


def mark(network, endpoint=None):
    return MARK + network + (':' + endpoint if endpoint else '')


def host_interface(network, endpoint, interface):
    """A stable host-side veth name that fits IFNAMSIZ: 'veth' + 8 hex of a hash."""
    digest = hashlib.sha1(('%s/%s/%s' % (network, endpoint, interface)).encode('utf-8')).hexdigest()
    return 'veth' + digest[:8]


def bridge_mac(network, gateway):
    """The MAC a new bridge gets: stable, so that it does not change as ports come and go, and different on every
    host of an l2 overlay (whose bridges share one broadcast domain), since each host has its own gateway."""
    return stable_mac(network, gateway)


class BridgeNetwork(object):
    """Validates everything up front, then offers the resources to converge (see _reconcile.batch_main)."""

    def __init__(self, nl, params, check_mode, boot=False):
        self.nl, self.params, self.check_mode, self.boot = nl, params, check_mode, boot
        self.warnings, self.skipped = [], []
        self.network = _validate.network_name('network', params['network'])
        self.bridge = _validate.ifname('bridge', params['bridge'])
        self.netns = _validate.netns('netns', params.get('netns'))
        self.state = params.get('state') or 'present'
        self.purge = params.get('purge') or False
        self.force = params.get('force') or False
        self.mtu = _validate.mtu('mtu', params.get('mtu'))
        self.families = []
        for version, suffix in ((4, ''), (6, '6')):
            if params.get('subnet' + suffix) is not None:
                self.families.append(Family(version, params['subnet' + suffix], params.get('gateway' + suffix),
                                            params.get('ip_range' + suffix)))
            elif params.get('gateway' + suffix) or params.get('ip_range' + suffix):
                option = 'gateway' + suffix if params.get('gateway' + suffix) else 'ip_range' + suffix
                raise _validate.InvalidInput(option, params[option], 'needs subnet%s' % suffix)
        if self.state == 'present' and not self.families:
            raise _validate.InvalidInput('subnet', None, 'a network needs subnet (IPv4), subnet6 (IPv6) or both')
        self.replaces = _validate.unique('replaces', [_validate.network_name('replaces[%d]' % i, name) for i, name
                                                      in enumerate(params.get('replaces') or [])])
        if self.network in self.replaces:
            raise _validate.InvalidInput('replaces', self.network, 'a network cannot replace itself')
        self.endpoints = self._endpoints(params.get('endpoints') or [])
        self.persist = _validate.persist('persist', params.get('persist', False))
        self.persist_root = _validate.absolute_path('persist_root', params.get('persist_root') or '/')
        self.lease_file = _files.lease_path(self.persist_root, self.network, self.netns)
        self.overlay = Overlay(self, params['vxlan']) if params.get('vxlan') and self.state == 'present' else None
        ports = len(self.endpoints) + (1 if self.overlay and self.overlay.mode == 'l2' else 0)
        if ports > MAX_BRIDGE_PORTS and self.state == 'present':
            raise _validate.InvalidInput('endpoints', '%d endpoints' % len(self.endpoints), 'a Linux bridge takes at most '
                                         '%d ports%s: split them over networks' % (MAX_BRIDGE_PORTS, ', the VXLAN device'
                                                                                   ' included' if self.overlay else ''))
        self.firewall = params.get('firewall', True) is not False
        self.masquerade = params.get('masquerade', True) is not False
        self.masquerade6 = bool(params.get('masquerade6'))
        self.isolate = params.get('isolate', True) is not False
        self.published = self._published(params.get('published_ports') or [])

    @property
    def mark(self):
        return mark(self.network)

    def _published(self, items):
        """Published ports name declared endpoints; the firewall checks the rest once addresses are known."""
        names = [ep['name'] for ep in self.endpoints]
        for i, item in enumerate(items):
            if not isinstance(item, dict) or item.get('endpoint') not in names:
                raise _validate.InvalidInput('published_ports[%d].endpoint' % i, (item or {}).get('endpoint') if
                                             isinstance(item, dict) else item, 'not an endpoint of this network '
                                             '(one of: %s)' % ', '.join(names[:10]))
        if items and not self.firewall:
            raise _validate.InvalidInput('published_ports', '%d ports' % len(items),
                                         'need firewall: true (they are nftables rules)')
        if items:  # the firewall's own checks, now, with the gateways standing in for the endpoints' addresses
            self._firewall(dict((ep['name'], dict((f.key, f.gateway) for f in self.families)) for ep in self.endpoints),
                           items)
        return items

    def _endpoints(self, items):
        names, given, result = set(), {}, []
        for i, item in enumerate(items):
            opt = 'endpoints[%d].' % i
            name = _validate.netns_name(opt + 'name', item.get('name'))
            if name is None:
                raise _validate.InvalidInput(opt + 'name', None, 'every endpoint needs a name')
            if name in names:
                raise _validate.InvalidInput(opt + 'name', name, 'listed more than once')
            names.add(name)
            ep = dict(name=name, netns=name, external=False, source='named',
                      interface=_validate.ifname(opt + 'interface', item.get('interface') or 'eth0'))
            if item.get('netns_path') is not None and item.get('pid') is not None:
                raise _validate.InvalidInput(opt + 'pid', item['pid'], 'give netns_path or pid, not both')
            if item.get('netns_path') is not None:
                ep.update(netns=_validate.netns_path(opt + 'netns_path', item['netns_path']), external=True,
                          source='path')
            elif item.get('pid') is not None:
                ep.update(netns='/proc/%d/ns/net' % _validate.pid(opt + 'pid', item['pid']), external=True,
                          source='pid')
            if item.get('mac_address') is not None:
                ep['mac_address'] = _validate.mac(opt + 'mac_address', item['mac_address'])
            for version, key in KEYS.items():
                family = self.family(version)
                if item.get(key) is None:
                    continue
                if family is None:
                    raise _validate.InvalidInput(opt + key, item[key], 'needs subnet%s' % ('' if version == 4 else '6'))
                ip = family.host_address(opt + key, item[key])
                if ip in given:
                    raise _validate.InvalidInput(opt + key, item[key], 'already given to endpoint %s' % given[ip])
                given[ip] = name
                ep[key] = ip
            ep['host_interface'] = host_interface(self.network, name, ep['interface'])
            result.append(ep)
        for family in self.families if self.state == 'present' else []:
            room = family.subnet.num_addresses - (3 if family.version == 4 else 2)
            if len(result) > room:
                raise _validate.InvalidInput('subnet' if family.version == 4 else 'subnet6', str(family.subnet),
                                             'too small for %d endpoints (room for %d)' % (len(result), room))
        return result

    def family(self, version):
        return next((f for f in self.families if f.version == version), None)

    # --- what exists -----------------------------------------------------------------------------
    def host_links(self):
        return self.nl.ipr(self.netns).get_links() if self.nl.exists(self.netns) else []

    @property
    def marks(self):
        """This network's mark and those of the networks it replaces: what it owns."""
        return [self.mark] + [mark(name) for name in self.replaces]

    def owned(self):
        """This network's objects in the host namespace (a replaced network's too): (bridges: [name],
        endpoints: {endpoint: [host ifnames]})."""
        bridges, endpoints = [], {}
        for msg in self.host_links():
            alias = msg.get_attr('IFLA_IFALIAS') or ''
            if alias in self.marks and kind_of(msg) == 'bridge':
                bridges.append(msg.get_attr('IFLA_IFNAME'))
            for prefix in self.marks:
                if alias.startswith(prefix + ':'):
                    endpoints.setdefault(alias[len(prefix) + 1:], []).append(msg.get_attr('IFLA_IFNAME'))
        return bridges, endpoints

    def _check_not_another_networks(self, ep, index):
        """A namespace another network made, whose interface that network still holds, is not ours to take: a
        renamed network says so with 'replaces'."""
        if ep['external'] or not self.nl.exists(ep['netns']):
            return
        owner = lookup(self.nl.ipr(ep['netns']), 'lo').get_attr('IFLA_IFALIAS') or ''
        if owner.startswith(MARK) and owner not in self.marks and lookup(self.nl.ipr(ep['netns']), ep['interface']):
            raise _validate.InvalidInput('endpoints[%d].name' % index, ep['name'], 'its namespace belongs to network %s, '
                                         'which holds its %s; to rename network %s to %s, set replaces: [%s]' % (
                                             owner[len(MARK):], ep['interface'], owner[len(MARK):], self.network,
                                             owner[len(MARK):]))

    def link_exists(self, netns, name):
        return self.nl.exists(netns) and lookup(self.nl.ipr(netns), name) is not None

    def addresses_in(self, netns, interface=None):
        """The addresses of an interface in a namespace (every address there when interface is None); None when
        either is missing."""
        if netns is False or not self.nl.exists(netns):
            return None
        ipr = self.nl.ipr(netns)
        msg = lookup(ipr, interface) if interface else None
        if interface and msg is None:
            return None
        return [ipaddress.ip_interface(a).ip for a in address.read(ipr, msg['index'] if msg else None)]

    def assign_addresses(self, leased, kept):
        """Per family, each endpoint keeps its address: the declared one, else the one its interface has, else its
        lease, while that lies in the range; new ones get the lowest free address. 'kept' are endpoints of this
        network that stay but are not listed: their addresses are taken too."""
        current = dict((ep['name'], self.addresses_in(ep['netns'], ep['interface']) or []) for ep in self.endpoints)
        for family in self.families:
            key = family.key
            taken = set(ep[key] for ep in self.endpoints if key in ep)
            for name in kept:
                taken.update(ip for ip in self.addresses_in(kept[name]) or [] if ip in family.subnet)
                lease = leased.get(name, {}).get(key)
                if lease:
                    taken.add(ipaddress.ip_interface(lease).ip)
            for ep in self.endpoints:
                if key in ep:
                    continue
                lease = leased.get(ep['name'], {}).get(key)
                candidates = current[ep['name']] + ([ipaddress.ip_interface(lease).ip] if lease else [])
                found = next((ip for ip in candidates if family.usable(ip) and ip not in taken), None)
                if found is not None:
                    ep[key] = found
                    taken.add(found)
            free = family.free(taken)
            for i, ep in enumerate(self.endpoints):
                if key not in ep:
                    ep[key] = next(free, None)
                    if ep[key] is None:
                        raise _validate.InvalidInput('ip_range' + ('' if family.version == 4 else '6'),
                                                     str(family.ip_range), 'no free address left for endpoint %s '
                                                     '(endpoints[%d])' % (ep['name'], i))

    def lease_content(self):
        endpoints = dict((ep['name'], dict((f.key, f.cidr(ep[f.key])) for f in self.families)) for ep in self.endpoints)
        for name, lease in self.leased.items():
            if name in self.kept:
                endpoints[name] = lease
        content = dict(network=self.network, bridge=self.bridge, endpoints=endpoints)
        for family in self.families:
            suffix = '' if family.version == 4 else '6'
            content.update({'subnet' + suffix: str(family.subnet), 'gateway' + suffix: str(family.gateway)})
        return content

    # --- the resources ---------------------------------------------------------------------------
    def resources(self):
        bridges, owned = self.owned()
        self.owned_now = dict((name, ifnames[0]) for name, ifnames in owned.items())
        leases = self._leases()
        self.leased = leases.get('endpoints') or {}
        gone = self._gone_containers(owned) if self.boot else {}
        declared = set(ep['name'] for ep in self.endpoints) if self.state == 'present' else set()
        doomed = [name for name in sorted(owned) if name not in declared and (self.purge or self.state == 'absent')]
        self.kept = dict((name, self.netns_of(owned[name][0])) for name in owned if name not in declared and name not in doomed)
        self.kept.update(gone)
        persisted = self._persisted()
        resources = [] if persisted or self.boot else _persist.resources(self, False, False)
        resources += [r for name in doomed for r in self._removal(name, owned[name])]
        if self.state == 'present':
            for i, ep in enumerate(self.endpoints):
                self._check_namespace(ep)
                self._check_not_another_networks(ep, i)
            self.assign_addresses(self.leased, self.kept)
            if self.overlay:
                self.mtu = self.overlay.mtu(self.mtu)
        firewall = self._firewall()
        if self.state == 'present' and self.firewall:
            firewall.preflight()  # a host port or the bridge another network has: refused before anything is built
        stale = stale_devices(self, self.overlay.params() if self.overlay else None)
        resources += stale
        old_bridges = [b for b in bridges if b != self.bridge or self.state == 'absent']
        resources += [Bridge(self.nl, dict(name=b, netns=self.netns, state='absent'), self.check_mode) for b in old_bridges]
        if self.state == 'absent':
            return resources + [firewall] + self._replaced_leftovers() + [
                Leases(self.nl, self.lease_file, None, self.check_mode)]
        old_gateways = [ipaddress.ip_address(leases[k]) for k in ('gateway', 'gateway6') if leases.get(k)]
        old_cidrs = ['%s/%s' % (leases['gateway' + s], leases['subnet' + s].split('/')[1])
                     for s in ('', '6') if leases.get('gateway' + s) and leases.get('subnet' + s)]
        # The firewall before the links: a VXLAN peer that leaves is refused before the device forgets what it
        # learnt from it. Its sysctls (route_localnet of the bridge, for ports on 127.0.0.1): a 0 before its rules,
        # a 1 after them, once the bridge exists (none on a bridge made in this run: 0 is the kernel's default).
        local = [Sysctl(self.nl, p, self.check_mode) for p in firewall.sysctls()]
        exists = self.link_exists(self.netns, self.bridge)
        resources += [r for r in local if r.value == '0' and exists] + [firewall]
        resources.append(Bridge(self.nl, dict(
            name=self.bridge, netns=self.netns, mtu=self.mtu, up=True, alias=self.mark, nodad=True,
            stale_addresses=old_cidrs, addresses=[f.cidr(f.gateway) for f in self.families],
            create_mac=bridge_mac(self.network, str(self.families[0].gateway))), self.check_mode))
        if self.overlay:
            resources.append(self.overlay.device())
        for ep in self.endpoints:
            resources.extend(self._endpoint(ep, owned.get(ep['name'], []), old_gateways))
        if self.overlay and self.overlay.mode == 'l3':
            resources += self.overlay.routed_peers(fresh=any(d.name == self.overlay.name for d in stale))
        resources += [Sysctl(self.nl, dict(netns=self.netns, name=name, value='1'), self.check_mode)
                      for name in self.forwarding()] + [r for r in local if r.value == '1']
        return resources + self._replaced_leftovers() + [
            Leases(self.nl, self.lease_file, self.lease_content(), self.check_mode)] + (
            _persist.resources(self, True, _persist.systemd_runs()) if persisted else [])

    def _persisted(self):
        """Whether the network is to come back after a reboot (persist: auto = when systemd is the init of this host;
        never for a namespace that plays the host, which does not boot)."""
        if self.boot or self.state == 'absent':
            return False
        systemd = _persist.systemd_runs()
        if self.persist == 'auto':
            if not systemd and self.netns is None:
                self.warnings.append('persist=auto: this host does not run systemd (no %s), so network %s is not '
                                     'persisted: after a reboot it is back only when Ansible runs again. Set persist: '
                                     'false to say that is fine, or true to write the files anyway'
                                     % (_persist.SYSTEMD, self.network))
            return systemd and self.netns is None
        if self.persist and not systemd:
            self.warnings.append('persist=true: this host does not run systemd (no %s): the files of network %s are '
                                 'written but linuxnet-fabric@%s.service is not enabled; run %s at boot by other means'
                                 % (_persist.SYSTEMD, self.network, _files.instance(self.network, self.netns),
                                    _persist.paths(self.persist_root, self.network)['runner']))
        return self.persist

    def _gone_containers(self, owned):
        """At boot, an endpoint given by PID or path whose interface is gone belonged to a container that is gone too:
        it is skipped, and its address stays leased ({name: False}, for 'kept'). A running one is converged."""
        gone = {}
        for ep in [ep for ep in self.endpoints if ep['external'] and ep['name'] not in owned]:
            self.endpoints.remove(ep)
            self.published = [p for p in self.published if p['endpoint'] != ep['name']]
            gone[ep['name']] = False
            given = 'pid ' + ep['netns'].split('/')[2] if ep['source'] == 'pid' else 'netns_path ' + ep['netns']
            self.skipped.append('endpoint %s (%s) skipped: the namespace of a running container is not restored at boot '
                                '(its container is gone); its address stays reserved' % (ep['name'], given))
        return gone

    def _replaced_leftovers(self):
        """What the replaced networks keep outside the links: their firewall rules and their lease files."""
        gone = []
        for name in self.replaces:
            gone.append(Firewall(self.nl, dict(network=name, netns=self.netns, state='absent'), self.check_mode))
            gone.append(Leases(self.nl, _files.lease_path(self.persist_root, name, self.netns), None, self.check_mode))
        return gone

    def forwarding(self):
        """The host namespace forwards IPv4 when its network masquerades, publishes ports or routes an l3 overlay;
        IPv6 always when the network has IPv6 (a routed prefix)."""
        names = []
        routed = self.overlay is not None and self.overlay.mode == 'l3'
        if self.family(4) and ((self.firewall and (self.masquerade or self.published)) or routed):
            names.append('net.ipv4.ip_forward')
        if self.family(6):
            names.append('net.ipv6.conf.all.forwarding')
        return names

    def _firewall(self, addresses=None, published=None):
        """The network's nft rules, with endpoint names of published ports resolved to their addresses (by default
        the ones assigned; {endpoint: {address, address6}} to check the ports before that)."""
        params = dict(network=self.network, netns=self.netns, bridge=self.bridge,
                      state=self.state if self.firewall else 'absent')  # switched off: its rules go
        if params['state'] == 'present':
            by_name = addresses or dict((ep['name'], ep) for ep in self.endpoints)
            ports = []
            for item in self.published if published is None else published:
                ep = by_name[item['endpoint']]
                port = dict((k, v) for k, v in item.items() if k != 'endpoint' and v is not None)
                port.setdefault('host_port', port.get('port'))
                port.update((f.key, str(ep[f.key])) for f in self.families)
                ports.append(port)
            params.update(masquerade=self.masquerade, masquerade6=self.masquerade6, isolate=self.isolate,
                          published_ports=ports)
            for family in self.families:
                params['subnet' if family.version == 4 else 'subnet6'] = str(family.subnet)
            if self.overlay and self.overlay.restrict:
                params.update(vxlan_port=self.overlay.port, vxlan_peers=[p['underlay'] for p in self.overlay.peers])
        return Firewall(self.nl, params, self.check_mode)

    def _leases(self):
        """This network's leases; while it replaces others, theirs fill in (their endpoints keep their addresses)."""
        merged = {}
        for name in list(reversed(self.replaces)) + [self.network]:
            found = _files.read_json(_files.lease_path(self.persist_root, name, self.netns)) or {}
            if found.get('network') == name:
                merged.update((k, v) for k, v in found.items() if k != 'endpoints')
                merged.setdefault('endpoints', {}).update(found.get('endpoints') or {})
        return merged

    def netns_of(self, host_ifname):
        """Where the other end of one of our host-side veths is: a name, a /proc/PID/ns/net path, or False when
        no named namespace and no process has it."""
        state = Veth(self.nl, dict(name=host_ifname, netns=self.netns, state='absent'), self.check_mode).read()
        netns = ((state or {}).get('peer') or {}).get('netns', False)
        return netns if netns is None or (isinstance(netns, str) and self.nl.exists(netns)) else False

    def _check_namespace(self, ep):
        """An endpoint given by path or PID must be there: this module never creates such a namespace."""
        if ep['external'] and not self.nl.exists(ep['netns']):
            option = 'endpoints[%d].%s' % (self.endpoints.index(ep), 'netns_path' if ep['source'] == 'path' else 'pid')
            raise _validate.InvalidInput(option, ep['netns'], 'endpoint %s: %s' % (ep['name'], missing_netns(ep['netns'])))

    def _refuse_if_active(self, endpoint, netns):
        """absent and purge never take the interface of a namespace in which processes run, unless forced."""
        running = _nsfs.processes(netns) if netns is not False else []
        if running and not self.force:
            shown = ', '.join('%d (%s)' % p for p in running[:5]) + (', ...' if len(running) > 5 else '')
            raise Conflict("force=False: endpoint %s of network %s is in use: processes run in its network namespace "
                           "%s: PID %s; set force: true to remove its interface anyway" % (
                               endpoint, self.network, netns, shown))

    def _removal(self, name, host_ifnames):
        """A namespace this network made goes with its veth; from any other only the veth goes."""
        netns = self.netns_of(host_ifnames[0])
        self._refuse_if_active(name, netns)
        if netns and not netns.startswith('/') and self.netns != netns and \
                lookup(self.nl.ipr(netns), 'lo').get_attr('IFLA_IFALIAS') in self.marks:
            return [Netns(self.nl, dict(name=netns, state='absent'), self.check_mode)]
        return [Veth(self.nl, dict(name=ifname, netns=self.netns, state='absent'), self.check_mode)
                for ifname in host_ifnames]

    def _endpoint(self, ep, host_ifnames, old_gateways):
        resources = []
        for stale in [n for n in host_ifnames if n != ep['host_interface']]:  # its interface was renamed
            resources.append(Veth(self.nl, dict(name=stale, netns=self.netns, state='absent'), self.check_mode))
        if not ep['external']:
            resources.append(Netns(self.nl, dict(name=ep['netns'], loopback_up=True, mark=self.mark,
                                                 takes_over=self.marks[1:]), self.check_mode))
        peer = dict(name=ep['interface'], netns=ep['netns'], mtu=self.mtu, up=True, nodad=True,
                    addresses=[f.cidr(ep[f.key]) for f in self.families],
                    stale_addresses=list(self.leased.get(ep['name'], {}).values()))
        if 'mac_address' in ep:
            peer['mac_address'] = ep['mac_address']
        else:  # chosen once, when the pair is made: unique in the network's broadcast domain (each host of an l2
            # overlay has its own gateway), and kept while the endpoint lives
            peer['create_mac'] = stable_mac(self.network, self.families[0].gateway, ep['name'], ep['interface'])
        # recreate: a pair this network made (its host end carries the mark) whose peer was moved or renamed,
        # or whose host end was renamed (its peer then holds the interface name), is replaced, not refused.
        resources.append(Veth(self.nl, dict(name=ep['host_interface'], netns=self.netns, master=self.bridge,
                                            mtu=self.mtu, up=True, alias=mark(self.network, ep['name']), peer=peer,
                                            recreate=bool(host_ifnames)), self.check_mode))
        for version in (4, 6):
            family = self.family(version)
            route = dict(netns=ep['netns'], dst=DEFAULT_ROUTE[version], dev=ep['interface'])
            if family is not None:
                resources.append(Route(self.nl, dict(route, gateway=str(family.gateway)), self.check_mode))
            else:  # a family the network no longer has: its default route via the old gateway goes
                resources += [Route(self.nl, dict(route, gateway=str(gw), state='absent'), self.check_mode)
                              for gw in old_gateways if gw.version == version]
        for res in resources:  # N endpoints: their 'after' is the plan's (exact: check mode's), not N more reads
            res.read_back = False
        return resources

    def summarize(self, results):
        """before/after: {endpoint: {address, address6, interface, host_interface, mac_address, netns}} plus the
        bridge."""
        def endpoints(key):
            found = {}
            for r in results:
                state = r[key]
                if state.get('kind') == 'veth' and (state.get('alias') or '').split(':', 2)[:2] in [
                        m.split(':') for m in self.marks]:
                    peer = state.get('peer') or {}
                    cidrs = peer.get('addresses') or []
                    found[state['alias'].split(':', 2)[2]] = dict(
                        address=next((a for a in cidrs if ':' not in a), None),
                        address6=next((a for a in cidrs if ':' in a), None), interface=peer.get('name'),
                        host_interface=state['name'], mac_address=peer.get('mac_address'), netns=peer.get('netns'))
            for r in results:  # an endpoint removed with its namespace has no veth result of its own
                state = r[key]
                if state.get('mark') in self.marks and state['name'] not in found:
                    found[state['name']] = dict(address=None, address6=None, interface=None, mac_address=None,
                                                host_interface=self.owned_now.get(state['name']), netns=state['name'])
            return found
        bridge = [r for r in results if (r['before'].get('kind') == 'bridge' or r['after'].get('kind') == 'bridge')
                  and (r['before'] or r['after']).get('name') == self.bridge]
        state = [r for r in results if (r['before'] or r['after']).get('path') == _files.state_path(
            self.persist_root, self.network, self.netns)]
        before, after = [dict(bridge=bridge[0][key] if bridge else {}, endpoints=endpoints(key),
                              persisted=_persist.persisted(state[0][key]) if state else None)
                         for key in ('before', 'after')]
        return before, after
