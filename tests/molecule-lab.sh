#!/usr/bin/env bash
# Molecule scenario 'lab' of role overlay_network (roles/overlay_network/molecule/lab). Its delegated driver builds
# the lab of playbooks/lab/ (network namespaces) on this machine, so the whole `molecule test` runs inside
# tests/sandbox: the lab lives and dies there, never in the machine's own network namespace. `make molecule` runs
# it after the podman scenarios (tests/molecule.sh), which are kept apart because they must run outside.
#   tests/molecule-lab.sh [molecule action, default test]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
state=$(mktemp -d /tmp/fabric-molecule-lab.XXXXXX)
trap 'rm -rf "$state"' EXIT
mkdir -p "$state/collections/ansible_collections/linuxnet"
ln -s "$repo" "$state/collections/ansible_collections/linuxnet/fabric" # the working tree, no build
export PATH=$repo/.venv/bin:$PATH ANSIBLE_COLLECTIONS_PATH=$state/collections MOLECULE_EPHEMERAL_DIRECTORY=$state/lab
start=$SECONDS
echo "== molecule: scenario lab (inside tests/sandbox)"
cd "$repo/roles/overlay_network"
"$repo/tests/sandbox" molecule "${1:-test}" -s lab
echo "== molecule: lab passed in $((SECONDS - start)) s"
