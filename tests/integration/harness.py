"""Integration test helpers for linuxnet.fabric. Everything here must run inside tests/sandbox.

    run(tasks, check=False, diff=True, extra_vars=None) -> RunResult (list of per-task result dicts)
    snapshot() -> dict                      kernel networking state of the whole sandbox
    snapshot_diff(a, b) -> str              readable unified diff of two snapshots
    ip_json(netns, *args) -> list | None    parsed `ip -j [-n NS] ARGS`, None if ip fails
    ping(netns, addr, count=1) -> bool
    probe(checks, matrix=(), check=False, **options) -> dict   one linuxnet.fabric.probe task, its result
    sh(*commands)                           run shell commands (iproute2 set-ups) with bash -eu, fail on error
    netns_exec(netns, *cmd)                 a command in a namespace (ip netns exec), output captured
    server(netns, *cmd), echo_server(netns), http_server(netns, address, port)   processes for a block's duration
    ask(netns, address), http_get(netns, url), python(netns, code, *args), listening(netns, port), wait_for(check)
    cleanup()                               delete all named netns and all links but lo
    http_body(url, netns=None, pid=None)    the body served at URL, fetched from a netns or a process's netns
    Podman()                                a private podman in the sandbox: containers running an HTTP server
"""
from __future__ import annotations

import contextlib
import difflib
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
NETNS_DIR = '/run/netns'
BIN = Path(sys.executable).parent  # the venv's bin: ansible-playbook, ansible-galaxy

# Set by build_collection(); run() builds lazily if a test did not go through the fixture.
_state = {'workdir': None, 'collections': None}

# ---------------------------------------------------------------- sandbox guard

INIT_NET_INO = 0xEFFFFFF9  # fixed inode of the initial netns on current kernels (PROC_NET_INIT_INO)


def _netns_ino(pid):
    try:
        return os.stat('/proc/%s/ns/net' % pid).st_ino
    except OSError:  # e.g. EACCES: PID 1 may belong to a more privileged supervisor
        return None


def in_sandbox():
    """True when this process is not in the machine's network namespace.

    Compares with PID 1's netns; where that cannot be read, with the netns tests/sandbox was started
    from ($FABRIC_OUTER_PID) and the initial netns inode. Unknown -> False (refuse).
    """
    mine = _netns_ino('self')
    init = _netns_ino(1)
    if init is not None:
        return mine != init
    outer = _netns_ino(os.environ['FABRIC_OUTER_PID']) if os.environ.get('FABRIC_OUTER_PID') else None
    return outer is not None and mine not in (outer, INIT_NET_INO)


GUARD_MSG = ('linuxnet.fabric integration tests touch the kernel and must run inside the sandbox:\n'
             '    tests/sandbox .venv/bin/pytest tests/integration   (or: make integration)\n'
             'Refusing to run in the machine\'s root network namespace.')


def require_sandbox():
    if not in_sandbox():
        raise RuntimeError(GUARD_MSG)


# ---------------------------------------------------------------- collection build

def _tree_files(repo):
    """Files a fresh clone would have: tracked + untracked-but-not-ignored (honours .gitignore)."""
    try:
        out = subprocess.run(['git', '-C', str(repo), 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                             check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        skip = {'.git', '.venv', 'output', '.cache', '.ansible', '__pycache__'}
        return [p.relative_to(repo) for p in repo.rglob('*')
                if p.is_file() and not skip & set(p.relative_to(repo).parts)]
    return [Path(p) for p in out.decode().split('\0') if p and (repo / p).is_file()]


def _check(cmd, env):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode:
        raise RuntimeError('%s failed (rc=%s):\n%s%s' % (' '.join(cmd), proc.returncode, proc.stdout, proc.stderr))


def build_collection(workdir=None):
    """Build the collection from a staged copy of the tree and install the artifact.

    Returns the directory to use as ANSIBLE_COLLECTIONS_PATH.
    """
    workdir = Path(workdir or tempfile.mkdtemp(prefix='fabric-test-'))
    stage = workdir / 'src'
    for rel in _tree_files(REPO):
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, stage / rel, follow_symlinks=False)
    dist = workdir / 'dist'
    collections = workdir / 'collections'
    galaxy = str(BIN / 'ansible-galaxy')
    env = dict(os.environ, ANSIBLE_NOCOLOR='1')
    _check([galaxy, 'collection', 'build', '--force', '--output-path', str(dist), str(stage)], env)
    tarball = next(dist.glob('*.tar.gz'))
    _check([galaxy, 'collection', 'install', '--offline', '--no-deps', '--force',
            '-p', str(collections), str(tarball)], env)
    _state.update(workdir=workdir, collections=collections)
    return collections


# ---------------------------------------------------------------- run()

CRASH_PREFIX = 'Task failed: Module failed: '


class RunResult(list):
    """Per-task result dicts (module result + '_task' name + '_status' ok/failed/skipped/unreachable).

    Also carries .rc, .stdout, .stderr of the ansible-playbook run.
    """
    rc = 0
    stdout = ''
    stderr = ''

    def tracebacks(self):
        """Where a Python traceback or an unhandled module exception shows up ('stdout', 'task N (name)').

        ansible-core 2.19 hides module tracebacks by default: an unhandled exception then shows as a
        failed result whose msg the controller made ('Task failed: Module failed: ...', no 'invocation').
        Re-run with ANSIBLE_DISPLAY_TRACEBACK=error to see the traceback itself.
        """
        where = [n for n in ('stdout', 'stderr') if 'Traceback' in getattr(self, n)]
        for i, r in enumerate(self):
            crash = r['failed'] and 'invocation' not in r and str(r.get('msg', '')).startswith(CRASH_PREFIX)
            if crash or 'Traceback' in json.dumps(r, default=str):
                where.append('task %d (%s)' % (i, r.get('_task')))
        return where

    def assert_no_traceback(self):
        assert not self.tracebacks(), 'Traceback in %s\n%s' % (self.tracebacks(), self.output())

    def output(self):
        return 'rc=%s\n--- stdout\n%s\n--- stderr\n%s' % (self.rc, self.stdout, self.stderr)


def module_python():
    """Module interpreter: $FABRIC_TEST_PYTHON, else the repo venv's python."""
    venv = REPO / '.venv' / 'bin' / 'python'
    py = os.environ.get('FABRIC_TEST_PYTHON') or str(venv if venv.exists() else sys.executable)
    return os.path.abspath(py) if os.sep in py else (shutil.which(py) or py)  # modules run elsewhere


def ansible_env(workdir):
    workdir = Path(workdir)
    cfg = workdir / 'ansible.cfg'
    if not cfg.exists():
        cfg.write_text('[defaults]\n')  # isolate from any ansible.cfg in cwd or $HOME
    return dict(
        os.environ,
        ANSIBLE_CONFIG=str(cfg),
        ANSIBLE_COLLECTIONS_PATH=str(_state['collections']),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
        ANSIBLE_CALLBACK_PLUGINS=str(HERE / 'callback_plugins'),
        ANSIBLE_CALLBACKS_ENABLED='record',
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        ANSIBLE_RETRY_FILES_ENABLED='0',
        ANSIBLE_PIPELINING='1',
        ANSIBLE_LOCALHOST_WARNING='0',
        ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
        ANSIBLE_SYSTEM_WARNINGS='0',
        ANSIBLE_LOCAL_TEMP=str(workdir / 'tmp'),
        ANSIBLE_REMOTE_TEMP=str(workdir / 'tmp'),
        ANSIBLE_HOME=str(workdir / 'home'),
        PYTHONDONTWRITEBYTECODE='1',
    )


def run(tasks, check=False, diff=True, extra_vars=None, check_traceback=True, timeout=600, ignore_errors=False):
    """Run TASKS (list of task dicts) in one play on localhost; return a RunResult.

    A failing task is recorded and, as in any play, stops the play: the tasks after it do not run (their results
    are missing). With ignore_errors=True every task gets ignore_errors: true, so the rest still run.
    Raises AssertionError if ansible-playbook itself fails (other than through a failed task), or (check_traceback)
    on any 'Traceback'.
    """
    require_sandbox()
    if _state['collections'] is None:
        build_collection()
    workdir = Path(tempfile.mkdtemp(prefix='run-', dir=_state['workdir']))
    play = [{
        'name': 'fabric test',
        'hosts': 'localhost',
        'connection': 'local',
        'gather_facts': False,
        'vars': {'ansible_python_interpreter': module_python()},
        'tasks': [dict(t, ignore_errors=True) for t in tasks] if ignore_errors else list(tasks),
    }]
    (workdir / 'play.yml').write_text(json.dumps(play, indent=1))  # JSON is YAML
    record = workdir / 'record.json'
    cmd = [str(BIN / 'ansible-playbook'), '-i', 'localhost,', str(workdir / 'play.yml')]
    cmd += ['--check'] if check else []
    cmd += ['--diff'] if diff else []
    if extra_vars:
        (workdir / 'extra.json').write_text(json.dumps(extra_vars))
        cmd += ['-e', '@%s' % (workdir / 'extra.json')]
    env = ansible_env(_state['workdir'])
    env['FABRIC_RECORD_FILE'] = str(record)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    res = RunResult(json.loads(record.read_text()) if record.exists() else [])
    res.rc, res.stdout, res.stderr = proc.returncode, proc.stdout, proc.stderr
    failed_task = proc.returncode == 2 and any(r['failed'] for r in res)  # the play stopped at a failed task
    assert (proc.returncode == 0 or failed_task) and record.exists(), 'ansible-playbook failed\n' + res.output()
    if check_traceback:
        res.assert_no_traceback()
    return res


# ---------------------------------------------------------------- kernel state

def _cmd(netns, tool, *args):
    return [tool] + (['-n', netns] if netns else []) + list(args)


def ip_json(netns, *args):
    """Parsed `ip -j [-n NETNS] ARGS...` (netns None = sandbox root); None if ip fails."""
    proc = subprocess.run(_cmd(netns, 'ip', '-j', *args), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout) if proc.stdout.strip() else []


def _json(netns, tool, *args):
    out = subprocess.run(_cmd(netns, tool, '-j', *args), capture_output=True, text=True, check=True).stdout
    return json.loads(out) if out.strip() else []


def sh(*commands):
    """Runs the commands (each a line of shell) with bash -eu; a failing one fails the test."""
    require_sandbox()
    subprocess.run(['bash', '-euc', '\n'.join(commands)], check=True)


def bridge_json(netns, *args):
    """Parsed `bridge -j [-n NETNS] ARGS...` (netns None = sandbox root)."""
    return _json(netns, 'bridge', *args)


def ping(netns, addr, count=1):
    """True if ADDR answers COUNT pings from NETNS (None = sandbox root), 1 s timeout each."""
    require_sandbox()
    pre = ['ip', 'netns', 'exec', netns] if netns else []
    proc = subprocess.run(pre + ['ping', '-q', '-n', '-c', str(count), '-W', '1', str(addr)],
                          capture_output=True, check=False)
    return proc.returncode == 0


# ---------------------------------------------------------------- traffic (test side: 'ip netns exec' is fine here)

PY = '/usr/bin/python3'  # servers and clients in namespaces use the standard library only
# Answers each TCP connection with the source address it came from, as its namespace sees it.
ECHO_SOURCE = '''
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(8)
while True:
    c, a = s.accept()
    c.sendall(a[0].encode())
    c.close()
'''
ASK = 'import socket, sys; print(socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2).recv(64).decode())'
HTTP_GET = ('import sys, urllib.request as u; '
            'print(u.build_opener(u.ProxyHandler({})).open(sys.argv[1], timeout=2).status)')


def netns_exec(netns, *cmd, **kwargs):
    """CMD run in NETNS: the CompletedProcess, output captured as text; a failure does not raise."""
    return subprocess.run(['ip', 'netns', 'exec', netns] + list(cmd), capture_output=True, text=True, check=False,
                          **kwargs)


def python(netns, code, *args, timeout=10):
    """Runs a Python snippet in a namespace; its stdout, or None when it failed."""
    proc = netns_exec(netns, PY, '-c', code, *[str(a) for a in args], timeout=timeout)
    return proc.stdout.strip() if proc.returncode == 0 else None


@contextlib.contextmanager
def server(netns, *cmd):
    """A process in NETNS for the duration of the block, killed (and reaped) at its end; its stdout is a pipe."""
    require_sandbox()
    proc = subprocess.Popen(['ip', 'netns', 'exec', netns] + list(cmd), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def wait_for(check, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.1)
    return False


def listening(netns, port, timeout=5.0):
    """True once something listens on TCP or UDP PORT in NETNS (waits up to TIMEOUT seconds)."""
    return wait_for(lambda: bool(netns_exec(netns, 'ss', '-Hltun', 'sport = :%d' % port).stdout.strip()), timeout)


def echo_server(netns, port=9000):
    """A server in NETNS that answers each TCP connection with the source address it saw (see ask)."""
    return server(netns, PY, '-c', ECHO_SOURCE, str(port))


def ask(netns, address, port=9000):
    """The source address an echo_server at ADDRESS saw for a connection from NETNS; None when none answered."""
    return python(netns, ASK, address, port)


def http_server(netns, address, port):
    """Python's http.server in NETNS on ADDRESS:PORT."""
    return server(netns, PY, '-m', 'http.server', str(port), '--bind', address)


def http_get(netns, url):
    """The HTTP status of a GET from NETNS ('200'), None when it failed."""
    return python(netns, HTTP_GET, url)


def probe(checks=(), matrix=(), check=False, **options):
    """Runs one linuxnet.fabric.probe task and returns its result (with 'failed', 'msg', 'results', 'matrix').

    A check is a dict of the module's options, or a tuple (from, to) or (from, to, expect) of an ICMP probe; from
    is a namespace name (None: the sandbox root). Keep `ping` for a few judges: probe never judges itself alone.
        r = probe([('a1', '10.88.1.3'), ('a1', '10.88.2.2', 'blocked')]); assert not r['failed'], r['msg']
    """
    def as_dict(c):
        if isinstance(c, dict):
            return c
        return {'from': c[0] or '', 'to': str(c[1]), 'expect': c[2] if len(c) > 2 else 'reach'}
    args = dict(options, checks=[as_dict(c) for c in checks], matrix=list(matrix))
    return run([{'name': 'probe', 'linuxnet.fabric.probe': args}], check=check)[0]


def list_netns():
    return sorted(os.listdir(NETNS_DIR)) if os.path.isdir(NETNS_DIR) else []


# Carrier/DAD-driven fields that change on their own after a link goes up.
_LINK_DROP = {'operstate', 'linkmode'}
_CARRIER_FLAGS = {'LOWER_UP', 'NO-CARRIER', 'DORMANT', 'M-DOWN'}
_ADDR_DROP = {'valid_life_time', 'preferred_life_time', 'tentative', 'optimistic', 'dadfailed'}
_ROUTE_DROP = {'expires', 'cache'}
# IPv6 kernel routes in table local (local/anycast/multicast) follow addresses and appear only after DAD.


def _strip_timers(obj):
    """Recursively drop '*_timer' keys (bridge and bridge-port timers)."""
    if isinstance(obj, dict):
        return {k: _strip_timers(v) for k, v in obj.items() if not k.endswith('_timer')}
    if isinstance(obj, list):
        return [_strip_timers(v) for v in obj]
    return obj


def _is_multicast(addr):
    try:
        return ipaddress.ip_address(addr.split('%')[0]).is_multicast
    except ValueError:
        return False


def _mac_multicast(mac):
    return int(mac.split(':')[0], 16) & 1 == 1


def norm_links(links):
    out = []
    for link in _strip_timers(links):
        link = {k: v for k, v in link.items() if k not in _LINK_DROP}
        link['flags'] = [f for f in link.get('flags', []) if f not in _CARRIER_FLAGS]
        out.append(link)
    return sorted(out, key=lambda x: x['ifname'])


def norm_addrs(links):
    out = []
    for link in links:
        addrs = [{k: v for k, v in a.items() if k not in _ADDR_DROP} for a in link.get('addr_info', [])]
        out.append({'ifname': link['ifname'], 'addr_info': sorted(addrs, key=lambda a: json.dumps(a, sort_keys=True))})
    return sorted(out, key=lambda x: x['ifname'])


def norm_routes(routes):
    routes = [{k: v for k, v in r.items() if k not in _ROUTE_DROP} for r in routes
              if not (r.get('table') == 'local' and r.get('protocol') == 'kernel' and ':' in r.get('dst', ''))]
    return sorted(routes, key=lambda r: json.dumps(r, sort_keys=True))


def norm_fdb(entries):
    """Keep static entries; drop learned (dynamic) ones and the device multicast list ('self' + multicast MAC)."""
    keep = []
    for e in entries:
        if e.get('state') not in ('permanent', 'static', 'noarp'):
            continue
        if 'self' in e.get('flags', []) and _mac_multicast(e['mac']) and 'dst' not in e:
            continue
        keep.append({k: v for k, v in e.items() if k not in ('updated', 'used')})
    return sorted(keep, key=lambda e: json.dumps(e, sort_keys=True))


def norm_neigh(entries):
    """Keep PERMANENT and NOARP entries, except kernel-made ones: multicast NOARP, and any on lo (the kernel adds
    those when a local address is first routed to)."""
    keep = []
    for n in entries:
        if n.get('dev') == 'lo':
            continue
        state = set(n.get('state', []))
        if 'PERMANENT' in state or ('NOARP' in state and not _is_multicast(n.get('dst', ''))):
            keep.append({k: v for k, v in n.items() if k not in ('used', 'probes')})
    return sorted(keep, key=lambda n: json.dumps(n, sort_keys=True))


def netns_state(netns=None):
    return {
        'link': norm_links(_json(netns, 'ip', '-d', 'link', 'show')),
        'addr': norm_addrs(_json(netns, 'ip', 'addr', 'show')),
        'route4': norm_routes(_json(netns, 'ip', '-4', 'route', 'show', 'table', 'all')),
        'route6': norm_routes(_json(netns, 'ip', '-6', 'route', 'show', 'table', 'all')),
        'fdb': norm_fdb(_json(netns, 'bridge', 'fdb', 'show')),
        'neigh': norm_neigh(_json(netns, 'ip', 'neigh', 'show', 'nud', 'all')),
    }


def snapshot():
    """Normalised kernel networking state: {'netns': [names], 'state': {'' (sandbox root) | name: {...}}}."""
    require_sandbox()
    names = list_netns()
    return {'netns': names, 'state': {ns: netns_state(ns or None) for ns in [''] + names}}


def nft_rules(netns):
    """The rules of the collection's table as nft prints them, without handles (sorted; [] without the table)."""
    proc = subprocess.run((['ip', 'netns', 'exec', netns] if netns else []) + ['nft', 'list', 'table', 'inet',
                                                                               'linuxnet_fabric'],
                          capture_output=True, text=True, check=False)
    return sorted(line.strip() for line in proc.stdout.splitlines() if 'comment "fabric:' in line)


def shape(namespaces=None):
    """The kernel state that matters, without what differs from run to run (ifindexes, random MACs): per namespace
    links, addresses, permanent neighbours, routes (main table, both families), FDB entries with a remote, and the
    collection's nft rules. For comparing two runs that should end in the same place."""
    state = {}
    for ns in [None] + list_netns() if namespaces is None else namespaces:
        links = ip_json(ns, '-d', 'link', 'show')
        state[ns] = dict(
            links=sorted((l['ifname'], l.get('linkinfo', {}).get('info_kind'), l.get('master'), l.get('ifalias'),
                          'UP' in l['flags'], l['mtu']) for l in links),
            addrs=sorted((a['ifname'], i['local'], i['prefixlen']) for a in ip_json(ns, 'addr', 'show')
                         for i in a['addr_info'] if i.get('scope') != 'link'),
            neigh=sorted((n['dst'], n['dev'], n.get('lladdr')) for n in ip_json(ns, 'neigh', 'show', 'nud', 'permanent')),
            routes=sorted(str(sorted((k, str(v)) for k, v in r.items() if k not in ('expires', 'cache')))
                          for family in ('-4', '-6') for r in ip_json(ns, family, 'route', 'show', 'table', 'main')
                          if not r.get('dst', '').startswith('fe80:')),
            fdb=sorted((e['mac'], e['ifname'], e['dst']) for e in bridge_json(ns, 'fdb', 'show')
                       if e.get('dst') and e.get('state') == 'permanent' or e.get('mac') == '00:00:00:00:00:00'),
            nft=nft_rules(ns),
        )
    return state


def shape_diff(a, b):
    return snapshot_diff({str(k): v for k, v in a.items()}, {str(k): v for k, v in b.items()})


def snapshot_diff(a, b):
    """Unified diff of two snapshots ('' when equal); use in assert messages."""
    dump = [json.dumps(s, indent=1, sort_keys=True).splitlines() for s in (a, b)]
    return '\n'.join(difflib.unified_diff(dump[0], dump[1], 'before', 'after', lineterm=''))


# ---------------------------------------------------------------- cleanup

LEASES = '/var/lib/linuxnet-fabric'  # a private tmpfs in the sandbox


def cleanup():
    """Delete every named netns, every link except lo in the sandbox root, the address leases, the nft ruleset,
    and turn forwarding off."""
    require_sandbox()
    if os.path.ismount(LEASES):
        for name in os.listdir(LEASES):
            os.unlink(os.path.join(LEASES, name))
    if list_netns():
        subprocess.run(['ip', '-all', 'netns', 'delete'], capture_output=True, check=False)
    links = [link['ifname'] for link in ip_json(None, 'link', 'show') or [] if link['ifname'] != 'lo']
    if links:
        batch = ''.join('link del dev %s\n' % name for name in links)
        subprocess.run(['ip', '-force', '-batch', '-'], input=batch, text=True, capture_output=True, check=False)
    # The firewall's rules and the forwarding sysctls of the sandbox's own namespace, as a fresh sandbox has them
    # (test_faults counts a clean run's operations: a table or a sysctl left over would hide some).
    subprocess.run(['nft', 'flush', 'ruleset'], capture_output=True, check=False)
    for key in ('ipv4/ip_forward', 'ipv6/conf/all/forwarding'):
        with open('/proc/sys/net/' + key, 'w') as f:
            f.write('0\n')
    for fam in ('-4', '-6'):  # routes not tied to a link (blackhole, unreachable, ...) added by tests
        for proto in ('boot', 'static'):
            subprocess.run(['ip', fam, 'route', 'flush', 'table', 'all', 'proto', proto], capture_output=True, check=False)
    left = [link['ifname'] for link in ip_json(None, 'link', 'show') or [] if link['ifname'] != 'lo']
    assert not left and not list_netns(), 'cleanup left links %s netns %s' % (left, list_netns())


# ---------------------------------------------------------------- traffic and containers

def http_body(url, netns=None, pid=None, timeout=10):
    """The body served at URL (None if nothing answers), fetched from netns NETNS or from the netns of process
    PID (neither: the sandbox root)."""
    require_sandbox()
    pre = ['ip', 'netns', 'exec', netns] if netns else ['nsenter', '-t', str(pid), '-n'] if pid else []
    code = 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=%d).read()' \
           '.decode())' % timeout
    proc = subprocess.run(pre + ['python3', '-c', code, url], capture_output=True, text=True, check=False)
    return proc.stdout if proc.returncode == 0 else None


CGROUP_V1 = ('cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids')


class Podman:
    """A podman of its own inside tests/sandbox (GUIDE.md section 9), leaving nothing on the machine: storage,
    run state, locks, runc's state and its configuration live in a temp dir, containers' cgroups under a parent
    of their own (removed by close()), no events, no images (a container's root is a small directory with the
    host's /usr bind-mounted read-only), no network (--network none).

    self.bin holds 'podman' and 'docker' commands for this podman: put it first on PATH (the podman fixture
    does) and the role's runtime CLI finds the test's containers. http(name) starts a container serving
    'hello from NAME' on port 80 and returns its PID; close() removes every container."""

    def __init__(self):
        require_sandbox()
        self.dir = Path(tempfile.mkdtemp(prefix='fabric-podman-'))
        self.bin = self.dir / 'bin'
        self.cgroup_parent = '/' + self.dir.name
        self.bin.mkdir()
        self._cgroups()
        runc = self.bin / 'runc'
        runc.write_text('#!/bin/sh\nexec %s --root %s "$@"\n' % (shutil.which('runc'), self.dir / 'runc'))
        (self.dir / 'containers.conf').write_text(
            '[containers]\nnetns = "none"\ndefault_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]\n'
            '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\nlock_type = "file"\nruntime = "runc"\n'
            'tmp_dir = "{d}/tmp"\nvolume_path = "{d}/volumes"\n[engine.runtimes]\nrunc = ["{runc}"]\n'
            '[network]\nnetwork_config_dir = "{d}/net"\n'.format(d=self.dir, runc=runc))
        cli = '#!/bin/sh\nCONTAINERS_CONF=%s exec %s --root %s --runroot %s --storage-driver vfs "$@"\n' % (
            self.dir / 'containers.conf', shutil.which('podman'), self.dir / 'root', self.dir / 'runroot')
        for name in ('podman', 'docker'):
            (self.bin / name).write_text(cli)
        for path in self.bin.iterdir():
            path.chmod(0o755)

    @staticmethod
    def _cgroups():
        """cgroup v1 hierarchies over a tmpfs on /sys/fs/cgroup: the sandbox's fresh sysfs has none."""
        if os.path.ismount('/sys/fs/cgroup/memory'):
            return
        sh('mount -t tmpfs -o mode=0755 fabric-cgroup /sys/fs/cgroup',
           *['mkdir /sys/fs/cgroup/{0} && mount -t cgroup -o {0} cgroup /sys/fs/cgroup/{0}'.format(c)
             for c in CGROUP_V1],
           'mkdir /sys/fs/cgroup/systemd && mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd')

    def __call__(self, *args):
        """Runs this podman; returns its output (a failure fails the test)."""
        proc = subprocess.run([str(self.bin / 'podman')] + list(args), capture_output=True, text=True, check=False)
        assert proc.returncode == 0, 'podman %s: %s' % (' '.join(args), proc.stderr)
        return proc.stdout.strip()

    def pid(self, name):
        return int(self('inspect', '--format', '{{.State.Pid}}', name))

    def create(self, name):
        """Creates container NAME (network none, not started) that serves 'hello from NAME' on port 80 once
        started."""
        root = self.dir / ('rootfs-' + name)
        for sub in ('usr', 'etc', 'tmp', 'proc', 'sys', 'dev', 'run', 'var', 'srv'):
            (root / sub).mkdir(parents=True)
        for sub in ('bin', 'lib', 'lib64', 'sbin'):
            (root / sub).symlink_to('usr/' + sub)
        (root / 'srv' / 'index.html').write_text('hello from %s\n' % name)
        self('create', '--name', name, '--network', 'none', '--cgroup-parent', self.cgroup_parent,
             '--volume', '/usr:/usr:ro', '--workdir', '/srv', '--rootfs', str(root),
             'python3', '-m', 'http.server', '80')

    def http(self, name):
        """Starts container NAME (see create) and returns its PID once it serves."""
        self.create(name)
        return self.start(name)

    def serving(self, name):
        """The PID of container NAME once its server answers (inside its own namespace)."""
        pid = self.pid(name)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if http_body('http://127.0.0.1/', pid=pid, timeout=1) == 'hello from %s\n' % name:
                return pid
            time.sleep(0.1)
        raise AssertionError('container %s does not serve' % name)

    def stop(self, name):
        self('stop', '--time', '0', name)

    def start(self, name):
        self('start', name)
        return self.serving(name)

    def close(self):
        """Removes every container, their cgroups and the temp dir (once)."""
        if not self.dir.exists():
            return
        try:
            ids = self('ps', '--all', '--quiet').split()
            if ids:
                self('rm', '--force', '--time', '0', *ids)
        finally:
            try:
                self._remove_cgroups()
            finally:
                shutil.rmtree(self.dir)

    def _remove_cgroups(self):
        """The cgroups under the parent, leaves first; conmon leaves its own a moment after the container."""
        deadline = time.monotonic() + 10
        for hierarchy in CGROUP_V1 + ('systemd',):
            top = Path('/sys/fs/cgroup', hierarchy, self.cgroup_parent.lstrip('/'))
            for path in sorted(top.glob('**/'), key=lambda p: -len(p.parts)) if top.is_dir() else ():
                while True:
                    try:
                        path.rmdir()
                        break
                    except OSError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.1)
