#!/usr/bin/env bash
# Proves the podman + Molecule setup: runs the scenario template (3 privileged nodes on an --internal network,
# check, converge, idempotence, testinfra verify, destroy) from a throwaway copy in /tmp, for each image tag.
#   tests/podman/smoke.sh            # tags 09 and 07
#   tests/podman/smoke.sh 09         # one tag
# Leaves nothing behind: molecule destroys the containers and the network; the copy is removed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
eval "$("$here/prepare.sh" --env)"

tmp=$(mktemp -d /tmp/fabric-smoke.XXXXXX)
cleanup() {
  cd /
  # After an interrupted or failed run: let molecule's destroy remove what is left (containers, network).
  if podman ps -a --format '{{.Names}}' | grep -q '^fabric-smoke-' || podman network exists fabric-smoke; then
    (cd "$tmp" && molecule destroy >/dev/null 2>&1) || true
  fi
  rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/molecule"
export MOLECULE_EPHEMERAL_DIRECTORY=$tmp/ephemeral # else molecule keeps ~/.ansible/tmp/molecule.XXXX.default
cp -r "$here/molecule-template" "$tmp/molecule/default"
sed -i 's/fabric-tmpl/fabric-smoke/g' "$tmp/molecule/default/molecule.yml"

cd "$tmp"
tags=("$@")
[ ${#tags[@]} -gt 0 ] || tags=(09 07)
for t in "${tags[@]}"; do
  echo "== smoke: localhost/fabric-node:$t"
  start=$SECONDS
  FABRIC_NODE_TAG=$t molecule test
  echo "== smoke: fabric-node:$t passed in $((SECONDS - start)) s"
done
