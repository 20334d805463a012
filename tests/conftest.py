"""Shared pytest setup for linuxnet.fabric.

- tests/unit: plain pytest, no root, no sandbox. The repo is importable as
  ansible_collections.linuxnet.fabric (a symlink in a temp dir is put on sys.path).
- tests/integration: refused unless running inside tests/sandbox (own network namespace).
"""
import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
sys.path.insert(0, str(TESTS / 'integration'))

import harness  # noqa: E402  pylint: disable=wrong-import-position


def _collection_on_sys_path():
    root = Path(tempfile.mkdtemp(prefix='fabric-unit-'))
    (root / 'ansible_collections' / 'linuxnet').mkdir(parents=True)
    os.symlink(REPO, root / 'ansible_collections' / 'linuxnet' / 'fabric')
    sys.path.insert(0, str(root))
    atexit.register(shutil.rmtree, root, True)


_collection_on_sys_path()


def pytest_collection_modifyitems(session, config, items):
    """Sandbox guard: exit before any integration test (or fixture) runs outside the sandbox."""
    integration = TESTS / 'integration'
    if any(integration in Path(str(item.path)).parents for item in items) and not harness.in_sandbox():
        pytest.exit(harness.GUARD_MSG, returncode=3)


def pytest_report_header(config):
    return 'linuxnet.fabric: module python %s, in sandbox: %s' % (harness.module_python(), harness.in_sandbox())
