#!/usr/bin/env bash
# Runs the integration suite once per module interpreter, both at once, each in its own sandbox:
# .venv's python (pyroute2 0.9.x from PyPI) and Debian's /usr/bin/python3 (python3-pyroute2 0.7.2).
# Every module-level test runs under both. The tests marked 'roles' (ansible-playbook of a role, the costly part of the
# suite, on the engine that the module tests already cover) are split between them, each on one interpreter by a
# stable hash of its id (FABRIC_SHARD, tests/integration/conftest.py), and each runs the bad input corpus in one mode
# (normal, check). ALL_ROLES=1 runs everything under both.
# Usage: [ALL_ROLES=1] tests/integration.sh [pytest args...]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
declare -A pythons=([pyroute2-0.9]="$PWD/.venv/bin/python" [pyroute2-0.7]=/usr/bin/python3)
declare -A shards=([pyroute2-0.9]=0/2 [pyroute2-0.7]=1/2)
declare -A pids
for name in "${!pythons[@]}"; do
  shard=${shards[$name]}
  [ "${ALL_ROLES:-}" = 1 ] && shard=
  FABRIC_SHARD=$shard FABRIC_TEST_PYTHON=${pythons[$name]} tests/sandbox .venv/bin/pytest tests/integration "$@" >"$logs/$name" 2>&1 &
  pids[$name]=$!
done
rc=0
for name in pyroute2-0.9 pyroute2-0.7; do
  wait "${pids[$name]}" || rc=1
  echo "=== integration with ${pythons[$name]} ($name)"
  cat "$logs/$name"
done
exit $rc
