"""Integration tests: modules against the real kernel, only inside tests/sandbox (its own network namespace).

The guard refuses the whole run before any test or fixture runs when it is not in the sandbox."""
import os
import shutil
import zlib

import pytest

import harness


def pytest_collection_modifyitems(session, config, items):
    """Sandbox guard: exit before any integration test (or fixture) runs outside the sandbox."""
    if any(harness.HERE in item.path.parents for item in items) and not harness.in_sandbox():
        pytest.exit(harness.GUARD_MSG, returncode=3)
    # FABRIC_SHARD=K/N keeps the tests marked 'roles' whose id hashes to K modulo N, and every other test:
    # tests/integration.sh splits the role tests between its two interpreters (see its header).
    shard = os.environ.get('FABRIC_SHARD')
    if shard:
        k, n = (int(x) for x in shard.split('/'))
        dropped = [i for i in items if i.get_closest_marker('roles') and zlib.crc32(i.nodeid.encode()) % n != k]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [i for i in items if i not in dropped]


def pytest_report_header(config):
    return 'linuxnet.fabric: module python %s, in sandbox: %s' % (harness.module_python(), harness.in_sandbox())


@pytest.fixture(scope='session', autouse=True)
def fabric_collection(tmp_path_factory):
    """Build + install the collection once per session; run() uses it via ANSIBLE_COLLECTIONS_PATH."""
    return harness.build_collection(tmp_path_factory.mktemp('fabric'))


@pytest.fixture(autouse=True)
def clean_kernel_state():
    """Every test starts from and leaves behind an empty sandbox (only lo, no named netns)."""
    harness.cleanup()
    yield
    harness.cleanup()


@pytest.fixture
def podman(monkeypatch):
    """A private podman (harness.Podman) whose 'podman' and 'docker' commands come first on PATH, so the role's
    runtime CLI sees the test's containers; every container is removed afterwards."""
    if not shutil.which('podman') or not shutil.which('runc'):
        pytest.skip('needs podman and runc (tests/podman/prepare.sh installs them)')
    engine = harness.Podman()
    monkeypatch.setenv('PATH', '%s:%s' % (engine.bin, os.environ['PATH']))
    yield engine
    engine.close()
