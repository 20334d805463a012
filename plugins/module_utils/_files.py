# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The few files the engine keeps outside the kernel, all JSON, all root-only (0600 in 0700 directories):
address leases under ROOT/var/lib/linuxnet-fabric/ (kept so that a rebooted host or a restarted container gets
its addresses back). A file is replaced atomically (write a temporary file, fsync, rename), so a run killed at
any moment leaves the old file or the new one, never half of one. A file that is not owned by root or that
others may write is refused: it is input to a program that runs as root.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat
import tempfile

from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput

LEASES = 'var/lib/linuxnet-fabric'


def under(root, relative, *parts):
    return os.path.join(root or '/', relative, *parts)


def lease_path(root, network, netns):
    """One file per network and host namespace: NETWORK.json, or NETWORK@NETNS.json for a network built inside a
    named namespace that plays the host (the lab)."""
    name = network if netns is None else '%s@%s' % (network, netns.strip('/').replace('/', '_'))
    return under(root, LEASES, name + '.json')


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


def write_json(path, data):
    """Replaces the file atomically with 'data' (mode 0600; the directory is made with 0700)."""
    folder = os.path.dirname(path)
    os.makedirs(folder, 0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.tmp-', dir=folder)
    try:
        with os.fdopen(fd, 'w') as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.write('\n')
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def remove(path):
    try:
        os.unlink(path)
    except OSError as e:
        if e.errno != 2:
            raise
