# Test-only callback: writes every task result of a run as JSON to $FABRIC_RECORD_FILE.
from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: record
type: aggregate
short_description: record task results as JSON for the linuxnet.fabric test harness
description: Writes a list of per-task results to the file named by FABRIC_RECORD_FILE.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'record'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.results = []

    def _add(self, status, result):
        data = dict(getattr(result, 'result', None) or result._result)
        data = {k: v for k, v in data.items() if not k.startswith('_ansible')}
        data.setdefault('changed', False)
        data['failed'] = status == 'failed' or bool(data.get('failed'))
        data['_task'] = result.task_name
        data['_status'] = status
        self.results.append(data)

    def v2_runner_on_ok(self, result):
        self._add('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._add('failed', result)

    def v2_runner_on_skipped(self, result):
        self._add('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._add('unreachable', result)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('FABRIC_RECORD_FILE')
        if path:
            with open(path, 'w', encoding='utf-8') as f:
                json.dump(self.results, f, default=str, indent=1)
