#!/usr/bin/env bash
# The demo: builds the seed topology with the collection, shows the pings, runs it again to show no change.
# Runs inside tests/sandbox (make demo): everything it makes vanishes with the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${FABRIC_SANDBOX:-}" = 1 ] || { echo "run me through 'make demo' (inside the sandbox)" >&2; exit 2; }

mkdir -p .cache/demo/collections/ansible_collections/linuxnet
ln -sfn "$PWD" .cache/demo/collections/ansible_collections/linuxnet/fabric
export ANSIBLE_COLLECTIONS_PATH="$PWD/.cache/demo/collections" ANSIBLE_LOCALHOST_WARNING=0 \
       ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_PYTHON_INTERPRETER="$PWD/.venv/bin/python"
play() { ansible-playbook -i localhost, "$@"; }

echo "== 1. build the seed topology"
play playbooks/seed.yml | grep -E '^(TASK|changed|ok|failed|fatal)|PLAY RECAP' -A0 | grep -v '^--$'
echo "== 2. ping"
for from in nginx-1 nginx-2; do
  for to in 172.17.0.1 172.17.0.2 172.17.0.3; do
    printf '%-8s -> %-11s ' "$from" "$to"
    ip netns exec "$from" ping -c1 -W1 -q "$to" | grep -o '[0-9]* received'
  done
done
printf '%-8s -> %-11s ' host 172.17.0.2; ping -c1 -W1 -q 172.17.0.2 | grep -o '[0-9]* received'
echo "== 3. run again: nothing to change"
play playbooks/seed.yml | tail -2
