# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runner, linuxnet-fabric-apply [--root DIR] [NETWORK ...]: converges networks persisted by bridge_network
(_persist) from their state files, as the module would, without Ansible: another front end of the engine, next to
_reconcile's module_main and batch_main. A state file is checked before the host lock is taken: it must be owned by
root and writable by root only, hold {"linuxnet.fabric.bridge_network": OPTIONS}, and its options pass the module's
argument spec (strictly) and the engine's checks. The actions go to stdout (the journal, under systemd); a failure is
one line on stderr naming the file and the option, and exit status 1.
"""

import argparse
import errno
import os
import re
import stat
import sys

from ansible_collections.linuxnet.fabric.plugins.module_utils import _files, _lock, _netlink, _specs, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._persist import MODULE, NOT_KEPT
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import _attempt, converge
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge_network import BridgeNetwork

LOCK_TIMEOUT = 300  # seconds the runner waits for another run (two units at boot take turns)
NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(@[^/\x00\s]+)?$')  # NETWORK or NETWORK@NETNS
FILE = 'state file'  # the "option" of what is wrong with a state file as a whole


def say(line, stream=None):
    """One line of output: actions to stdout (the journal), failures to stderr."""
    (stream or sys.stdout).write(line + '\n')


def load(path, name, root):
    """The module parameters a state file holds, checked as the module checks its own (InvalidInput otherwise)."""
    data = _files.read_json(path, FILE)
    if data is None:
        raise _validate.InvalidInput(FILE, path, 'no such file: network %s is not persisted' % name)
    if not isinstance(data, dict) or list(data) != [MODULE] or not isinstance(data[MODULE], dict):
        raise _validate.InvalidInput(FILE, path, 'expected {"%s": {its options}}' % MODULE)
    for key in NOT_KEPT:
        if key in data[MODULE]:
            raise _validate.InvalidInput(key, data[MODULE][key], 'not an option of a state file (the runner sets it)')
    params = _validate.against_spec(_specs.BRIDGE_NETWORK, data[MODULE])
    if _files.instance(params['network'], params['netns']) != name:
        raise _validate.InvalidInput('network', params['network'], 'this file is the state of network %s' % name)
    params.update(persist_root=root, state='present')
    return params


def check_folder(folder):
    st = os.stat(folder)
    if st.st_uid != 0 or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise _validate.InvalidInput(FILE, folder, 'refused: the folder must be owned by root and writable by root only')


def apply(path, name, root):
    """Converges one state file (checked before the host lock is taken) and prints what it did; True when converged."""
    def body(nl):
        batch = BridgeNetwork(nl, params, False, boot=True)
        results = converge(batch.resources(), False)
        return batch.skipped, [a for r in results for a in r['actions']]

    try:
        params = load(path, name, root)
        with _lock.HostLock('linuxnet-fabric-apply %s' % name, LOCK_TIMEOUT):
            outcome, failure = _attempt(_netlink.Netlink(), body)
    except _validate.InvalidInput as e:
        outcome, failure = None, dict(msg=e.reason if e.option == FILE else str(e))
    except _lock.LockTimeout as e:
        outcome, failure = None, dict(msg=str(e))
    for action in (failure or {}).get('actions') or (outcome[1] if outcome else []):
        say('%s: %s' % (name, action))
    if failure:
        say('linuxnet-fabric-apply: %s: %s' % (path, failure['msg'].split('\n')[0]), sys.stderr)
        return False
    skipped, actions = outcome
    for line in skipped:
        say('%s: %s' % (name, line))
    say('%s: %s' % (name, 'converged, %d changes' % len(actions) if actions else 'no change (already converged)'))
    return True


def main(argv):
    parser = argparse.ArgumentParser(prog='linuxnet-fabric-apply', description=(
        'Converge the networks that linuxnet.fabric persisted (state files in ROOT/%s), as the module would.'
        % _files.STATES))
    parser.add_argument('--root', default='/', help='prefix of the persisted files (default: /)')
    parser.add_argument('networks', nargs='*', metavar='NETWORK', help='a state file name without .json (default: all)')
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)
    folder = _files.under(root, _files.STATES)
    for name in args.networks:
        if not NAME.match(name):
            parser.error('%s: not the name of a persisted network (NETWORK or NETWORK@NETNS)' % name)
    try:
        names = args.networks or sorted(n[:-5] for n in os.listdir(folder) if n.endswith('.json') and n[0] != '.')
        check_folder(folder)
    except (OSError, _validate.InvalidInput) as e:
        if not args.networks and getattr(e, 'errno', None) == errno.ENOENT:
            names = []
        else:
            say('linuxnet-fabric-apply: %s: %s' % (folder, getattr(e, 'reason', None) or e.strerror), sys.stderr)
            return 1
    if not names:
        say('no persisted network in %s' % folder)
    failed = [name for name in names if not apply(os.path.join(folder, name + '.json'), name, root)]
    return 1 if failed else 0
