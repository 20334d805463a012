# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Forwarding database entries. For now: the flood list of a vxlan (00:00:00:00:00:00 dst PEER)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Op

FLOOD_MAC = '00:00:00:00:00:00'


def read_flood(ipr, index):
    """The remote VTEPs that get broadcast, unknown-unicast and multicast frames, sorted."""
    found = set()
    for msg in ipr.fdb('dump', ifindex=index):
        if msg['ifindex'] == index and msg.get_attr('NDA_LLADDR') == FLOOD_MAC and msg.get_attr('NDA_DST'):
            found.add(msg.get_attr('NDA_DST'))
    return sorted(found, key=lambda a: (ipaddress.ip_address(a).version, int(ipaddress.ip_address(a))))


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
