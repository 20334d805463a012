# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the per-namespace resources (address, route, fdb, neighbor, sysctl) share: is the namespace there,
and which interface does an option name."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import where
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import lookup


def netns_ready(res, netns, option='netns'):
    """True when 'netns' can be read. False when it is missing and that is fine: nothing to remove
    (state=absent) or check mode (an earlier task may create it). Otherwise a clear error."""
    if res.nl.exists(netns):
        return True
    if getattr(res, 'state', 'present') == 'absent' or res.missing_in_check(netns, option):
        return False
    res.ipr(netns, option)  # raises InvalidInput naming the option
    return False


def find(res, ipr, option, name, netns, needed=True):
    """The link message of interface 'name', or None. A missing interface is an error unless not 'needed'
    (nothing to remove) or in check mode (an earlier task may create it: noted)."""
    msg = lookup(ipr, name)
    if msg is None and needed:
        if not res.check_mode:
            raise InvalidInput(option, name, 'no such interface in %s' % where(netns))
        res.note("%s '%s' does not exist yet in %s: assuming an earlier task creates it" % (option, name, where(netns)),
                 ('link', netns, name))
    return msg


def name_of(ipr, index):
    """The name of interface 'index' (None when there is none)."""
    if not index:
        return None
    msg = lookup(ipr, index=index)
    return msg.get_attr('IFLA_IFNAME') if msg is not None else None
