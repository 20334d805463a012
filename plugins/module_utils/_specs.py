# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs shared by modules (documented in doc_fragments/common.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NETNS = dict(type='str')
STATE = dict(type='str', default='present', choices=['present', 'absent'])


def link(**extra):
    """Options every link module has, plus the kind's own."""
    spec = dict(
        name=dict(type='str', required=True),
        netns=NETNS,
        state=STATE,
        mtu=dict(type='int'),
        mac_address=dict(type='str'),
        up=dict(type='bool', default=True),
        alias=dict(type='str'),
    )
    spec.update(extra)
    return spec
