# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The few files the engine keeps outside the kernel. Root-only JSON (0600 in 0700 directories): address leases under
ROOT/var/lib/linuxnet-fabric/ (kept so that a rebooted host or a restarted container gets its addresses back) and
the state files of persisted networks under ROOT/etc/linuxnet-fabric/; and the files of persistence (_persist). A
file is replaced atomically (write a temporary file, fsync, rename), so a run killed at any moment leaves the old
file or the new one, never half of one. A JSON file that is not owned by root or that others may write is refused:
it is input to a program that runs as root.
"""

import json
import os
import stat
import tempfile

from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput

LEASES = 'var/lib/linuxnet-fabric'
STATES = 'etc/linuxnet-fabric'


def under(root, relative, *parts):
    return os.path.join(root or '/', relative, *parts)


def instance(network, netns):
    """A network's name on this host, for its files: NETWORK, or NETWORK@NETNS for a network built inside a
    namespace that plays the host (the lab)."""
    return network if netns is None else '%s@%s' % (network, netns.strip('/').replace('/', '_'))


def lease_path(root, network, netns):
    """One leases file per network and host namespace."""
    return under(root, LEASES, instance(network, netns) + '.json')


def state_path(root, network, netns):
    """The state file of a persisted network (_persist), named as its leases file."""
    return under(root, STATES, instance(network, netns) + '.json')


def read_json(path, option='persist_root'):
    """The parsed file, or None when there is none. A file others could have written, or that is not JSON, is a
    clear error naming the file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as e:
        if e.errno == 2:  # ENOENT
            return None
        raise InvalidInput(option, path, 'cannot read it: %s' % e.strerror)
    with os.fdopen(fd, 'r') as f:
        st = os.fstat(f.fileno())
        if st.st_uid != 0 or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise InvalidInput(option, path, 'refused: it must be owned by root and writable by root only (it is '
                                             'input to a program that runs as root)')
        try:
            return json.load(f)
        except ValueError as e:
            raise InvalidInput(option, path, 'not valid JSON (%s)' % e)


def dumps(data):
    return json.dumps(data, indent=1, sort_keys=True) + '\n'


def write_json(path, data):
    """Replaces the file atomically with 'data' (mode 0600; the directory is made with 0700)."""
    write_text(path, dumps(data), 0o600, 0o700)


def write_text(path, text, mode, folder_mode=0o755):
    """Replaces the file atomically with 'text' (missing directories are made with 'folder_mode')."""
    folder = os.path.dirname(path)
    os.makedirs(folder, folder_mode, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.tmp-', dir=folder)
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.rename(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def remove(path, folder_too=False):
    """Removes the file (or link) if it is there; with folder_too also its directory, once empty."""
    try:
        os.unlink(path)
    except OSError as e:
        if e.errno != 2:
            raise
    if folder_too:
        try:
            os.rmdir(os.path.dirname(path))
        except OSError as e:
            if e.errno not in (2, 39):  # ENOENT, ENOTEMPTY
                raise
