#!/usr/bin/env bash
# Runs the integration suite once per module interpreter, both at once, each in its own sandbox:
# .venv's python (pyroute2 0.9.x from PyPI) and Debian's /usr/bin/python3 (python3-pyroute2 0.7.2).
# Usage: tests/integration.sh [pytest args...]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
declare -A pythons=([pyroute2-0.9]="$PWD/.venv/bin/python" [pyroute2-0.7]=/usr/bin/python3)
declare -A pids
for name in "${!pythons[@]}"; do
  FABRIC_TEST_PYTHON=${pythons[$name]} tests/sandbox .venv/bin/pytest tests/integration "$@" >"$logs/$name" 2>&1 &
  pids[$name]=$!
done
rc=0
for name in pyroute2-0.9 pyroute2-0.7; do
  wait "${pids[$name]}" || rc=1
  echo "=== integration with ${pythons[$name]} ($name)"
  cat "$logs/$name"
done
exit $rc
