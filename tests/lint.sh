#!/usr/bin/env bash
# ansible-lint (profile production, see .ansible-lint) on the whole repo, without network look-ups; then mypy on the
# engine (plugins/module_utils, typed for Python 3.8: tests/mypy.ini).
#   tests/lint.sh [extra ansible-lint args]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export PATH=$repo/.venv/bin:$PATH
cd "$repo"
tests/collections.sh
export ANSIBLE_COLLECTIONS_PATH=$repo/.cache/collections
ansible-lint --offline --nocolor "$@"

# mypy reads the engine as ansible_collections.linuxnet.fabric..., as the modules import it.
tmp=$(mktemp -d /tmp/fabric-mypy.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ansible_collections/linuxnet"
ln -s "$repo" "$tmp/ansible_collections/linuxnet/fabric"
(cd "$tmp" && mypy --config-file "$repo/tests/mypy.ini" --cache-dir "$tmp/.mypy_cache" \
  ansible_collections/linuxnet/fabric/plugins/module_utils)
