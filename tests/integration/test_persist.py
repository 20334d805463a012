"""Networks that come back after a reboot without Ansible (bridge_network's persist, plugins/module_utils/_persist.py).

The module writes the engine, the runner, the state files and the systemd unit under persist_root (a temporary
directory here). A reboot is a fresh nested tests/sandbox: a new network namespace, and empty /run/netns,
/run/linuxnet.fabric and /var/lib/linuxnet-fabric, while persist_root stays, as a disk does. There the runner alone
brings the networks back as they were; a second runner run and the next Ansible run change nothing.
"""
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

import harness
from harness import ip_json, ping, run, sh, shape, shape_diff
from lifecycle import assert_ok, task

SANDBOX = str(harness.REPO / 'tests' / 'sandbox')
RUNNER = 'usr/local/sbin/linuxnet-fabric-apply'
UNDERLAY = ('ip link add ul0 type veth peer name ul1', 'ip addr add 198.18.0.1/24 dev ul0',
            'ip link set ul0 up', 'ip link set ul1 up')


@pytest.fixture
def root():
    path = tempfile.mkdtemp(prefix='fabric-persist-', dir='/var/tmp')
    yield path
    shutil.rmtree(path)


def web(root, **extra):
    return task('bridge_network', **dict(dict(
        network='web', bridge='br-web', subnet='10.88.0.0/24', subnet6='fd00:88::/64', persist=True, persist_root=root,
        endpoints=[dict(name='w-1'), dict(name='w-2', address='10.88.0.10'), dict(name='w-3')],
        published_ports=[dict(endpoint='w-1', port=80, host_port=8080)]), **extra))


def overlay(root):
    return task('bridge_network', network='ov', bridge='br-ov', subnet='10.99.0.0/24', masquerade=False, persist=True,
                persist_root=root, endpoints=[dict(name='o-1')],
                vxlan=dict(vni=42, local='198.18.0.1', peers=[dict(underlay='198.18.0.2')]))


def containers(root, pid):
    """A network with a running container's namespace (by PID) next to a named one."""
    return task('bridge_network', network='ctr', bridge='br-ctr', subnet='10.77.0.0/24', persist=True,
                persist_root=root, endpoints=[dict(name='c-1'), dict(name='box', pid=pid)])


AFTER_REBOOT = r'''
import json, subprocess, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import harness
harness._state.update(workdir=Path(sys.argv[2]), collections=Path(sys.argv[3]))
results, pid = [], None
for kind, arg in json.load(sys.stdin):
    if kind == 'sh':
        harness.sh(arg)
        results.append(None)
    elif kind == 'cmd':
        proc = subprocess.run(arg, capture_output=True, text=True, check=False)
        results.append([proc.returncode, proc.stdout, proc.stderr])
    elif kind == 'shape':
        results.append(harness.shape())
    elif kind == 'ping':
        results.append(harness.ping(*arg))
    elif kind == 'container':  # a container started again: a process in a new network namespace
        box = subprocess.Popen(['unshare', '--net', 'sleep', '600'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pid = box.pid
        results.append(pid)
    elif kind == 'ansible':
        results.append(list(harness.run(json.loads(json.dumps(arg).replace('"$PID"', str(pid))))))
if pid:
    box.kill()
json.dump(results, sys.stdout, default=str)
'''


def after_reboot(*steps):
    """Runs the steps in a fresh nested sandbox (a reboot, with the files on disk kept); what each gave, in order:
    ('cmd', argv) -> [rc, stdout, stderr]; ('sh', text) -> None; ('shape', None) -> harness.shape();
    ('ping', [netns, address]) -> bool; ('container', None) -> PID of a new process in a new network namespace;
    ('ansible', tasks) -> results ("$PID" in them is that PID)."""
    proc = subprocess.run([SANDBOX, sys.executable, '-c', AFTER_REBOOT, str(harness.HERE), str(harness._state['workdir']),
                           str(harness._state['collections'])], input=json.dumps(steps), capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def same(state):
    """A shape as it reads after a trip through JSON (the nested sandbox's way back)."""
    return json.loads(json.dumps(state, default=str))


def addresses(result):
    return dict((name, (ep['address'], ep['address6'])) for name, ep in result['network']['endpoints'].items())


def runner(root, *args):
    return [os.path.join(root, RUNNER), '--root', root] + list(args)


def test_networks_come_back_after_a_reboot_without_ansible(root):
    sh(*UNDERLAY)
    box = subprocess.Popen(['unshare', '--net', 'sleep', '600'], stdout=subprocess.DEVNULL)
    try:
        nets = [web(root), overlay(root), containers(root, box.pid)]
        predicted = run(nets, check=True)[0]  # (the later tasks' predictions assume the files are not there yet)
        assert os.listdir(root) == [], 'check mode wrote files'
        made = run(nets)
        assert predicted['actions'] == made[0]['actions']
        assert predicted['network']['persisted'] == made[0]['network']['persisted']
        for r in made:
            assert_ok(r, True)
            assert any('is not enabled' in w for w in r['warnings'])  # no systemd here
        for r in run(nets):
            assert_ok(r, False)
        assert made[0]['network']['persisted']['endpoints'] == [
            dict(name='w-1', interface='eth0', address='10.88.0.2', address6='fd00:88::2'),
            dict(name='w-2', interface='eth0', address='10.88.0.10', address6='fd00:88::3'),
            dict(name='w-3', interface='eth0', address='10.88.0.3', address6='fd00:88::4')]
        assert 'record network web in %s/etc/linuxnet-fabric/web.json' % root in made[0]['actions']
        assert made[1]['network']['persisted']['vxlan']['peers'] == [dict(underlay='198.18.0.2')]
        check_files(root, box.pid)
        before, was = shape(), [addresses(r) for r in made]
    finally:
        box.kill()
        box.wait()

    boot, booted, _underlay, ov, again, state, *pings, _container, rerun = after_reboot(
        ('cmd', runner(root)), ('shape', None), ('sh', '\n'.join(UNDERLAY)), ('cmd', runner(root, 'ov')),
        ('cmd', runner(root)), ('shape', None),
        ('ping', ['w-1', '10.88.0.10', 3]), ('ping', ['w-3', 'fd00:88::3', 3]), ('ping', [None, '10.77.0.2', 3]),
        ('container', None), ('ansible', [web(root), overlay(root), containers(root, '$PID')]))
    # Without its underlay the overlay cannot converge: one line, and nothing of it was made; the others came back.
    rc, out, err = boot
    assert rc == 1 and err == 'linuxnet-fabric-apply: %s/etc/linuxnet-fabric/ov.json: vxlan.local=%r: no interface ' \
        "of the current netns has this address; set vxlan.dev\n" % (root, '198.18.0.1'), err
    assert 'ctr: endpoint box (pid %d) skipped: the namespace of a running container is not restored' % box.pid in out
    assert 'web: create bridge br-web' in out and out.count(': converged, ') == 2, out
    assert not [link for link in booted['null']['links'] if link[0] in ('br-ov', 'vx42')]
    assert ov[0] == 0 and 'ov: create vxlan vx42' in ov[1] and ov[1].endswith('changes\n'), ov
    assert again == [0, 'ctr: endpoint box (pid %d) skipped: the namespace of a running container is not restored at '
                     'boot (its container is gone); its address stays reserved\nctr: no change (already converged)\n'
                     'ov: no change (already converged)\nweb: no change (already converged)\n' % box.pid, '']
    # The same kernel state as before the reboot (the firewall table included), but for the container's veth.
    expected = same(before)
    expected['null']['links'] = [link for link in expected['null']['links'] if link[3] != 'fabric:ctr:box']
    assert state == expected, shape_diff(expected, state)
    assert pings == [True, True, True]  # (3 tries: the ARP table all namespaces share may be full on a busy machine)
    # The next Ansible run changes nothing; the restarted container gets its address back.
    assert [r['changed'] for r in rerun] == [False, False, True], rerun
    assert [addresses(r) for r in rerun] == was


def check_files(root, pid):
    """What persist wrote: modes, owners, the runner's interpreter, the unit (systemd-analyze verify)."""
    def mode(path):
        st = os.lstat(os.path.join(root, path))
        return '%04o %d' % (st.st_mode & 0o7777, st.st_uid)
    assert mode('etc/linuxnet-fabric') == '0700 0' and mode('etc/linuxnet-fabric/web.json') == '0600 0'
    assert mode(RUNNER) == '0755 0'
    assert open(os.path.join(root, RUNNER)).readline() == '#!%s -I\n' % harness.module_python()
    engine = os.path.join(root, 'usr/local/lib/linuxnet-fabric')
    assert sorted(os.listdir(engine)) == ['current', os.readlink(engine + '/current')]
    state = json.load(open(os.path.join(root, 'etc/linuxnet-fabric/ctr.json')))
    assert state['linuxnet.fabric.bridge_network']['endpoints'][1] == dict(name='box', pid=pid, interface='eth0',
                                                                           address='10.77.0.3')
    units = os.path.join(root, 'etc/systemd/system')
    assert sorted(os.listdir(units)) == ['linuxnet-fabric@.service', 'linuxnet-fabric@ov.service.d']  # not enabled
    assert os.listdir(units + '/linuxnet-fabric@ov.service.d') == ['overlay.conf']
    for name in ('web', 'ov'):
        proc = subprocess.run(['systemd-analyze', 'verify', '--man=no', '%s/linuxnet-fabric@%s.service' % (units, name)],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


def test_a_day2_change_rewrites_the_state_file_and_a_newer_engine_replaces_the_old(root):
    made = run([web(root)])[0]
    engine = os.path.join(root, 'usr/local/lib/linuxnet-fabric')
    version = os.readlink(engine + '/current')
    # Another collection's engine in use: the next run installs this one and removes the other.
    os.mkdir(engine + '/engine-000000000000')
    os.symlink('engine-000000000000', engine + '/.next')
    os.rename(engine + '/.next', engine + '/current')
    changed = run([web(root, endpoints=[dict(name='w-1'), dict(name='w-2', address='10.88.0.10'), dict(name='w-4')])])[0]
    assert_ok(changed, True)
    install = [a for a in made['actions'] if a.startswith('install the engine')]
    assert [a for a in changed['actions'] if root in a and 'leases' not in a] == install + [
        'record network web in %s/etc/linuxnet-fabric/web.json' % root], changed['actions']
    assert sorted(os.listdir(engine)) == ['current', version] and os.readlink(engine + '/current') == version
    before, after = changed['diff']['before']['persisted'], changed['diff']['after']['persisted']
    assert [e['name'] for e in before['endpoints']] == ['w-1', 'w-2', 'w-3']
    assert after['endpoints'][2] == dict(name='w-4', interface='eth0', address='10.88.0.4', address6='fd00:88::5')
    assert_ok(run([web(root, endpoints=[dict(name='w-1'), dict(name='w-2', address='10.88.0.10'),
                                        dict(name='w-4')])])[0], False)


def test_persist_false_and_absent_remove_the_files_and_the_last_one_the_engine(root):
    db = dict(network='db', bridge='br-db', subnet='10.89.0.0/24', persist=True, persist_root=root,
              endpoints=[dict(name='d-1')])
    run([web(root), task('bridge_network', **db)])
    states = os.path.join(root, 'etc/linuxnet-fabric')
    predicted = run([task('bridge_network', **{**db, 'persist': False})], check=True)[0]
    assert sorted(os.listdir(states)) == ['db.json', 'web.json']
    dropped = run([task('bridge_network', **{**db, 'persist': False})])[0]
    assert_ok(dropped, True)
    assert dropped['actions'] == predicted['actions'] == ['remove the state file %s/db.json' % states]
    assert dropped['diff']['after']['persisted'] is None and dropped['diff']['before']['persisted']['network'] == 'db'
    assert ip_json('d-1', 'link', 'show', 'eth0')  # the network stays
    gone = run([web(root, state='absent')], check=True)[0]
    assert os.path.exists(os.path.join(root, RUNNER))
    absent, again = run([web(root, state='absent'), web(root, state='absent')])
    assert_ok(absent, True)
    assert_ok(again, False)
    assert absent['actions'] == gone['actions']
    assert absent['actions'][:4] == [
        'remove the systemd unit %s/etc/systemd/system/linuxnet-fabric@.service (no persisted network is left)' % root,
        'remove the state file %s/web.json' % states,
        'remove the runner %s/%s (no persisted network is left)' % (root, RUNNER),
        'remove the engine %s/usr/local/lib/linuxnet-fabric (no persisted network is left)' % root]
    left = sorted(os.path.relpath(os.path.join(d, f), root) for d, _dirs, files in os.walk(root) for f in files)
    assert left == ['var/lib/linuxnet-fabric/db.json'], left  # the leases of db, which is still there


def test_broken_and_unsafe_state_files_are_refused_with_one_line_and_change_nothing(root):
    run([web(root)])
    good = open(os.path.join(root, 'etc/linuxnet-fabric/web.json')).read()
    params = json.loads(good)['linuxnet.fabric.bridge_network']

    def edited(**changes):
        return json.dumps({'linuxnet.fabric.bridge_network': dict(params, **changes)})
    cases = [  # (name, content, mode, owner, the line's end)
        ('invalid-json', good[:-9], 0o600, 0, 'not valid JSON (Unterminated string'),
        ('wrong-value', edited(subnet='banana'), 0o600, 0, "subnet='banana': expected a network such as"),
        ('wrong-type', edited(endpoints='w-1'), 0o600, 0, "endpoints='w-1': expected a list"),
        ('unknown', edited(subnett='10.0.0.0/8'), 0o600, 0, "subnett='10.0.0.0/8': not an option (one of: bridge,"),
        ('not-kept', edited(persist=True), 0o600, 0, 'persist=True: not an option of a state file (the runner sets it)'),
        ('address', edited(endpoints=[dict(name='w-1', address='10.9.9.9')]), 0o600, 0,
         "endpoints[0].address='10.9.9.9': not a host address of 10.88.0.0/24"),
        ('underlay', edited(vxlan=dict(vni=7, local='198.18.0.9', dev='eth9')), 0o600, 0,
         "vxlan.dev='eth9': no such interface in the current netns"),
        ('other-network', good, 0o600, 0, "network='web': this file is the state of network other-network"),
        ('world-writable', good, 0o666, 0, 'refused: it must be owned by root and writable by root only'),
        ('group-writable', good, 0o620, 0, 'refused: it must be owned by root and writable by root only'),
        ('not-root', good, 0o600, 65534, 'refused: it must be owned by root and writable by root only'),
    ]
    paths = []
    for name, content, mode, owner, _end in cases:  # each in a root of its own, run by the runner of 'root'
        path = os.path.join(root, 'case', name, 'etc/linuxnet-fabric', ('web' if name != 'other-network' else name) + '.json')
        os.makedirs(os.path.dirname(path), 0o700)
        with open(path, 'w') as f:
            f.write(content)
        os.chmod(path, mode)
        os.chown(path, owner, 0)
        paths.append(path)
    open_folder = os.path.join(root, 'case', 'open-folder')
    shutil.copytree(os.path.join(root, 'etc'), os.path.join(open_folder, 'etc'))
    os.chmod(os.path.join(open_folder, 'etc/linuxnet-fabric'), 0o777)
    *outcomes, folder, missing, kernel = after_reboot(
        *[('cmd', [os.path.join(root, RUNNER), '--root', path.split('/etc/')[0]]) for path in paths],
        ('cmd', [os.path.join(root, RUNNER), '--root', open_folder]), ('cmd', runner(root, 'missing')), ('shape', None))
    for (name, _content, _mode, _owner, end), path, (rc, out, err) in zip(cases, paths, outcomes):
        assert rc == 1 and out == '' and err.count('\n') == 1, (name, rc, out, err)
        assert err.startswith('linuxnet-fabric-apply: %s: ' % path) and end in err, (name, err)
    assert folder == [1, '', 'linuxnet-fabric-apply: %s/etc/linuxnet-fabric: refused: the folder must be owned by root '
                      'and writable by root only\n' % open_folder]
    assert missing == [1, '', 'linuxnet-fabric-apply: %s/etc/linuxnet-fabric/missing.json: no such file: network '
                       'missing is not persisted\n' % root]
    assert list(kernel) == ['null'] and [link[0] for link in kernel['null']['links']] == ['lo'], kernel


def test_two_runners_at_once_take_turns_on_the_host_lock(root):
    run([web(root)])
    sh('ip -all netns delete', 'ip link del br-web')  # as after a reboot, without one
    st = os.stat('/proc/self/ns/net')  # the runners run in this namespace: the same lock
    fd = os.open('/run/linuxnet.fabric/netns-%d-%d.lock' % (st.st_dev, st.st_ino), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        both = [subprocess.Popen(runner(root, 'web'), stdout=subprocess.PIPE, text=True) for _run in range(2)]
        time.sleep(1.5)
        assert [p.poll() for p in both] == [None, None] and ip_json(None, 'link', 'show', 'br-web') is None
    finally:
        os.close(fd)
    outputs = [p.communicate(timeout=60)[0] for p in both]
    assert [p.returncode for p in both] == [0, 0]
    assert sorted(out.splitlines()[-1].split(', ')[0] for out in outputs) == [
        'web: converged', 'web: no change (already converged)'], outputs
    assert ping('w-1', '10.88.0.10', 3) and ping('w-3', 'fd00:88::2', 3)
