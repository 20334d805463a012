# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named network namespaces (/run/netns/NAME), created and removed in-process."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nsfs, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Op, Resource
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.link import IFF_UP, kind_of


class Netns(Resource):
    kind = 'netns'

    def __init__(self, nl, params, check_mode):
        super(Netns, self).__init__(nl, params, check_mode)
        self.name = _validate.netns('name', params['name'])
        if self.name is None:
            raise _validate.InvalidInput('name', None, 'a namespace name is required')
        self.state = params.get('state') or 'present'
        self.loopback_up = params.get('loopback_up')

    def read(self):
        if not self.nl.exists(self.name):
            return None
        ipr = self.nl.ipr(self.name)
        links = sorted(ipr.get_links(), key=lambda m: m['index'])
        return dict(name=self.name,
                    loopback_up=any(m.get_attr('IFLA_IFNAME') == 'lo' and m['flags'] & IFF_UP for m in links),
                    interfaces=['%s (%s)' % (m.get_attr('IFLA_IFNAME'), kind_of(m)) for m in links])

    def plan(self, have):
        name = self.name
        if self.state == 'absent':
            if have is None:
                return [], None
            lived = [i for i in have['interfaces'] if not i.startswith('lo ')]
            text = "delete netns '%s'%s" % (name, ' (with %s)' % ', '.join(lived) if lived else '')
            return [Op(text, self._delete)], None
        ops = []
        after = dict(have) if have else dict(name=name, loopback_up=False, interfaces=['lo (device)'])
        if have is None:
            ops.append(Op("create netns '%s'" % name, lambda: _nsfs.create(name)))
        if self.loopback_up and not after['loopback_up']:
            ops.append(Op("bring up lo in netns '%s'" % name,
                          lambda: self.nl.ipr(name).link('set', index=1, state='up')))
            after['loopback_up'] = True
        return ops, after

    def _delete(self):
        self.nl.forget(self.name)
        _nsfs.delete(self.name)
