# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One changing run at a time per host: an exclusive flock on a file named after the network namespace the
module runs in (its inode), so two playbooks against one host take turns from read to apply, while hosts
simulated as namespaces (the lab, the test sandboxes) each have their own lock.

The kernel drops an flock when its holder dies, SIGKILL included: a killed run never leaves the lock held.
The file records the holder, for the message of a run that gives up waiting.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import fcntl
import os
import time

LOCK_DIR = '/run/linuxnet.fabric'
POLL = 0.05


class LockTimeout(Exception):
    pass


def path():
    st = os.stat('/proc/self/ns/net')
    return os.path.join(LOCK_DIR, 'netns-%d-%d.lock' % (st.st_dev, st.st_ino))


def _holder(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 512).decode('utf-8', 'replace').strip() or 'a process that did not say who it is'


class HostLock(object):
    """with HostLock('linuxnet.fabric.bridge', timeout): ... holds the lock of this host's namespace."""

    def __init__(self, who, timeout):
        self.who, self.timeout, self.fd = who, timeout, None

    def __enter__(self):
        try:
            os.mkdir(LOCK_DIR, 0o700)
        except OSError as e:
            if e.errno != errno.EEXIST:
                raise
        lock_file = path()
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
