"""Fixtures for integration tests (which only run inside tests/sandbox, see tests/conftest.py)."""
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
