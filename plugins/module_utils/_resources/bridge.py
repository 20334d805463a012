# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Linux bridges (like docker0)."""

from typing import Any, Dict

from ansible_collections.linuxnet.fabric.plugins.module_utils import _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import Field, Link, LinkState, as_bool

USER_HZ = 100  # the kernel keeps bridge times in clock ticks (centiseconds)


def _ticks(seconds: int) -> int:
    return int(seconds * USER_HZ)


def _seconds(ticks: int) -> int:
    return int(round(ticks / float(USER_HZ)))


class BridgeState(LinkState, total=False):
    stp: bool
    forward_delay: int
    ageing_time: int


class Bridge(Link):
    kind = 'bridge'
    fields = dict(
        stp=Field('Enable the spanning tree protocol. Not managed when omitted.', dict(type='bool'),
                  attr='IFLA_BR_STP_STATE', kwarg='br_stp_state', to_kernel=int, from_kernel=as_bool, created=False),
        forward_delay=Field('STP forward delay in seconds (0 to 30; 2 to 30 with O(stp=true)). Not managed when '
                            'omitted.', dict(type='int'), attr='IFLA_BR_FORWARD_DELAY', kwarg='br_forward_delay',
                            to_kernel=_ticks, from_kernel=_seconds, created=15),  # range checked in validate()
        ageing_time=Field('How long, in seconds, learnt MAC addresses stay in the forwarding database (0 to 1000000).',
                          dict(type='int'), lambda o, v: _validate.in_range(o, v, 0, 1000000),
                          attr='IFLA_BR_AGEING_TIME', kwarg='br_ageing_time', to_kernel=_ticks, from_kernel=_seconds,
                          created=300),
    )

    def validate(self, p: Dict[str, Any]) -> Dict[str, Any]:
        want = super(Bridge, self).validate(p)
        if 'forward_delay' in want:
            low = 2 if p.get('stp') else 0  # with STP on the kernel only takes 2..30 s
            _validate.in_range('forward_delay', want['forward_delay'], low, 30)
        return want
