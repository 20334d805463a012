# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One changing run at a time per host: an exclusive flock on a file named after the network namespace that
plays the host (its inode): the module's netns option, or the namespace the module runs in when that is unset.
Two playbooks against one host take turns from read to apply, while hosts simulated as namespaces (the lab, the
test sandboxes) each have their own lock and converge side by side.

The kernel drops an flock when its holder dies, SIGKILL included: a killed run never leaves the lock held.
The file records the holder, for the message of a run that gives up waiting.
"""

import errno
import fcntl
import os
import time

from ansible_collections.linuxnet.fabric.plugins.module_utils import _nsfs

LOCK_DIR = '/run/linuxnet.fabric'
POLL = 0.05


class LockTimeout(Exception):
    pass


def path(netns=None):
    """The lock file of namespace 'netns' (a name under /run/netns or a namespace file; None, or one that does not
    exist (yet): the namespace this process runs in). Keyed by the namespace's inode, so a name and a path of one
    namespace share it."""
    try:
        st = os.stat(_nsfs.path(netns)) if netns else None
    except OSError:
        st = None
    if st is None or not _nsfs.is_netns(_nsfs.path(netns)):
        st = os.stat('/proc/self/ns/net')
    return os.path.join(LOCK_DIR, 'netns-%d-%d.lock' % (st.st_dev, st.st_ino))


def _holder(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 512).decode('utf-8', 'replace').strip() or 'a process that did not say who it is'


class HostLock(object):
    """with HostLock('linuxnet.fabric.bridge', timeout, netns): ... holds the lock of the host's namespace."""

    def __init__(self, who, timeout, netns=None):
        self.who, self.timeout, self.netns, self.fd = who, timeout, netns, None

    def __enter__(self):
        try:
            os.mkdir(LOCK_DIR, 0o700)
        except OSError as e:
            if e.errno != errno.EEXIST:
                raise
        lock_file = path(self.netns)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.time() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except (IOError, OSError) as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
            if time.time() >= deadline:
                holder = _holder(fd)
                os.close(fd)
                raise LockTimeout('lock_timeout=%s: another linuxnet.fabric run is changing this host (%s) and '
                                  'still holds %s after %s s; nothing was changed. Rerun when it is done, or '
                                  'raise lock_timeout' % (self.timeout, holder, lock_file, self.timeout))
            time.sleep(POLL)
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, ('pid %d, %s, since %s' % (os.getpid(), self.who, time.strftime('%H:%M:%S'))).encode('utf-8'))
        self.fd = fd
        return self

    def __exit__(self, *exc):
        os.ftruncate(self.fd, 0)
        os.close(self.fd)  # releases the flock
        self.fd = None
