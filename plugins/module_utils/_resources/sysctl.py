# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-namespace network sysctls (/proc/sys/net/...).

/proc/sys/net shows the namespace of the thread that opens the file, so every read and write happens inside
_nsfs.enter(netns): no fork, no 'ip netns exec'.
"""

import errno
import os

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nsfs, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import describe as describe_error, where
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Op, Resource

PROC_SYS = '/proc/sys'


def comparable(value):
    """'01' and '1' are the same to the kernel's integer parser; tabs and spaces separate values alike."""
    return ' '.join(str(int(w)) if w.lstrip('-').isdigit() else w for w in value.split())


class Sysctl(Resource):
    kind = 'sysctl'

    def __init__(self, nl, params, check_mode):
        super(Sysctl, self).__init__(nl, params, check_mode)
        self.netns = _validate.netns('netns', params.get('netns'))
        parts = _validate.sysctl_name('name', params.get('name'))
        self.path = os.path.join(PROC_SYS, *parts)
        self.name = '.'.join(p.replace('.', '/') for p in parts)  # sysctl(8) spelling
        # net.ipv4.conf.IF.*, net.ipv6.neigh.IF.*: the key comes with interface IF
        self.interface = parts[3] if len(parts) > 4 and parts[2] in ('conf', 'neigh') else None
        if params.get('value') is None:
            raise _validate.InvalidInput('value', None, 'a value is required')
        self.value = _validate.sysctl_value('value', params['value'])
        self.state = 'present'

    @property
    def label(self):
        return '%s in %s' % (self.name, where(self.netns))

    def read(self):
        if not self.netns_ready(self.netns):
            return None
        with _nsfs.enter(self.netns):
            try:
                with open(self.path) as f:
                    value = ' '.join(f.read().split())
                writable = bool(os.stat(self.path).st_mode & 0o200)
            except (IOError, OSError) as e:
                if e.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR):
                    raise
                if e.errno == errno.EISDIR or not self.check_mode:
                    raise _validate.InvalidInput('name', self.name, 'no such sysctl in %s (%s)%s' % (
                        where(self.netns), self.path, self.hint()))
                self.note('%s does not exist yet: assuming an earlier task creates it (e.g. its interface)'
                          % self.label, ('link', self.netns, self.interface) if self.interface else None)
                return None
        if not writable:
            raise _validate.InvalidInput('name', self.name, 'is read-only in %s' % where(self.netns))
        return dict(name=self.name, netns=self.netns, value=value)

    def hint(self):
        if '/conf/' in self.path or '/neigh/' in self.path:
            return '; is the interface there? Write a dot in an interface name as / (net.ipv4.conf.eth0/100.rp_filter)'
        return ''

    def plan(self, have):
        after = dict(name=self.name, netns=self.netns, value=self.value)
        if have is not None and comparable(have['value']) == comparable(self.value):
            return [], have
        # The old value is in diff.before; not in the action, which check mode must predict even where it
        # cannot read the old value (namespace or key not there yet).
        return [Op('set %s to %s in %s' % (self.name, self.value, where(self.netns)), self.write)], after

    def write(self):
        with _nsfs.enter(self.netns):
            try:
                with open(self.path, 'w') as f:
                    f.write(self.value + '\n')
            except (IOError, OSError) as e:
                if e.errno in (errno.EINVAL, errno.ERANGE):  # the kernel refused the value: nothing changed
                    raise _validate.InvalidInput('value', self.value, 'refused by the kernel for %s: %s' % (
                        self.label, describe_error(e)))
                raise
