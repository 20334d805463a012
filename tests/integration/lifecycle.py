"""The life cycle every resource module must pass, driven through Ansible inside the sandbox:
check on fresh state -> create -> re-run -> check on converged -> modify -> check absent -> absent -> absent.
Every result has exactly the keys the module's RETURN documents (and Ansible's own)."""
import ast

import yaml

from harness import REPO, run, snapshot, snapshot_diff

ANSIBLE_KEYS = {'changed', 'failed', 'invocation', 'warnings', 'deprecations', '_task', '_status'}


def task(module, **args):
    return {'name': module, 'linuxnet.fabric.%s' % module: args}


def checked(t):
    return dict(t, check_mode=True)


def assert_ok(result, changed):
    assert not result['failed'], result
    assert result['changed'] is changed, result
    if not changed:
        assert result['diff']['before'] == result['diff']['after'], result['diff']
    assert set(result) >= {'changed', 'diff', 'actions'}, sorted(result)
    assert bool(result['actions']) is changed or not changed and all('assuming' in a for a in result['actions'])


def _mismatches(predicted, actual, path=''):
    for k, v in predicted.items():
        got = actual.get(k) if isinstance(actual, dict) else None
        if isinstance(v, dict) and isinstance(got, dict):
            yield from _mismatches(v, got, path + k + '.')
        elif got != v:
            yield path + k, v, got


def return_keys(module):
    """The top-level keys of the module's RETURN documentation."""
    tree = ast.parse((REPO / 'plugins' / 'modules' / ('%s.py' % module)).read_text())
    text = next(node.value.value for node in tree.body
                if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'RETURN')
    return set(yaml.safe_load(text))


def assert_documented(module, result):
    assert set(result) - ANSIBLE_KEYS == return_keys(module) - ANSIBLE_KEYS, (sorted(result), sorted(return_keys(module)))


def predicted_matches(predicted, actual):
    """Check mode's 'after' is the real 'after', field for field: every value it predicted, and nothing left out."""
    wrong = list(_mismatches(predicted, actual)) + [(k, None, v) for k, v in _mismatches(actual, predicted)
                                                    if not _has(predicted, k)]
    assert not wrong, 'check mode predicted wrong values (key, predicted, actual): %s' % wrong


def _has(state, path):
    for key in path.split('.'):
        if not isinstance(state, dict) or key not in state:
            return False
        state = state[key]
    return True


def lifecycle(module, create, modify, absent, key, setup=(), verify_created=None, verify_modified=None, empty=None):
    """Runs the whole cycle for one resource; verify_* get the module result and check the kernel with ip/bridge.
    'empty' is the state of nothing there (default {}; a batch module may say so otherwise)."""
    empty = {} if empty is None else empty
    if setup:
        run(list(setup))
    before = snapshot()
    fresh = run([checked(task(module, **create))])[0]
    assert_ok(fresh, True)
    assert snapshot() == before, 'check mode changed the kernel:\n' + snapshot_diff(before, snapshot())

    made, again, check_again = run([task(module, **create), task(module, **create), checked(task(module, **create))])
    assert_ok(made, True)
    assert_ok(again, False)
    assert_ok(check_again, False)
    assert made['diff']['before'] == empty and made[key] == made['diff']['after']
    for result in (fresh, made, again):
        assert_documented(module, result)
    predicted_matches(fresh[key], made[key])
    assert fresh['actions'] == made['actions'], (fresh['actions'], made['actions'])
    if verify_created:
        verify_created(made)

    converged = snapshot()
    predicted = run([checked(task(module, **modify))])[0]
    assert_ok(predicted, True)
    assert snapshot() == converged, 'check mode changed the kernel:\n' + snapshot_diff(converged, snapshot())
    changed, stable = run([task(module, **modify), task(module, **modify)])
    assert_ok(changed, True)
    assert_ok(stable, False)
    predicted_matches(predicted[key], changed[key])
    if verify_modified:
        verify_modified(changed)

    check_gone, gone, gone_again = run([checked(task(module, **absent)), task(module, **absent),
                                        task(module, **absent)])
    assert_ok(check_gone, True)
    assert_ok(gone, True)
    assert_ok(gone_again, False)
    assert gone['diff']['after'] == empty and gone['diff']['before'] != empty
    for result in (changed, gone, gone_again):
        assert_documented(module, result)
    return made, changed
