# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""macvlan devices (Docker's macvlan driver): a device with its own MAC address on a parent interface, which may
live in another namespace (a host's uplink, the macvlan in a container)."""

from typing import Optional

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import lookup
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import Field, Link, LinkState, LowerLinkField

MODES = ['bridge', 'private', 'vepa', 'passthru']


class MacvlanState(LinkState, total=False):
    parent: str
    parent_netns: Optional[str]
    mode: str


class Macvlan(Link):
    kind = 'macvlan'
    module_kwargs = dict(required_if=[('state', 'present', ['parent'])])
    fields = dict(
        parent=LowerLinkField('The interface the macvlan sits on (its lower device), in O(parent_netns).',
                              'IFLA_LINK', 'link', netns_option='parent_netns', immutable=True),
        parent_netns=Field('Network namespace of O(parent). Omitted, the namespace the module runs in (not O(netns)).',
                           dict(type='str'), _validate.netns, immutable=True, always=True),
        # The kernel switches between bridge, private and vepa in place, not to or from passthru.
        mode=Field('How the macvlans of one parent reach each other (as C(ip link add ... type macvlan mode)).',
                   dict(type='str', choices=MODES, default='bridge'), None, 'IFLA_MACVLAN_MODE', 'macvlan_mode',
                   immutable=lambda old, new: 'passthru' in (old, new)),
    )

    def default_mtu(self) -> Optional[int]:
        """The parent's (None while it is not there)."""
        netns = self.want.get('parent_netns')  # the namespace of the parent (None: the module's own)
        found = lookup(self.ipr(netns), self.want['parent']) if self.nl.exists(netns) else None
        return found.get_attr('IFLA_MTU') if found is not None else None
