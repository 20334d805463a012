# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Forwarding database entries: the flood list of a vxlan (00:00:00:00:00:00 dst PEER, managed by the vxlan
module) and single entries (the fdb module)."""

import ipaddress

from ansible_collections.linuxnet.fabric.plugins.module_utils import _netlink, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import where
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import OnInterface, Op

FLOOD_MAC = '00:00:00:00:00:00'
NTF_SELF, NTF_MASTER = 0x02, 0x04
NUD_REACHABLE, NUD_NOARP, NUD_PERMANENT = 0x02, 0x40, 0x80


def read_flood(ipr, index):
    """The remote VTEPs that get broadcast, unknown-unicast and multicast frames, sorted."""
    found = set()
    for msg in ipr.fdb('dump', ifindex=index):
        if msg['ifindex'] == index and msg.get_attr('NDA_LLADDR') == FLOOD_MAC and msg.get_attr('NDA_DST'):
            found.add(msg.get_attr('NDA_DST'))
    return sorted(found, key=lambda a: (ipaddress.ip_address(a).version, int(ipaddress.ip_address(a))))


def read_learned(ipr, index):
    """What the device learnt from received frames: [(mac, remote VTEP)] (not its flood list, not static entries)."""
    found = []
    for msg in ipr.fdb('dump', ifindex=index):
        mac, dst = msg.get_attr('NDA_LLADDR'), msg.get_attr('NDA_DST')
        if msg['ifindex'] == index and dst and mac != FLOOD_MAC and not msg['state'] & (NUD_PERMANENT | NUD_NOARP):
            found.append((mac, dst))
    return sorted(found)


def plan_forget(ipr, index, label, learnt, remotes):
    """Ops that forget what the device learnt (read_learned) about VTEPs that are not among 'remotes' (a peer that
    left): its frames would otherwise go there until the entries age out (5 minutes)."""
    return [Op('forget learnt fdb entry %s dst %s of %s (not a remote)' % (mac, dst, label),
               lambda mac=mac, dst=dst: ipr().fdb('del', ifindex=index(), lladdr=mac, dst=dst))
            for mac, dst in learnt if dst not in remotes]


def plan_flood(ipr, index, label, have, wanted):
    """Ops that make the flood list exactly 'wanted' (remotes no longer listed are removed)."""
    have = have or []
    ops = []
    for dst in [d for d in have if d not in wanted]:
        ops.append(Op('remove flood entry %s dst %s from %s' % (FLOOD_MAC, dst, label),
                      lambda dst=dst: ipr().fdb('del', ifindex=index(), lladdr=FLOOD_MAC, dst=dst)))
    for dst in [d for d in wanted if d not in have]:
        ops.append(Op('add flood entry %s dst %s to %s' % (FLOOD_MAC, dst, label),
                      lambda dst=dst: ipr().fdb('append', ifindex=index(), lladdr=FLOOD_MAC, dst=dst)))
    return ops, sorted(wanted, key=lambda a: (ipaddress.ip_address(a).version, int(ipaddress.ip_address(a))))


# --- Single FDB entries (the fdb module) ---------------------------------------------------------------------


def describe(ipr, msg, netns, device):
    """An FDB dump message as the fdb module shows it; 'device' is dict(kind, vni) of the interface it is on."""
    state = msg['state']
    master = bool(msg.get_attr('NDA_MASTER')) and not msg['flags'] & NTF_SELF
    entry = dict(interface=_netlink.name_of(ipr, msg['ifindex']), netns=netns, mac=msg.get_attr('NDA_LLADDR'),
                 master=master, self=not master,
                 bridge=_netlink.name_of(ipr, msg.get_attr('NDA_MASTER')) if master else None,
                 dst=msg.get_attr('NDA_DST'), vni=None, local=master and bool(state & NUD_PERMANENT),
                 permanent=bool(state & (NUD_PERMANENT | NUD_NOARP)) if master else bool(state & NUD_PERMANENT))
    if device['kind'] == 'vxlan' and not master:
        entry['vni'] = msg.get_attr('NDA_VNI') or device['vni']
    return entry


def is_static(msg, kind):
    """Whether a dump message is an entry someone added (what net_info shows): a bridge entry that forwards to its
    port (static), or a permanent or static device entry - any on a vxlan (remote VTEPs, the flood list), unicast
    ones elsewhere. Not: learnt entries, the ports' own addresses (local), the devices' multicast address lists."""
    state, mac = msg['state'], msg.get_attr('NDA_LLADDR') or FLOOD_MAC
    if not msg['flags'] & NTF_SELF and msg.get_attr('NDA_MASTER'):
        return bool(state & NUD_NOARP) and not state & NUD_PERMANENT
    return bool(state & (NUD_PERMANENT | NUD_NOARP)) and (kind == 'vxlan' or not int(mac[:2], 16) & 1)


def read_static(ipr, netns):
    """The static entries of a namespace (is_static), described, in dump order."""
    devices, found = {}, []
    for msg in ipr.fdb('dump'):
        index = msg['ifindex']
        if index not in devices:
            dev = _netlink.lookup(ipr, index=index)
            devices[index] = dict(kind=_netlink.kind_of(dev) if dev is not None else None,
                                  vni=_netlink.info(dev, 'IFLA_VXLAN_ID') if dev is not None else None)
        if is_static(msg, devices[index]['kind']):
            found.append(describe(ipr, msg, netns, devices[index]))
    return found


def _state_of(master, permanent):
    """The ndm_state to ask for. On a bridge (master) entry NUD_PERMANENT means *local* (frames go to the host,
    not to the port), so a kept bridge entry is 'static' (NOARP|REACHABLE) and a non-kept one is dynamic."""
    if master:
        return NUD_NOARP | NUD_REACHABLE if permanent else NUD_REACHABLE
    return NUD_NOARP | NUD_PERMANENT if permanent else NUD_NOARP | NUD_REACHABLE


class Fdb(OnInterface):
    """One entry: 'master' (in the bridge the port belongs to) or 'self' (in the device, e.g. a vxlan's remote
    VTEP for a MAC). State: interface, netns, mac, master, self, bridge, dst, vni, permanent, local."""
    kind = 'fdb'

    def __init__(self, nl, params, check_mode):
        super(Fdb, self).__init__(nl, params, check_mode)
        p = params
        self.mac = _validate.mac('mac', p.get('mac'), unicast=False)
        self.dst = _validate.ip('dst', p['dst']) if p.get('dst') is not None else None
        if self.dst and ipaddress.ip_address(self.dst).is_unspecified:
            raise _validate.InvalidInput('dst', p['dst'], 'the remote VTEP cannot be the unspecified address')
        self.vni = _validate.vni('vni', p.get('vni'))
        if p.get('master') and p.get('self'):
            raise _validate.InvalidInput('self', True, 'an entry is either in the bridge (master: true) or in the '
                                                       'device itself (self: true), not both')
        self.master = bool(p.get('master')) or not (p.get('self') or self.dst or self.vni)
        if self.master and (self.dst or self.vni):
            raise _validate.InvalidInput('dst' if self.dst else 'vni', self.dst or self.vni,
                                         'applies to device (self) entries of a vxlan, not to bridge (master) entries')
        if self.mac == FLOOD_MAC and not self.dst:
            raise _validate.InvalidInput('mac', p.get('mac'), 'the all-zeros MAC is the flood entry of a vxlan and '
                                                              'needs dst (the remote VTEP)')
        self.permanent = True if p.get('permanent') is None else bool(p['permanent'])

    @property
    def label(self):
        return 'fdb entry %s%s on %s in %s' % (self.mac, ' dst %s' % self.dst if self.dst else '', self.interface,
                                               where(self.netns))

    # --- what the kernel has ---------------------------------------------------------------------
    def read(self):
        self.device = None
        ipr, msg = self.interface_link()
        if msg is None:
            return None
        self.device = dict(index=msg['index'], kind=_netlink.kind_of(msg), bridge_index=msg.get_attr('IFLA_MASTER'),
                           bridge=_netlink.name_of(ipr, msg.get_attr('IFLA_MASTER')), vni=_netlink.info(msg, 'IFLA_VXLAN_ID'))
        self.check_device()
        found = [self.describe(ipr, m) for m in ipr.fdb('dump') if self.mine(m)]
        return found[0] if found else None

    def check_device(self):
        dev = self.device
        if self.state == 'absent':
            return
        if self.master and not dev['bridge']:
            if not self.check_mode:
                raise _validate.InvalidInput('interface', self.interface, 'is not attached to a bridge: a bridge '
                                             '(master) entry needs a bridge port; set self: true for a device entry')
            self.note("interface '%s' is not a bridge port yet: assuming an earlier task attaches it" % self.interface)
        if not self.master and dev['kind'] != 'vxlan' and (self.dst or self.vni):
            raise _validate.InvalidInput('dst' if self.dst else 'vni', self.dst or self.vni,
                                         "applies to vxlan devices; '%s' is a %s" % (self.interface, dev['kind']))
        if not self.master and dev['kind'] == 'vxlan' and not self.dst:
            raise _validate.InvalidInput('dst', None, "an entry on vxlan '%s' needs dst (the remote VTEP)"
                                         % self.interface)

    def mine(self, msg):
        """Is this dump message the entry this resource manages?"""
        if msg.get_attr('NDA_LLADDR') != self.mac or msg.get_attr('NDA_VLAN'):
            return False
        if self.master:  # anywhere in the same bridge: a MAC lives on one port
            return bool(self.device['bridge_index']) and msg.get_attr('NDA_MASTER') == self.device['bridge_index']
        if msg['ifindex'] != self.device['index'] or not msg['flags'] & NTF_SELF:
            return False
        return not self.appends() or msg.get_attr('NDA_DST') == self.dst

    def appends(self):
        """All-zeros and multicast MACs of a vxlan hold a list of remotes: one entry per (mac, dst)."""
        return self.mac == FLOOD_MAC or int(self.mac[:2], 16) & 1

    def describe(self, ipr, msg):
        return describe(ipr, msg, self.netns, self.device)

    # --- the plan --------------------------------------------------------------------------------
    def plan(self, have):
        if self.state == 'absent':
            return ([self.op('del', have, 'remove %s' % self.label)] if have else []), None
        want = dict(interface=self.interface, permanent=self.permanent, local=False)
        if self.dst:
            want['dst'] = self.dst
        if self.vni:
            want['vni'] = self.vni
        if have is not None:
            changed = [k for k in sorted(want) if have.get(k) != want[k]]
            if not changed:
                return [], have
            after = dict(have, **want)
            shown = ', '.join('%s %s -> %s' % (k, have.get(k), want[k]) for k in changed)
            if not self.appends():
                return [self.op('replace', after, 'update %s (%s)' % (self.label, shown))], after
            ops = [self.op('append', after, 'update %s (%s)' % (self.label, shown))]
            if 'vni' in changed:  # another vni is another remote in the list: swap them
                ops = [self.op('del', have, 'remove %s (vni %s)' % (self.label, have['vni'])),
                       self.op('append', after, 'add %s (vni %s)' % (self.label, want['vni']))]
            return ops, after
        device = self.device or {}
        after = dict(interface=self.interface, netns=self.netns, mac=self.mac, master=self.master,
                     self=not self.master, bridge=device.get('bridge') if self.master else None, dst=self.dst,
                     vni=self.vni or (device.get('vni') if device.get('kind') == 'vxlan' else None),
                     permanent=self.permanent, local=False)
        how = ('bridge entry, %s: forwarded to the port' % ('static' if self.permanent else 'dynamic')
               if self.master else 'device entry%s' % (', permanent' if self.permanent else ', static'))
        return [self.op('append' if self.appends() and not self.master else 'replace', after,
                        'add %s (%s)' % (self.label, how))], after

    def op(self, command, entry, action):
        def apply():
            ipr = self.ipr(self.netns)
            kwargs = dict(ifindex=_netlink.lookup(ipr, entry['interface'])['index'], lladdr=self.mac,
                          flags=NTF_MASTER if self.master else NTF_SELF)
            if command != 'del':
                kwargs['state'] = _state_of(self.master, self.permanent)
            if entry.get('dst'):
                kwargs['dst'] = entry['dst']
            if entry.get('vni'):
                kwargs['vni'] = entry['vni']
            ipr.fdb(command, **kwargs)
        return Op(action, apply)
