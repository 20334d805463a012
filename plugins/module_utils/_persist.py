# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Networks that come back after a reboot, without Ansible, by the same engine (bridge_network's option persist).

A persisted network has, under ROOT (the module's persist_root, '/' on a real host):
- the engine: these module_utils as a plain Python package in usr/local/lib/linuxnet-fabric/engine-VERSION, the
  link 'current' naming the one in use. VERSION is a digest of the sources, so a run of any other collection
  version replaces it (one engine per host: the one of the last run);
- the runner usr/local/sbin/linuxnet-fabric-apply (_boot.main), which finds the engine relative to its own location
  and runs it with the Python the module ran with;
- its state file etc/linuxnet-fabric/NETWORK.json (NETWORK@NETNS.json inside a namespace that plays the host, named
  as its leases): {"linuxnet.fabric.bridge_network": PARAMETERS}, the module's own parameters with the addresses it
  assigned written in;
- the unit etc/systemd/system/linuxnet-fabric@.service (one for all networks), for an overlay a drop-in that orders
  its instance after network-online.target, and, when systemd runs, the instance enabled (not started): a link in
  multi-user.target.wants, as 'systemctl enable' makes it.
The engine, the runner and the unit go with the last state file. At boot the runner converges each network with
BridgeNetwork(boot=True) (_boot): the same ownership marks, IPAM and firewall as the module, under the host lock.
"""

import errno
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

from ansible_collections.linuxnet.fabric.plugins.module_utils import _files, _specs
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import Op, Resource

ENGINE = 'usr/local/lib/linuxnet-fabric'
RUNNER = 'usr/local/sbin/linuxnet-fabric-apply'
UNITS = 'etc/systemd/system'
UNIT = 'linuxnet-fabric@.service'
WANTS = 'multi-user.target.wants'
SYSTEMD = '/run/systemd/system'  # exists when systemd is the init (sd_booted)
PACKAGE = 'ansible_collections.linuxnet.fabric.plugins.module_utils'
MODULE = 'linuxnet.fabric.bridge_network'
NOT_KEPT = ('persist', 'persist_root', 'state')  # how a run keeps the network, not what the network is

RUNNER_TEXT = '''#!%(python)s -I
# linuxnet-fabric-apply [--root DIR] [NETWORK ...]: converges networks persisted by linuxnet.fabric (the state files
# in DIR/etc/linuxnet-fabric; all of them when none is named) with the engine installed next to it, and prints what
# it did. Written by the module linuxnet.fabric.bridge_network (persist: true); a later run replaces it.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, 'lib', 'linuxnet-fabric',
                                'current'))
from ansible_collections.linuxnet.fabric.plugins.module_utils._boot import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
'''

UNIT_TEXT = '''# Written by linuxnet.fabric (bridge_network, persist: true): brings network %%i back at boot, from
# its state file %(states)s/%%i.json. Removed with the last persisted network.
[Unit]
Description=linuxnet.fabric network %%i
After=network-pre.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=%(runner)s%(root)s %%i

[Install]
WantedBy=multi-user.target
'''

OVERLAY_TEXT = '''# Written by linuxnet.fabric: network %i spans hosts (VXLAN), so it waits for the underlay.
[Unit]
Wants=network-online.target
After=network-online.target
'''


def systemd_runs():
    return os.path.isdir(SYSTEMD)


def paths(root, name):
    units = _files.under(root, UNITS)
    instance = 'linuxnet-fabric@%s.service' % name
    return dict(engine=_files.under(root, ENGINE), runner=_files.under(root, RUNNER), states=_files.under(root, _files.STATES),
                unit=os.path.join(units, UNIT), instance=instance, overlay=os.path.join(units, instance + '.d', 'overlay.conf'),
                enabled=os.path.join(units, WANTS, instance))


# --- the engine --------------------------------------------------------------------------------------------------
def engine_sources():
    """{path: bytes} of the engine as this process runs it: every loaded module of this package (AnsiballZ ships each
    one the module imports; its loader gives the source), and empty packages above them."""
    from ansible_collections.linuxnet.fabric.plugins.module_utils import _boot  # noqa: F401  (the runner's part)
    files = {}
    top = PACKAGE.replace('.', '/')
    for name, module in list(sys.modules.items()):
        spec = getattr(module, '__spec__', None)
        if not name.startswith(PACKAGE + '.') or spec is None:
            continue
        relative = name[len(PACKAGE) + 1:].replace('.', '/')
        relative += '/__init__.py' if spec.submodule_search_locations is not None else '.py'
        files['%s/%s' % (top, relative)] = (spec.loader.get_source(name) or '').encode('utf-8')
    parts = top.split('/')
    for i in range(1, len(parts) + 1):
        files['/'.join(parts[:i] + ['__init__.py'])] = b''
    return files


def digest(files):
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(('%s\0%d\0' % (path, len(files[path]))).encode('utf-8') + files[path])
    return h.hexdigest()[:12]


def read_tree(top):
    """{path: bytes} of the files under 'top' (byte code caches left out)."""
    files = {}
    for folder, dirs, names in os.walk(top):
        dirs[:] = [d for d in dirs if d != '__pycache__']
        for name in names:
            path = os.path.join(folder, name)
            with open(path, 'rb') as f:
                files[os.path.relpath(path, top)] = f.read()
    return files


class Engine(Resource):
    """The engine under ROOT/usr/local/lib/linuxnet-fabric: 'current' -> engine-VERSION. Installed next to the one
    in use, then switched to by renaming a link (a boot never sees half an engine); other versions go."""
    kind = 'engine'

    def __init__(self, nl, folder, sources, check_mode, why=''):
        super(Engine, self).__init__(nl, {}, check_mode)
        self.folder, self.sources, self.why = folder, sources, why
        self.version = digest(sources) if sources is not None else None

    def read(self):
        if not os.path.isdir(self.folder):
            return None
        current = os.path.join(self.folder, 'current')
        used = os.readlink(current) if os.path.islink(current) else None
        version = digest(read_tree(os.path.join(self.folder, used))) if used and os.path.isdir(current) else None
        return dict(path=self.folder, version=version, entries=sorted(n for n in os.listdir(self.folder) if n != 'current'))

    def plan(self, have):
        if self.sources is None:
            return ([Op('remove the engine %s%s' % (self.folder, self.why), lambda: shutil.rmtree(self.folder))]
                    if have else []), None
        want = dict(path=self.folder, version=self.version, entries=['engine-' + self.version])
        if have == want:
            return [], have
        if have and have['version'] == self.version:
            return [Op('remove old engine versions %s from %s' % (', '.join(sorted(set(have['entries']) - set(
                want['entries']))), self.folder), self._prune)], want
        return [Op('install the engine (linuxnet.fabric module_utils, %d files, version %s) in %s' % (
            len(self.sources), self.version, self.folder), self._install)], want

    def _install(self):
        os.makedirs(self.folder, 0o755, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix='.tmp-', dir=self.folder)
        for path, data in self.sources.items():
            target = os.path.join(tmp, path)
            os.makedirs(os.path.dirname(target), 0o755, exist_ok=True)
            with open(target, 'wb') as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, 0o755)
        final = os.path.join(self.folder, 'engine-' + self.version)
        if os.path.lexists(final):
            shutil.rmtree(final)
        os.rename(tmp, final)
        link = os.path.join(self.folder, '.current')
        _files.remove(link)
        os.symlink('engine-' + self.version, link)
        os.rename(link, os.path.join(self.folder, 'current'))
        self._prune()

    def _prune(self):
        for name in os.listdir(self.folder):
            if name not in ('current', 'engine-' + self.version):
                shutil.rmtree(os.path.join(self.folder, name))


class File(Resource):
    """A file (text) or a symbolic link (link) of persistence, replaced atomically when it differs; removed when
    neither is given. 'changed' tells the resources planned after it (Reload)."""
    kind = 'file'

    def __init__(self, nl, path, check_mode, text=None, link=None, mode=0o644, write=None, remove=None):
        super(File, self).__init__(nl, {}, check_mode)
        self.path, self.text, self.link, self.mode = path, text, link, mode
        self.write, self.remove, self.changed = write, remove, False

    def read(self):
        try:
            st = os.lstat(self.path)
        except OSError as e:
            if e.errno == errno.ENOENT:
                return None
            raise
        if stat.S_ISLNK(st.st_mode):
            return dict(path=self.path, link=os.readlink(self.path))
        if not stat.S_ISREG(st.st_mode):
            return dict(path=self.path, kind='not a file')
        with open(self.path, 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
        return dict(path=self.path, text=text, mode='%04o' % stat.S_IMODE(st.st_mode), owner=st.st_uid)

    def plan(self, have):
        if self.text is None and self.link is None:
            ops = [Op(self.remove, self._remove)] if have else []
            self.changed = bool(ops)
            return ops, None
        want = dict(path=self.path, link=self.link) if self.link else dict(
            path=self.path, text=self.text, mode='%04o' % self.mode, owner=0)
        if have == want:
            return [], have
        self.changed = True
        return [Op(self.write, self._write)], want

    def _remove(self):
        _files.remove(self.path, folder_too=self.path.endswith('.d/overlay.conf'))

    def _write(self):
        if self.text is not None:
            return _files.write_text(self.path, self.text, self.mode, 0o700 if self.mode == 0o600 else 0o755)
        os.makedirs(os.path.dirname(self.path), 0o755, exist_ok=True)
        tmp = os.path.join(os.path.dirname(self.path), '.tmp-' + os.path.basename(self.path))
        _files.remove(tmp)
        os.symlink(self.link, tmp)
        os.rename(tmp, self.path)


class Reload(Resource):
    """systemctl daemon-reload after a unit file of this host's systemd changed, so that it sees them now (a boot
    reads them anyway). A failure is a warning: the files are right, and the next boot uses them."""
    kind = 'systemd'

    def __init__(self, nl, files, warnings, check_mode):
        super(Reload, self).__init__(nl, {}, check_mode)
        self.files, self.warnings = files, warnings

    def read(self):
        return None

    def plan(self, have):
        if not any(f.changed for f in self.files):
            return [], None
        return [Op("reload systemd's unit files (systemctl daemon-reload)", self._reload)], None

    def _reload(self):
        systemctl = shutil.which('systemctl', path=os.pathsep.join([os.environ.get('PATH', ''), '/usr/bin', '/bin']))
        try:
            proc = subprocess.run([systemctl or 'systemctl', 'daemon-reload'], capture_output=True, text=True, timeout=120,
                                  check=False)
            problem = proc.returncode and (proc.stderr.strip() or 'exit status %d' % proc.returncode)
        except (OSError, subprocess.TimeoutExpired) as e:
            problem = str(e)
        if problem:
            self.warnings.append('systemctl daemon-reload failed (%s): systemd sees the changed unit files at the next '
                                 'boot' % problem)


# --- what the module keeps -----------------------------------------------------------------------------------------
def state(net):
    """The state file's content: the module's parameters without those of the run itself (None values left out),
    with the addresses it assigned written in."""
    params = dict((k, v) for k, v in net.params.items() if k in _specs.BRIDGE_NETWORK and k not in NOT_KEPT)
    params['endpoints'] = [dict(item, **dict((f.key, str(ep[f.key])) for f in net.families))
                           for item, ep in zip(params.get('endpoints') or [], net.endpoints)]
    return {MODULE: _compact(params)}


def _compact(value):
    if isinstance(value, dict):
        return dict((k, _compact(v)) for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def resources(net, persisted, enable):
    """What makes network 'net' (a BridgeNetwork) come back after a reboot, or, when not 'persisted', what removes
    its files: its state file and unit instance, and with the last state file the engine, runner and unit."""
    root, nl, check = net.persist_root, net.nl, net.check_mode
    name = _files.instance(net.network, net.netns)
    p = paths(root, name)
    state_file = _files.state_path(root, net.network, net.netns)
    if persisted:
        unit = UNIT_TEXT % dict(states=p['states'], runner=p['runner'], root='' if root == '/' else ' --root ' + root)
        files = [File(nl, p['unit'], check, text=unit, write='write the systemd unit %s' % p['unit']),
                 File(nl, p['overlay'], check, text=OVERLAY_TEXT if net.overlay else None,
                      write='write %s (%s waits for network-online.target)' % (p['overlay'], p['instance']),
                      remove='remove %s (not an overlay)' % p['overlay']),
                 File(nl, p['enabled'], check, link=os.path.join(os.pardir, UNIT) if enable else None,
                      write='enable %s (link in %s)' % (p['instance'], os.path.dirname(p['enabled'])),
                      remove='disable %s (systemd does not run)' % p['instance'])]
        return [Engine(nl, p['engine'], engine_sources(), check),
                File(nl, p['runner'], check, text=RUNNER_TEXT % dict(python=sys.executable), mode=0o755,
                     write='write the runner %s' % p['runner']),
                File(nl, state_file, check, text=_files.dumps(state(net)), mode=0o600,
                     write='record network %s in %s' % (net.network, state_file))] + files + \
            reload(net, files, enable)
    files = [File(nl, p['enabled'], check, remove='disable %s (remove %s)' % (p['instance'], p['enabled'])),
             File(nl, p['overlay'], check, remove='remove %s' % p['overlay'])]
    gone = [File(nl, state_file, check, remove='remove the state file %s' % state_file)]
    others = [n for n in (os.listdir(p['states']) if os.path.isdir(p['states']) else [])
              if n.endswith('.json') and not n.startswith('.') and os.path.join(p['states'], n) != state_file]
    if not others:
        why = ' (no persisted network is left)'
        files.append(File(nl, p['unit'], check, remove='remove the systemd unit %s%s' % (p['unit'], why)))
        gone += [File(nl, p['runner'], check, remove='remove the runner %s%s' % (p['runner'], why)),
                 Engine(nl, p['engine'], None, check, why)]
    return files + gone + reload(net, files, systemd_runs())


def reload(net, files, systemd):
    """The reload of this host's systemd, when it runs and the files are this host's."""
    return [Reload(net.nl, files, net.warnings, net.check_mode)] if systemd and net.persist_root == '/' else []


def persisted(result):
    """The parameters in a state file's read state (a File result), or None."""
    text = (result or {}).get('text')
    try:
        return json.loads(text).get(MODULE) if text else None
    except (ValueError, AttributeError):
        return text
