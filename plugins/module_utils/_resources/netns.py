# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named network namespaces (/run/netns/NAME), created and removed in-process."""

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nsfs, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import IFF_UP, kind_of
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Op, Resource


class Netns(Resource):
    kind = 'netns'

    def __init__(self, nl, params, check_mode):
        super(Netns, self).__init__(nl, params, check_mode)
        self.name = _validate.netns_name('name', params['name'])
        if self.name is None:
            raise _validate.InvalidInput('name', None, 'a namespace name is required')
        self.state = params.get('state') or 'present'
        self.loopback_up = params.get('loopback_up')
        self.mark = params.get('mark')  # ownership mark, kept as the alias of lo (dies with the namespace)
        self.takes_over = params.get('takes_over') or ()  # marks of namespaces it may re-mark as its own

    def creates(self):
        return [('netns', self.name)]

    def read(self):
        if not self.nl.exists(self.name):
            return None
        ipr = self.nl.ipr(self.name)
        links = sorted(ipr.get_links(), key=lambda m: m['index'])
        lo = [m for m in links if m.get_attr('IFLA_IFNAME') == 'lo']
        state = dict(name=self.name, loopback_up=bool(lo and lo[0]['flags'] & IFF_UP),
                     interfaces=['%s (%s)' % (m.get_attr('IFLA_IFNAME'), kind_of(m)) for m in links])
        if lo and lo[0].get_attr('IFLA_IFALIAS'):
            state['mark'] = lo[0].get_attr('IFLA_IFALIAS')
        return state

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
            # One step, so that a run killed in between cannot leave a namespace it made without its mark; lo's
            # mark and IFF_UP go in one request.
            up = bool(self.loopback_up)
            ops.append(Op("create netns '%s'%s%s" % (name, ' marked %s' % self.mark if self.mark else '',
                                                     ', lo up' if up else ''), lambda: self._create(up)))
            after.update(loopback_up=up, **dict(mark=self.mark) if self.mark else {})
        if have is not None and self.mark and have.get('mark') in self.takes_over:
            old, new = have['mark'], self.mark
            ops.append(Op("mark netns '%s' as %s (was %s)" % (name, new, old),
                          lambda: self.nl.ipr(name).link('set', index=1, ifalias=new)))
            after['mark'] = new
        up = self.loopback_up
        if up is not None and after['loopback_up'] != up:
            ops.append(Op("bring %s lo in netns '%s'" % ('up' if up else 'down', name),
                          lambda: self.nl.ipr(name).link('set', index=1, state='up' if up else 'down')))
            after['loopback_up'] = up
        return ops, after

    def _create(self, up):
        _nsfs.create(self.name)
        lo = dict(dict(ifalias=self.mark) if self.mark else {}, **dict(state='up') if up else {})
        if lo:
            self.nl.ipr(self.name).link('set', index=1, **lo)

    def _delete(self):
        # The kernel frees a namespace asynchronously; deleting its veths first makes their other ends (often in
        # the host namespace) disappear before this returns, so a next read never sees them.
        ipr = self.nl.ipr(self.name)
        for msg in ipr.get_links():
            if kind_of(msg) == 'veth':
                ipr.link('del', index=msg['index'])
        self.nl.forget(self.name)
        _nsfs.delete(self.name)
