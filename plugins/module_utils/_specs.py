# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs shared by modules (documented in doc_fragments/common.py); the link modules' are built from
their kinds' fields (_resources/link.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NETNS = dict(type='str')
STATE = dict(type='str', default='present', choices=['present', 'absent'])
