# Bench-only callback: writes the wall time of every task (first start to last result) to $FABRIC_BENCH_TIMES.
from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_timer
type: aggregate
short_description: per-task wall times for the linuxnet.fabric benchmarks
description: Writes a list of {task, seconds, status} to the file named by FABRIC_BENCH_TIMES.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.times, self.start = [], None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.start = time.monotonic()

    def _done(self, result, status):
        self.times.append(dict(task=result.task_name, seconds=time.monotonic() - self.start, status=status))

    def v2_runner_on_ok(self, result):
        self._done(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._done(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._done(result, 'skipped')

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('FABRIC_BENCH_TIMES')
        if path:
            with open(path, 'w', encoding='utf-8') as f:
                json.dump(self.times, f)
