"""Fixtures for integration tests (which only run inside tests/sandbox, see tests/conftest.py)."""
import os
import shutil

import pytest

import harness


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
