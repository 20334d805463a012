#!/usr/bin/env bash
# Makes .cache/collections an ANSIBLE_COLLECTIONS_PATH with linuxnet.fabric (this working tree, a symlink) and
# containers.podman (Molecule's podman driver needs it; Galaxy is unreachable, so it is taken from the `ansible`
# wheel on PyPI). Idempotent. Used by .ci/setup, tests/lint.sh and tests/podman/prepare.sh.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
collections=$repo/.cache/collections
version=${ANSIBLE_WHEEL_VERSION:-12.3.0}
py=$repo/.venv/bin/python
dest=$collections/ansible_collections/containers/podman
stamp=$collections/.containers.podman.from-ansible-$version
if [ "${FORCE:-0}" = 1 ] || [ ! -f "$stamp" ] || [ ! -f "$dest/MANIFEST.json" ]; then
  echo "collections: extracting containers.podman from ansible==$version (PyPI wheel)"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  "$py" -m pip download -q --no-deps --only-binary=:all: -d "$work" "ansible==$version"
  rm -rf "$dest" "$collections"/.containers.podman.from-ansible-*
  mkdir -p "$collections"
  "$py" - "$work"/ansible-*.whl "$collections" <<'PY'
import sys, zipfile
prefix = 'ansible_collections/containers/podman/'
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith(prefix)])
PY
  touch "$stamp"
fi
link=$collections/ansible_collections/linuxnet/fabric
if [ "$(readlink "$link" 2>/dev/null)" != "../../../.." ]; then
  mkdir -p "$(dirname "$link")"
  rm -f "$link"
  ln -s ../../../.. "$link"
fi
