# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Linux bridges (like docker0)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import Field, Link, as_bool

USER_HZ = 100  # the kernel keeps bridge times in clock ticks (centiseconds)


def _ticks(seconds):
    return int(seconds * USER_HZ)


def _seconds(ticks):
    return int(round(ticks / float(USER_HZ)))


class Bridge(Link):
    kind = 'bridge'
    manages_addresses = True
    fields = {
        'stp': Field('IFLA_BR_STP_STATE', 'br_stp_state', int, as_bool),
        'forward_delay': Field('IFLA_BR_FORWARD_DELAY', 'br_forward_delay', _ticks, _seconds),
        'ageing_time': Field('IFLA_BR_AGEING_TIME', 'br_ageing_time', _ticks, _seconds),
    }

    def validate(self, p):
        want = super(Bridge, self).validate(p)
        if p.get('stp') is not None:
            want['stp'] = p['stp']
        if p.get('forward_delay') is not None:
            low = 2 if p.get('stp') else 0  # with STP on the kernel only takes 2..30 s
            want['forward_delay'] = _validate.in_range('forward_delay', p['forward_delay'], low, 30)
        if p.get('ageing_time') is not None:
            want['ageing_time'] = _validate.in_range('ageing_time', p['ageing_time'], 0, 1000000)
        return want
