"""The bad input corpus (bad_input.yml, its header says how a case reads): every case fails with a message that
names the option and the value, no traceback, changed false, and the kernel (links, addresses, routes, FDB,
neighbours, nft ruleset, sysctls) is the same after the whole corpus ran, in normal and in check mode.

Module cases run as one task each and role cases through include_role, all in one playbook per mode.
Count the cases (test_corpus_size prints the same with -s):
    python3 -c "import yaml, collections as c; k = yaml.safe_load(open('tests/integration/bad_input.yml'))['cases']
print(len(k), c.Counter(x.get('module') or 'role ' + x['role'] for x in k))"
Run a subset while working on it: BAD_INPUT_ONLY=REGEX (matched against the case ids). Under tests/integration.sh
(FABRIC_SHARD=K/2) each interpreter runs the corpus in one mode: normal for K=0, check for K=1.
"""
import collections
import json
import os
import re
import subprocess

import pytest
import yaml

import harness
from harness import run, snapshot, snapshot_diff

CORPUS = yaml.safe_load((harness.HERE / 'bad_input.yml').read_text(encoding='utf-8'))
CASES = [c for c in CORPUS['cases'] if re.search(os.environ.get('BAD_INPUT_ONLY', ''), c['id'])]
IDS = [c['id'] for c in CASES]
NO_NETNS_OPTION = ('netns', 'net_info', 'probe')  # modules whose netns is not a namespace option to default
SHARD = os.environ.get('FABRIC_SHARD')
MODES = (False, True) if not SHARD else ((False,), (True,))[int(SHARD.split('/')[0]) % 2]


def skip_unless_run(check):
    if check not in MODES:
        pytest.skip('the corpus runs in %s mode under the other interpreter (FABRIC_SHARD)' % (
            'check' if check else 'normal'))


def expand(value):
    """{_repeat: N, _item: ITEM, _tail: [...]} -> N copies of ITEM ('{i}', '{a}', '{b}' filled in) + _tail."""
    if isinstance(value, dict) and '_repeat' in value:
        def fill(item, i):
            if isinstance(item, dict):
                return {k: fill(v, i) for k, v in item.items()}
            return item.format(i=i, a=i // 256, b=i % 256) if isinstance(item, str) else item
        return [fill(value['_item'], i) for i in range(value['_repeat'])] + value.get('_tail', [])
    if isinstance(value, dict):
        return {k: expand(v) for k, v in value.items()}
    return value


def arguments(case):
    base = CORPUS['base_args'].get(case['module'] if 'module' in case else case['role'] + '_role', {})
    args = {k: v for k, v in dict(base, **expand(case['args'])).items() if v is not None}
    if 'module' in case and case['module'] not in NO_NETNS_OPTION and 'netns' not in case['args']:
        args['netns'] = 'bad'
    return args


def tasks(case):
    """A case's tasks: its marker, then the module task or the role (a failure stops the role, the play goes on)."""
    marker = {'name': 'case ' + case['id'], 'ansible.builtin.debug': {'msg': 'case ' + case['id']}}
    if 'module' in case:
        return [marker, {'name': case['id'], 'linuxnet.fabric.' + case['module']: arguments(case)}]
    role_vars = arguments(case)
    facts = {'name': 'host vars', 'ansible.builtin.set_fact': {k: role_vars.get(k, '') for k in CORPUS['host_vars']}}
    include = {'name': case['id'], 'ansible.builtin.include_role': {'name': 'linuxnet.fabric.' + case['role']},
               'vars': role_vars}
    return [marker, facts, {'name': 'case', 'block': [{'name': 'stop on error', 'block': [include],
                                                       'ignore_errors': False}],
                            'rescue': [{'name': 'rescued', 'ansible.builtin.meta': 'noop'}]}]


def kernel():
    """The sandbox's snapshot, plus the nft ruleset and the watched sysctls of netns 'bad'."""
    def sh(*cmd):
        return subprocess.run(['ip', 'netns', 'exec', 'bad'] + list(cmd), capture_output=True, text=True,
                              check=True).stdout
    return dict(snapshot(), nft=sh('nft', 'list', 'ruleset'),
                sysctls={k: sh('cat', '/proc/sys/' + k) for k in CORPUS['sysctls']})


@pytest.fixture(scope='module')
def podman():
    """The test's own podman (harness.Podman) first on PATH, with the containers of lab_containers (created, never
    started): the role's container look-ups ask it, not the machine's."""
    engine = harness.Podman()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('PATH', '%s:%s' % (engine.bin, os.environ['PATH']))
        try:
            for name in CORPUS['lab_containers']:
                engine.create(name)
            yield engine
        finally:
            engine.close()


@pytest.fixture(scope='module')
def results(podman):
    harness.cleanup()
    subprocess.run(['bash', '-euc', CORPUS['lab']], check=True)
    for r in run([{'name': 'lab', 'linuxnet.fabric.' + m: a} for t in CORPUS['lab_tasks'] for m, a in t.items()]):
        assert not r['failed'], r
    play = [t for case in CASES for t in tasks(case)]
    out = {}
    for check in MODES:
        before = kernel()
        res = run(play, check=check, check_traceback=False, ignore_errors=True)
        out[check] = dict(_kernel=(before, kernel()))
        for r in res:  # each case's results follow its marker
            if r['_task'].startswith('case ') and r.get('msg') == r['_task']:
                out[check][r['_task'][5:]] = []
            else:
                out[check][list(out[check])[-1]].append(r)
    harness.cleanup()
    return out


def test_corpus_size():
    cases = CORPUS['cases']
    counts = collections.Counter(c.get('module') or 'role ' + c['role'] for c in cases)
    print('\nbad input corpus: %d cases: %s' % (len(cases), dict(sorted(counts.items()))))
    every = ['role ' + r.name for r in (harness.REPO / 'roles').iterdir()] + [
        m.stem for m in (harness.REPO / 'plugins' / 'modules').glob('*.py')]
    assert len({c['id'] for c in cases}) == len(cases) >= 60 and sorted(counts) == sorted(every), counts


@pytest.mark.parametrize('check', [False, True], ids=['normal', 'check_mode'])
def test_nothing_changed(results, check):
    skip_unless_run(check)
    before, after = results[check]['_kernel']
    assert before == after, snapshot_diff(before, after)


@pytest.mark.parametrize('case', CASES, ids=IDS)
def test_bad_input_is_a_clear_error(results, case):
    for check in [check for check in (False, True) if check in MODES and (case['check_mode_refused'] or not check)]:
        res = results[check][case['id']]
        failed = [r for r in res if r['failed']]
        summary = [(r['_task'], r['_status'], r['changed'], str(r.get('msg'))[:300]) for r in res]
        assert len(failed) == 1 and not any(r['changed'] for r in res), '\n'.join(map(str, [check] + summary))
        failure = failed[0]
        text = '\n'.join([str(failure.get('msg'))] + [str(e) for e in failure.get('argument_errors', [])])
        assert 'Traceback' not in json.dumps(failure, default=str), failure
        assert not text.startswith(harness.CRASH_PREFIX), failure
        for fragment in case['expect']:
            assert str(fragment) in text, (check, fragment, text)
    if not case['check_mode_refused'] and True in MODES:  # plausible once an earlier task ran (false) or only the
        res, = results[True][case['id']]  # kernel knows (null)
        assert not res['failed'] and res['changed'], res
        assert case['check_mode_refused'] is None or any('assuming' in a for a in res['actions']), res
