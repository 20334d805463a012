#!/usr/bin/env bash
# The demo (make demo [MODE=l2|l3] [FAMILY=ipv4|dual|ipv6] [UNDERLAY=ipv4|ipv6]): a lab of 3 simulated hosts (network namespaces on one underlay switch, no link
# to the outside), the overlay_network role on them (2 endpoints per host), a probe matrix across hosts plus DF
# probes at the overlay MTU (linuxnet.fabric.probe), a second run that changes nothing, and a topology picture read
# back with net_info.
# Runs inside tests/sandbox: all it makes in the kernel vanishes with the sandbox. Files: .cache/lab, .cache/demo
# (make demo-clean removes both). DOCS=1 also copies the topology picture to docs/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${FABRIC_SANDBOX:-}" = 1 ] || { echo "run me through 'make demo' (inside the sandbox)" >&2; exit 2; }
MODE=${MODE:-l2}
FAMILY=${FAMILY:-ipv4}     # the families inside the overlay
UNDERLAY=${UNDERLAY:-ipv4} # the family the VXLAN runs over
[[ $FAMILY =~ ^(ipv4|dual|ipv6)$ ]] || { echo "FAMILY=$FAMILY: use ipv4, dual or ipv6" >&2; exit 2; }
[[ $UNDERLAY =~ ^(ipv4|ipv6)$ ]] || { echo "UNDERLAY=$UNDERLAY: use ipv4 or ipv6" >&2; exit 2; }
py=${FABRIC_TEST_PYTHON:-$PWD/.venv/bin/python} # the modules' Python (Debian's /usr/bin/python3: pyroute2 0.7)
[[ $MODE =~ ^l[23]$ ]] || { echo "MODE=$MODE: use l2 (bridged) or l3 (routed)" >&2; exit 2; }
out=$PWD/.cache/demo
mkdir -p "$out/collections/ansible_collections/linuxnet"
ln -sfn "$PWD" "$out/collections/ansible_collections/linuxnet/fabric"
export PATH=$PWD/.venv/bin:$PATH ANSIBLE_COLLECTIONS_PATH=$out/collections ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_PIPELINING=1 \
       ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_PYTHON_INTERPRETER=$py ANSIBLE_NOCOLOR=1
inventory=.cache/lab/inventory.yml

# play LOG PLAYBOOK [ARGS]: runs quietly into $out/LOG; prints the recap and the time, or the log when it fails.
play() {
  local log=$out/$1 start=$SECONDS; shift
  if ansible-playbook -e ansible_python_interpreter="$py" "$@" >"$log" 2>&1; then
    sed -n '/^PLAY RECAP/,$p' "$log" | grep -v -e '^$' -e '^PLAY RECAP'; echo "   ($((SECONDS - start)) s)"
  else cat "$log"; echo "demo: FAILED (log: $log)" >&2; exit 1; fi
}

echo "== 1. lab: 3 hosts (lab-h1..3, $UNDERLAY underlay on switch 'underlay'), overlay mode $MODE, $FAMILY inside"
play lab.log -i localhost, playbooks/lab/create.yml -e lab_mode="$MODE" -e lab_inventory="$PWD/$inventory" \
  -e lab_family="$FAMILY" -e lab_underlay="$UNDERLAY"
echo "== 2. overlay_network role (playbooks/overlay_network.yml)"
play run1.log -i "$inventory" playbooks/overlay_network.yml
grep -o 'overlay ov0 .*peers, mtu [0-9]*' "$out/run1.log" | sort -t' ' -k7 | sed 's/^/   /'

# The data plane, probed from inside every endpoint by linuxnet.fabric.probe (raw ICMP sockets, no ping binary).
mtu=$(ip -n h1-app1 -o link show dev eth0 | grep -o 'mtu [0-9]*' | cut -d' ' -f2)
echo "== 3. linuxnet.fabric.probe from inside every endpoint (playbooks/lab/probe.yml)"
play probe.log -i localhost, playbooks/lab/probe.yml -e lab_probe_dir="$out" -e lab_family="$FAMILY"
echo "   every endpoint to every other, rows probe columns:"
sed 's/^/   /' "$out/matrix.txt"
echo "== 4. the same with DF at the overlay MTU: $mtu-byte IP packets, never fragmented"
sed 's/^/   /' "$out/df.txt"
sed 's/^/   /' "$out/one-byte-more.txt"
if [ "$FAMILY" = dual ]; then
  echo "   IPv6, every endpoint to every other:"; sed 's/^/   /' "$out/matrix6.txt"
  echo "   IPv6 with DF at $mtu bytes:"; sed 's/^/   /' "$out/df6.txt"
fi

echo "== 5. the same playbook again: nothing to change"
play run2.log -i "$inventory" playbooks/overlay_network.yml
if grep -E '^h[0-9]+ ' "$out/run2.log" | grep -vq 'changed=0 '; then echo "demo: the second run changed something" >&2; exit 1; fi

echo "== 6. topology picture from net_info (filters linuxnet.fabric.to_mermaid / to_dot)"
play picture.log -i localhost, playbooks/lab/topology.yml -e lab_topology_dir="$out"
echo "   $out/topology.mmd  $out/topology.dot$([ -f "$out/topology.svg" ] && echo "  $out/topology.svg")"
if [ "${DOCS:-}" = 1 ]; then
  for f in mmd dot svg; do [ ! -f "$out/topology.$f" ] || cp "$out/topology.$f" docs/; done; echo "   copied to docs/"
fi
other=l3; [ "$MODE" = l2 ] || other=l2
echo "demo: done in ${SECONDS} s (mode $MODE, $FAMILY over $UNDERLAY; make demo MODE=$other, or FAMILY=dual, for another one; make demo-clean removes .cache/lab and .cache/demo)"
