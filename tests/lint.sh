#!/usr/bin/env bash
# ansible-lint (profile production, see .ansible-lint) on the whole repo, without network look-ups.
#   tests/lint.sh [extra ansible-lint args]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export PATH=$repo/.venv/bin:$PATH
cd "$repo"
tests/collections.sh
export ANSIBLE_COLLECTIONS_PATH=$repo/.cache/collections
ansible-lint --offline --nocolor "$@"
