"""No shell ever sees user input (docs/SECURITY.md): the plugins start two kinds of process, nft and (persist on a
systemd host) systemctl daemon-reload, with an argument list; the roles and playbooks never use the shell module and
give command an argv."""
import ast
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
EXEC = {('os', n) for n in ('system', 'popen', 'execv', 'execve', 'execvp', 'execl', 'execlp', 'spawnv', 'spawnl',
                            'posix_spawn', 'posix_spawnp')}


def calls(path):
    """(module, attribute, keyword names) of every call of the form module.attribute(...)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name):
            yield node.func.value.id, node.func.attr, [k.arg for k in node.keywords], node


def test_plugins_start_processes_only_nft_and_systemctl_with_an_argument_list():
    started = []
    for path in sorted((REPO / 'plugins').rglob('*.py')):
        for module, attr, keywords, node in calls(path):
            assert 'shell' not in keywords, '%s:%d passes shell=' % (path, node.lineno)
            assert (module, attr) not in EXEC, '%s:%d calls %s.%s' % (path, node.lineno, module, attr)
            if module == 'subprocess' and attr not in ('TimeoutExpired', 'CalledProcessError'):
                started.append((path.name, attr))
    assert started == [('_nft.py', 'run'), ('_persist.py', 'run')]


def test_nft_arguments_stay_single_arguments(monkeypatch):
    from ansible_collections.linuxnet.fabric.plugins.module_utils import _nft

    seen = []

    class Done(object):
        returncode, stdout, stderr = 0, '{"nftables": []}', ''

    monkeypatch.setattr(_nft, 'binary', lambda: '/usr/sbin/nft')
    monkeypatch.setattr(_nft.subprocess, 'run', lambda cmd, **kw: seen.append((cmd, kw)) or Done())
    hostile = 'x; rm -rf / $(id) `id` | nc 1 2'
    _nft._run(None, ['list', 'table', 'inet', hostile])
    cmd, kw = seen[0]
    assert cmd == ['/usr/sbin/nft', '-j', 'list', 'table', 'inet', hostile] and 'shell' not in kw


def tasks(node):
    """Every task dict in a loaded tasks/playbook file, blocks included."""
    if isinstance(node, list):
        for item in node:
            yield from tasks(item)
    elif isinstance(node, dict):
        if any(k in node for k in ('tasks', 'block', 'rescue', 'always', 'pre_tasks', 'post_tasks', 'handlers')):
            for key in ('tasks', 'block', 'rescue', 'always', 'pre_tasks', 'post_tasks', 'handlers'):
                yield from tasks(node.get(key) or [])
        else:
            yield node


def test_roles_and_playbooks_never_use_a_shell():
    playbooks = ('converge.yml', 'verify.yml', 'prepare.yml', 'create.yml', 'destroy.yml')
    files = [p for d in ('roles', 'playbooks', 'extensions') for p in (REPO / d).rglob('*.yml')
             if 'tasks' in p.parts or p.parent.name in ('playbooks', 'lab') or p.name in playbooks]
    commands = 0
    for path in files:
        for task in tasks(yaml.safe_load(path.read_text()) or []):
            assert not {'shell', 'ansible.builtin.shell', 'raw', 'ansible.builtin.raw'} & set(task), (path, task)
            for key in ('command', 'ansible.builtin.command'):
                if key in task:
                    commands += 1
                    assert isinstance(task[key], dict) and 'argv' in task[key], (path, task)
    assert len(files) > 10 and commands >= 2
