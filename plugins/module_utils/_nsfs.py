# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named network namespaces as files under /run/netns, handled in-process (no fork, no 'ip' command).

A namespace is named by a string: a name (a file under /run/netns) or an absolute path of any namespace file
(/proc/PID/ns/net, /run/docker/netns/ID); None is the namespace the thread is in. enter() switches this thread
into a namespace and back; create() and delete() do what 'ip netns add/del' do (names only).
Nothing here ever creates a namespace by opening it: files are opened read-only, without O_CREAT.
"""

import contextlib
import ctypes
import errno
import os
import threading

NETNS_DIR = '/run/netns'
CLONE_NEWNET = 0x40000000
NS_GET_NSTYPE = 0xb703  # ioctl: the CLONE_NEW* type of a namespace file
MS_BIND, MS_REC, MS_SHARED = 0x1000, 0x4000, 1 << 20
MNT_DETACH = 2

_libc = ctypes.CDLL(None, use_errno=True)


def _check(ret):
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def _mount(source, target, flags):
    _check(_libc.mount(source.encode(), target.encode(), None, ctypes.c_ulong(flags), None))


def path(name):
    """The file of a namespace: a name under /run/netns, or already a path (e.g. /proc/PID/ns/net)."""
    return name if name.startswith('/') else os.path.join(NETNS_DIR, name)


def is_netns(file_path):
    """True when the file is a network namespace (nsfs, type CLONE_NEWNET): not a stale file under /run/netns,
    not /etc/passwd, not another kind of namespace."""
    try:
        fd = os.open(file_path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return _libc.ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNET
    finally:
        os.close(fd)


def exists(name):
    return name is None or is_netns(path(name))


def names():
    try:
        return sorted(n for n in os.listdir(NETNS_DIR) if os.path.isfile(path(n)))
    except OSError as e:
        if e.errno == errno.ENOENT:
            return []
        raise


def own_ns():
    """The file of the namespace this thread is in now."""
    return '/proc/self/task/%d/ns/net' % threading.current_thread().native_id


@contextlib.contextmanager
def enter(name):
    """Runs the body inside namespace 'name' (None: stay where we are), then returns to the home namespace."""
    if name is None:
        yield
        return
    home = os.open(own_ns(), os.O_RDONLY)
    target = os.open(path(name), os.O_RDONLY)
    try:
        _check(_libc.setns(target, CLONE_NEWNET))
        yield
    finally:
        _check(_libc.setns(home, CLONE_NEWNET))
        os.close(home)
        os.close(target)


def _make_netns_dir_shared():
    # As 'ip netns add' does, so that namespaces made here are seen from other mount namespaces.
    if not os.path.isdir(NETNS_DIR):
        os.makedirs(NETNS_DIR, 0o755)
    try:
        _mount('none', NETNS_DIR, MS_SHARED | MS_REC)
    except OSError as e:
        if e.errno != errno.EINVAL:  # EINVAL: not a mount point yet
            raise
        _mount(NETNS_DIR, NETNS_DIR, MS_BIND | MS_REC)
        _mount('none', NETNS_DIR, MS_SHARED | MS_REC)


def create(name):
    """Creates a new, empty namespace pinned at /run/netns/<name>."""
    _make_netns_dir_shared()
    target = path(name)
    os.close(os.open(target, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0))
    home = os.open(own_ns(), os.O_RDONLY)
    try:
        _check(_libc.unshare(CLONE_NEWNET))
        _mount(own_ns(), target, MS_BIND)
    except OSError:
        os.unlink(target)
        raise
    finally:
        _check(_libc.setns(home, CLONE_NEWNET))
        os.close(home)


def delete(name):
    """Unpins the namespace; the kernel frees it once no process or socket holds it."""
    target = path(name)
    try:
        _check(_libc.umount2(target.encode(), MNT_DETACH))
    except OSError as e:
        if e.errno != errno.EINVAL:  # EINVAL: not mounted (a stale file)
            raise
    os.unlink(target)


def process_namespaces():
    """/proc/PID/ns/net of one process per network namespace in use by processes (a container's, for example)."""
    seen = set()
    for entry in sorted(os.listdir('/proc'), key=lambda e: (len(e), e)):
        if not entry.isdigit():
            continue
        try:
            st = os.stat('/proc/%s/ns/net' % entry)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            yield '/proc/%s/ns/net' % entry


def processes(name):
    """The processes that use namespace 'name' as theirs: [(pid, command)], the way /proc shows them (a process
    whose /proc/PID/ns/net is the same file). This process itself is left out."""
    try:
        ns = os.stat(path(name))
    except OSError:
        return []
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            st = os.stat('/proc/%s/ns/net' % entry)
            if (st.st_dev, st.st_ino) != (ns.st_dev, ns.st_ino):
                continue
            with open('/proc/%s/comm' % entry) as f:
                found.append((int(entry), f.read().strip()))
        except (IOError, OSError):  # gone meanwhile, or not ours to look at
            continue
    return sorted(found)
