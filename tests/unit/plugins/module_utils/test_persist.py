"""Persistence without a kernel (plugins/module_utils/_persist.py): the engine imports without Ansible, state files are
checked against the module's argument spec, and the files of a persisted network are planned, written, verified by
systemd-analyze and removed, in a temporary root."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from ansible_collections.linuxnet.fabric.plugins.module_utils import _boot, _files, _persist, _specs, _validate
from ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile import converge
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge_network import BridgeNetwork
from ansible_collections.linuxnet.fabric.plugins.module_utils._validate import InvalidInput

ROOT = os.geteuid() == 0
WITHOUT_ANSIBLE = r'''
import importlib, json, os, pkgutil, sys


class NoAnsible(object):
    def find_spec(self, name, path=None, target=None):
        if name == 'ansible' or name.startswith('ansible.'):
            raise ImportError('no ansible here')


sys.meta_path.insert(0, NoAnsible())
try:
    import ansible  # noqa: F401
    sys.exit('ansible imported')
except ImportError:
    pass
sys.path.insert(0, sys.argv[1])
package = 'ansible_collections.linuxnet.fabric.plugins.module_utils'
folder = os.path.join(sys.argv[1], *package.split('.'))
names = sorted(m.name for m in pkgutil.walk_packages([folder], package + '.'))
for name in names:
    importlib.import_module(name)
from ansible_collections.linuxnet.fabric.plugins.module_utils import _persist
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge_network import BridgeNetwork
net = BridgeNetwork(None, dict(network='web', bridge='br-web', subnet='10.88.0.0/24', persist=True), True)
print(json.dumps(dict(modules=names, sources=len(_persist.engine_sources()), persist=net.persist,
                      ansible=[m for m in sys.modules if m == 'ansible' or m.startswith('ansible.')])))
'''


def collection_root():
    return next(p for p in sys.path if os.path.isdir(os.path.join(p, 'ansible_collections', 'linuxnet', 'fabric')))


@pytest.mark.parametrize('python', [sys.executable, '/usr/bin/python3'])
def test_the_engine_imports_and_runs_where_ansible_cannot_be_imported(python):
    if not os.path.exists(python):
        pytest.skip('no %s' % python)
    proc = subprocess.run([python, '-c', WITHOUT_ANSIBLE, collection_root()], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert found['ansible'] == [] and found['persist'] is True and found['sources'] > 20
    assert {'ansible_collections.linuxnet.fabric.plugins.module_utils._persist',
            'ansible_collections.linuxnet.fabric.plugins.module_utils._reconcile',
            'ansible_collections.linuxnet.fabric.plugins.module_utils._resources.bridge_network'} <= set(found['modules'])


def test_state_files_are_checked_strictly_against_the_argument_spec():
    spec = _specs.BRIDGE_NETWORK
    full = _validate.against_spec(spec, dict(network='web', bridge='br-web', endpoints=[dict(name='a')],
                                             vxlan=dict(vni=42, local='198.18.0.1')))
    assert full['endpoints'] == [dict(name='a', netns_path=None, pid=None, address=None, address6=None, interface='eth0',
                                      mac_address=None)]
    assert full['vxlan']['port'] == 4789 and full['vxlan']['peers'] == [] and full['purge'] is False
    assert full['state'] == 'present' and full['replaces'] == [] and spec['replaces']['default'] == []
    bad = [  # (values, option, message)
        ([], 'parameters', 'expected a mapping of options'),
        (dict(network='web'), 'bridge', 'required'),
        (dict(network='web', bridge='b', mtu='1500'), 'mtu', 'expected a int'),
        (dict(network='web', bridge='b', mtu=True), 'mtu', 'expected a int'),
        (dict(network='web', bridge='b', purge='yes'), 'purge', 'expected a bool'),
        (dict(network='web', bridge='b', subnett='x'), 'subnett', 'not an option (one of: bridge, endpoints,'),
        (dict(network='web', bridge='b', endpoints=[dict(name='a'), 'b']), 'endpoints[1]', 'expected a mapping'),
        (dict(network='web', bridge='b', endpoints=[dict(name='a', pid='1')]), 'endpoints[0].pid', 'expected a int'),
        (dict(network='web', bridge='b', replaces=['a', 7]), 'replaces[1]', 'expected a str'),
        (dict(network='web', bridge='b', state='gone'), 'state', 'expected one of present, absent'),
        (dict(network='web', bridge='b', vxlan=dict(vni=1, local='x', mode='l4')), 'vxlan.mode', 'expected one of'),
        (dict(network='web', bridge='b', vxlan=dict(local='x')), 'vxlan.vni', 'required'),
    ]
    for values, option, message in bad:
        with pytest.raises(InvalidInput) as e:
            _validate.against_spec(spec, values)
        assert e.value.option == option and message in e.value.reason, (values, str(e.value))


def test_persist_is_true_false_or_auto():
    assert [_validate.persist('persist', v) for v in (True, False, 'auto', 'yes', 'off', 'TRUE', 1, 0)] == [
        True, False, 'auto', True, False, True, True, False]
    for value in ('sometimes', None, 2, [True]):
        with pytest.raises(InvalidInput, match='expected true, false or auto'):
            _validate.persist('persist', value)
    with pytest.raises(InvalidInput, match="persist_root='var/tmp': expected an absolute path"):
        BridgeNetwork(None, dict(network='web', bridge='br-web', subnet='10.88.0.0/24', persist_root='var/tmp'), True)


class FakeNetlink(object):
    planned = set()


def network(root, **extra):
    """A BridgeNetwork whose addresses are all given (nothing to read from a kernel), with its files under root."""
    params = dict(network='web', bridge='br-web', subnet='10.88.0.0/24', subnet6='fd00:88::/64', persist=True,
                  persist_root=root, state='present', lock_timeout=60, purge=False, mtu=None,
                  endpoints=[dict(name='a', address='10.88.0.2', address6='fd00:88::2', pid=None, interface='eth0')])
    params.update(extra)
    return BridgeNetwork(FakeNetlink(), params, False)


def actions(results):
    return [a for r in results for a in r['actions']]


def test_the_state_file_holds_the_parameters_without_those_of_the_run():
    state = _persist.state(network('/'))
    assert state == {'linuxnet.fabric.bridge_network': dict(
        network='web', bridge='br-web', subnet='10.88.0.0/24', subnet6='fd00:88::/64', purge=False,
        endpoints=[dict(name='a', address='10.88.0.2', address6='fd00:88::2', interface='eth0')])}


@pytest.mark.skipif(not ROOT, reason='the files are checked to be owned by root')
def test_files_are_written_then_stable_then_removed_with_the_last_network(tmp_path):
    root = str(tmp_path)
    net = network(root, vxlan=dict(vni=42, local='198.18.0.1'))
    net.overlay = True  # (its device is not planned here)
    predicted = converge(_persist.resources(net, True, True), True)
    assert os.listdir(root) == []
    made = converge(_persist.resources(net, True, True), False)
    assert actions(made) == actions(predicted)
    assert [a.split(' /')[0] for a in actions(made)] == [
        'install the engine (linuxnet.fabric module_utils, %d files, version %s) in' % (
            len(_persist.engine_sources()), _persist.digest(_persist.engine_sources())),
        'write the runner', 'record network web in', 'write the systemd unit',
        'write', 'enable linuxnet-fabric@web.service (link in']
    assert actions(converge(_persist.resources(net, True, True), False)) == []
    units = os.path.join(root, 'etc/systemd/system')
    assert os.readlink(units + '/multi-user.target.wants/linuxnet-fabric@web.service') == '../linuxnet-fabric@.service'
    unit = open(units + '/linuxnet-fabric@.service').read()
    assert 'ExecStart=%s/usr/local/sbin/linuxnet-fabric-apply --root %s %%i\n' % (root, root) in unit
    if shutil.which('systemd-analyze'):
        proc = subprocess.run(['systemd-analyze', 'verify', '--man=no', units + '/linuxnet-fabric@web.service'],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0 and not proc.stderr, proc.stderr
    # Another network's state file keeps the engine; without it, everything goes.
    other = os.path.join(root, 'etc/linuxnet-fabric/db.json')
    shutil.copy(os.path.join(root, 'etc/linuxnet-fabric/web.json'), other)
    assert [a.split(' /')[0] for a in actions(converge(_persist.resources(net, False, False), False))] == [
        'disable linuxnet-fabric@web.service (remove', 'remove', 'remove the state file']
    os.unlink(other)
    assert [a.split(' (')[0].split(' /')[0] for a in actions(converge(_persist.resources(net, False, False), False))] \
        == ['remove the systemd unit', 'remove the runner', 'remove the engine']
    left = [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]
    assert left == [] and sorted(os.listdir(units)) == ['multi-user.target.wants']


@pytest.mark.skipif(not ROOT, reason='state files must be owned by root')
def test_the_runner_checks_a_state_file_before_anything(tmp_path, capsys):
    root = str(tmp_path)
    folder = os.path.join(root, _files.STATES)
    os.makedirs(folder, 0o700)
    assert _boot.main(['--root', root]) == 0
    assert capsys.readouterr().out == 'no persisted network in %s\n' % folder
    good = dict(network='web', bridge='br-web', subnet='10.88.0.0/24')
    for content, line in [
            ('[1]', 'expected {"linuxnet.fabric.bridge_network": {its options}}'),
            (json.dumps({'linuxnet.fabric.bridge_network': dict(good, state='absent')}),
             "state='absent': not an option of a state file (the runner sets it)"),
            (json.dumps({'linuxnet.fabric.bridge_network': dict(good, network='db')}),
             "network='db': this file is the state of network web"),
            (json.dumps({'linuxnet.fabric.bridge_network': dict(good, mtu='big')}), "mtu='big': expected a int")]:
        _files.write_text(os.path.join(folder, 'web.json'), content, 0o600)
        assert _boot.main(['--root', root, 'web']) == 1
        out = capsys.readouterr()
        assert out.out == '' and out.err == 'linuxnet-fabric-apply: %s/web.json: %s\n' % (folder, line)
    with pytest.raises(SystemExit):
        _boot.main(['--root', root, '../../etc/passwd'])
