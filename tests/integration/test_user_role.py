"""Plays the user of docs/TESTING-YOUR-ROLES.md (inside the sandbox only).

A tiny role outside the collection, in a temporary directory, depends on linuxnet.fabric.overlay_network. Its
Molecule scenario is copied from the page (every ```yaml block that starts with '# <path>'), the collection is the
one installed from the built tarball (the session's build, tests/integration/conftest.py), and `molecule test` runs
inside the sandbox launcher that the installed collection ships (playbooks/lab/sandbox), as the page says.
The scenario runs its modules with the controller's Python (ansible_playbook_python, the venv's: pyroute2 0.9), as
written; the run of the suite with another module Python (tests/integration.sh: Debian's, pyroute2 0.7) skips it
rather than run the same scenario twice (about 2.5 min).
"""
import os
import re
import subprocess
import sys

import pytest

import harness

pytestmark = pytest.mark.roles

DOC = harness.REPO / 'docs' / 'TESTING-YOUR-ROLES.md'
ROLE = 'roles/acme_overlay'
SCENARIO = ROLE + '/molecule/default/'
ANSI = re.compile(r'\x1b\[[0-9;]*m')


def documented_files():
    """{path: text} of the page's files: the ```yaml blocks whose first line is '# <path>'."""
    return dict(re.findall(r'^```yaml\n# (\S+)\n(.*?)^```', DOC.read_text(encoding='utf-8'), re.S | re.M))


@pytest.mark.skipif(os.path.realpath(harness.module_python()) != os.path.realpath(sys.executable),
                    reason='the documented scenario runs with the controller Python; it runs with the venv python only')
def test_the_documented_scenario_passes_molecule_test_inside_the_shipped_launcher(tmp_path):
    files = documented_files()
    assert sorted(files) == sorted(['requirements.yml', ROLE + '/meta/main.yml', ROLE + '/tasks/main.yml'] + [
        SCENARIO + f for f in ('molecule.yml', 'create.yml', 'destroy.yml', 'converge.yml', 'verify.yml')])
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding='utf-8')

    collections = harness._state['collections']  # pylint: disable=protected-access
    launcher = collections / 'ansible_collections/linuxnet/fabric/playbooks/lab/sandbox'
    assert os.access(launcher, os.X_OK), 'the installed collection has no executable launcher: %s' % launcher
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections),
               MOLECULE_EPHEMERAL_DIRECTORY=str(tmp_path / 'molecule'), ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
               NO_COLOR='1', PY_COLORS='0', PATH='%s:%s' % (harness.BIN, os.environ['PATH']))
    env.pop('ANSIBLE_CONFIG', None)
    outside = harness.snapshot()
    proc = subprocess.run([str(launcher), 'molecule', 'test'], cwd=tmp_path / ROLE, env=env, capture_output=True,
                          text=True, timeout=1200, check=False)
    out = ANSI.sub('', proc.stdout + proc.stderr)
    sys.stdout.write(out[-4000:])
    assert proc.returncode == 0, out[-12000:]

    # It did what the page says: the role and its dependency converged, then changed nothing, then the probe
    # found every endpoint reaching every other (6 endpoints, 30 pairs, DF at 1450 bytes).
    for step in ('create', 'converge', 'idempotence', 'verify', 'destroy'):
        assert re.search(r'default\W+%s\W+Executed: Successful' % step, out), step
    assert 'Let every user ping from the endpoints of this host' in out
    shown = re.search(r'"acme_probe.matrix": \[(.*?)\]', out, re.S)
    assert shown, out[-6000:]
    table = [line.split() for line in re.findall(r'"([^"]*)"', shown.group(1))]
    names = sorted('h%d-%s' % (i, app) for i in (1, 2, 3) for app in ('web', 'db'))
    assert table[0][0] == 'from/to' and sorted(table[0][1:]) == names, table
    assert sorted(row[0] for row in table[1:]) == names and all(
        row[1:].count('.') == 1 and row[1:].count('ok') == 5 for row in table[1:]), table
    # and the launcher left nothing in the sandbox that ran it
    assert harness.snapshot() == outside
