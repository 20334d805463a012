"""roles/bridge_network/files/container_pids.py with stand-in runtimes on PATH: which runtime is asked, what the
module gets, one line per container that does not run (the real CLIs: tests/integration/test_containers.py)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[5] / 'roles' / 'bridge_network' / 'files' / 'container_pids.py'
# A stand-in CLI: knows 'web' (PID 4242) and 'down' (stopped); logs its arguments.
FAKE = '''#!/bin/sh
echo "$0 $*" >> "%s"
case "$7" in
  web) echo 4242 ;;
  down) echo 0 ;;
  *) echo "Error: no such container $7" >&2; exit 125 ;;
esac
'''


@pytest.fixture
def runtimes(tmp_path, monkeypatch):
    """Makes PATH hold stand-ins for the given runtimes, and nothing else."""
    log = tmp_path / 'log'

    def install(*names):
        for name in names:
            path = tmp_path / name
            path.write_text(FAKE % log)
            path.chmod(0o755)
        monkeypatch.setenv('PATH', str(tmp_path))
        return log
    return install


def resolve(runtime, endpoints, variable='bridge_network_endpoints'):
    out = subprocess.run([sys.executable, '-c', SCRIPT.read_text(), runtime, variable, json.dumps(endpoints)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_running_container_gives_its_pid_and_others_are_left_alone(runtimes):
    log = runtimes('podman', 'docker')
    got = resolve('auto', [dict(name='a', container='web'), dict(name='b'), dict(name='c', pid=7)])
    assert got == dict(pids={'a': 4242}, problems=[])
    assert [line.split()[1:] for line in log.read_text().splitlines()] == [
        ['inspect', '--type', 'container', '--format', '{{.State.Pid}}', '--', 'web']]  # podman knew it


def test_auto_asks_docker_when_podman_does_not_know_it(runtimes):
    log = runtimes('podman', 'docker')
    got = resolve('auto', [dict(name='a', container='nope')], variable='overlay_network_endpoints')
    assert got['pids'] == {} and got['problems'] == [
        "overlay_network_endpoints[0].container='nope': endpoint a: no such container (podman: Error: no such "
        "container nope; docker: Error: no such container nope)"]
    assert [line.split()[0].rsplit('/', 1)[1] for line in log.read_text().splitlines()] == ['podman', 'docker']


@pytest.mark.parametrize('runtime,installed,problem', [
    ('auto', ('podman',), "the container of endpoint a is not running (podman)"),
    ('docker', ('podman', 'docker'), "the container of endpoint a is not running (docker)"),
    ('podman', (), "endpoint a: no such container (podman is not installed)"),
    ('auto', (), "endpoint a: no such container (podman is not installed; docker is not installed)"),
])
def test_stopped_or_missing(runtimes, runtime, installed, problem):
    runtimes(*installed)
    got = resolve(runtime, [dict(name='a', container='down')])
    assert got == dict(pids={}, problems=["bridge_network_endpoints[0].container='down': " + problem])


@pytest.mark.parametrize('endpoint,problem', [
    (dict(name='a', container='--all'), "container='--all': not a container name or ID"),
    (dict(name='a', container='a b'), "container='a b': not a container name or ID"),
    (dict(name='a', container='web', pid=1), "container='web': give one of netns_path, pid and container"),
    (dict(name='a', container='web', netns_path='/x'), "container='web': give one of netns_path, pid and container"),
])
def test_refused_before_any_runtime_is_asked(runtimes, endpoint, problem):
    log = runtimes('podman')
    got = resolve('auto', [dict(name='x'), endpoint])
    assert got == dict(pids={}, problems=['bridge_network_endpoints[1].' + problem])
    assert not log.exists()
