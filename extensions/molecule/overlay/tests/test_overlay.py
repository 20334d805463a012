"""Testinfra checks of the overlays of ../vars/overlays.yml (one l2, one l3) on the hosts of group 'overlay'.

Shared by two scenarios: 'overlay' (podman nodes; commands run with `podman exec`, podman:// backend) and 'lab'
(roles/overlay_network/molecule/lab: the hosts are namespaces lab-<host> on this machine, inside tests/sandbox;
local:// backend + `ip netns exec`). Group 'outsiders' has one host on the same underlay that is not a peer.
After side_effect.yml the last host has left the overlays; its name is in <ephemeral dir>/fabric-left.
Every command is one `podman exec` (about 0.2 s), so each node's state is read once, with one script.
All traffic stays inside the nodes (or the sandbox) and on their --internal network (or the lab's switch).
"""

import functools
import ipaddress
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import testinfra
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from fabric_probe import probe  # noqa: E402  pylint: disable=wrong-import-position

if "MOLECULE_INVENTORY_FILE" not in os.environ:
    pytest.skip("runs as a Molecule verifier only", allow_module_level=True)
with open(os.environ["MOLECULE_INVENTORY_FILE"], encoding="utf-8") as _f:
    _INVENTORY = yaml.safe_load(_f)
PODMAN = os.environ.get("MOLECULE_DRIVER_NAME") == "podman"
_LEFT = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "fabric-left")
LEFT = _LEFT.read_text(encoding="utf-8").strip() if _LEFT.exists() else None
MEMBERS = [h for h in sorted(_INVENTORY["overlay"]["hosts"]) if h != LEFT]
OUTSIDER = sorted(_INVENTORY["outsiders"]["hosts"])[0]
OVERLAYS = yaml.safe_load((Path(__file__).resolve().parents[1] / "vars" / "overlays.yml").read_text())["fabric_overlays"]
IDS = [ov["name"] for ov in OVERLAYS]
FLOOD = "00:00:00:00:00:00"
testinfra_hosts = ["local://"]  # every test drives all nodes itself (run() below)

# Everything the checks read on a node, as one JSON document; endpoints are the namespaces named <short>-*.
STATE = r"""
j() { out=$("$@" 2>/dev/null) && [ -n "$out" ] && printf '%s' "$out" || printf null; }
printf '{"links": %s, "addrs": %s, "fdb": %s, "neigh": %s, "routes": %s, "nft": %s, "endpoints": {' "$(j ip -j -d link)" "$(j ip -j -4 addr show)" \
  "$(j bridge -j fdb show)" "$(j ip -j neigh show nud permanent)" "$(j ip -j -4 route show)" \
  "$(j nft -j list table inet linuxnet_fabric)"
sep=
for ns in $(ip netns list | cut -d' ' -f1); do
  case $ns in "$1"-*) printf '%s"%s": %s' "$sep" "$ns" "$(j ip -n "$ns" -j addr show dev eth0)"; sep=,;; esac
done
echo '}}'
"""


def short(name):
    return name.rsplit("-", 1)[-1]


def run(name, script, *args):
    """SCRIPT (sh) on node NAME: in its container, or in its lab namespace. Returns testinfra's CommandResult."""
    host = testinfra.get_host(f"podman://{name}" if PODMAN else "local://")
    prefix = "" if PODMAN else f"ip netns exec lab-{name} "
    return host.run(prefix + "sh -c %s sh" + " %s" * len(args), script, *[str(a) for a in args])


def out(name, script, *args):
    res = run(name, script, *args)
    assert res.rc == 0, (name, script, res.stderr)
    return res.stdout


@functools.lru_cache(maxsize=None)
def state(name):
    data = json.loads(out(name, STATE, short(name)))
    data["by_name"] = {link["ifname"]: link for link in data["links"]}
    data["ipv4"] = {a["ifname"]: a["addr_info"][0]["local"] for a in data["addrs"] if a.get("addr_info")}
    return data


def each(fn, names):
    with ThreadPoolExecutor(len(names)) as pool:
        return dict(zip(names, pool.map(fn, names)))


@pytest.fixture(scope="module", autouse=True)
def read_all_nodes():
    each(state, MEMBERS + ([LEFT] if LEFT else []) + [OUTSIDER])


def underlay(name):
    return state(name)["ipv4"]["eth0"]


def endpoints(name, ov):
    """{endpoint namespace: its eth0 (ip -j addr)} of NAME in overlay OV (names from tasks/apply.yml)."""
    return {ns: e[0] for ns, e in state(name)["endpoints"].items() if ns.startswith(f"{short(name)}-{ov['mode']}-")}


def address(eth0):
    return next(a["local"] for a in eth0["addr_info"] if a["family"] == "inet")


def address6(eth0):
    return next((a["local"] for a in eth0["addr_info"] if a["family"] == "inet6" and a.get("scope") == "global"), None)


def vxlan(ov):
    return f"vx{ov['vni']}"


def test_pyroute2_matches_image():
    if not PODMAN:
        pytest.skip("the lab's hosts share this machine's python")
    version = "python3 -c 'import importlib.metadata as m; print(m.version(\"pyroute2\"))'"
    for name, found in each(lambda n: out(n, version).strip(), MEMBERS + [OUTSIDER]).items():
        image = subprocess.check_output(["podman", "inspect", "--format", "{{.ImageName}}", name], text=True).strip()
        assert found.startswith("0.9." if image.endswith(":09") else "0.7."), (name, image, found)


@pytest.mark.parametrize("ov", OVERLAYS, ids=IDS)
def test_every_endpoint_reaches_every_other_across_hosts_also_at_the_mtu(ov):
    """linuxnet.fabric.probe on every member, from each of its endpoints to every other endpoint: plain, and with
    DF at the endpoint's MTU (the largest packet that fits, never fragmented). ping judges one DF pair across hosts
    (it fits, one byte more does not) and the host that left."""
    eps = {ns: (name, eth0) for name in MEMBERS for ns, eth0 in endpoints(name, ov).items()}
    assert len(eps) == 2 * len(MEMBERS), sorted(eps)
    checks = {name: [] for name in MEMBERS}
    for ns, (src, eth0) in eps.items():
        for to_ns, (_dst, to) in eps.items():
            if to_ns != ns:
                checks[src] += [{"from": ns, "to": address(to)},
                                {"from": ns, "to": address(to), "size": eth0["mtu"], "df": True}]
    results = probe(checks, count=2)
    failed = {name: r["msg"] for name, r in results.items() if r.get("failed")}
    assert not failed, failed
    assert sum(len(r["results"]) for r in results.values()) == 2 * len(eps) * (len(eps) - 1)

    (ns, (src, eth0)), (_to_ns, (_dst, to)) = list(eps.items())[0], list(eps.items())[-1]
    df_ping = f"ip netns exec {ns} ping -n -q -c1 -W1 -M do -s %d {address(to)}"
    assert run(src, df_ping % (eth0["mtu"] - 28)).rc == 0, (ns, address(to))
    assert run(src, df_ping % (eth0["mtu"] - 27)).rc != 0, (ns, address(to))
    if LEFT:  # the host that left still has its overlays, but the others drop its packets
        ns, target = next(iter(endpoints(LEFT, ov))), address(next(iter(eps.values()))[1])
        assert run(LEFT, f"ip netns exec {ns} ping -n -q -c2 -W1 {target}").rc != 0, f"{LEFT}/{ns} reached {target}"


@pytest.mark.parametrize("ov", [ov for ov in OVERLAYS if ov.get("subnet6")], ids=lambda ov: ov["name"])
def test_a_dual_stack_overlay_carries_ipv6_across_hosts_also_at_the_mtu(ov):
    """Every endpoint has an address of subnet6 and reaches every other over IPv6, also with DF at the MTU."""
    eps = {ns: (name, eth0) for name in MEMBERS for ns, eth0 in endpoints(name, ov).items()}
    six = {ns: address6(eth0) for ns, (_name, eth0) in eps.items()}
    assert all(a and ipaddress.ip_address(a) in ipaddress.ip_network(ov["subnet6"]) for a in six.values()), six
    checks = {name: [] for name in MEMBERS}
    for ns, (src, eth0) in eps.items():
        checks[src] += [dict(c, **{"from": ns, "to": six[to_ns]}) for to_ns in eps if to_ns != ns
                        for c in ({}, {"size": eth0["mtu"], "df": True})]
    failed = {name: r["msg"] for name, r in probe(checks, count=2).items() if r.get("failed")}
    assert not failed, failed


@pytest.mark.parametrize("ov", OVERLAYS, ids=IDS)
def test_mtu_is_the_underlay_mtu_minus_50_everywhere(ov):
    for name in MEMBERS:
        links = state(name)["by_name"]
        want = links["eth0"]["mtu"] - 50
        got = {dev: link["mtu"] for dev, link in links.items()
               if dev in (vxlan(ov), ov["name"]) or link.get("master") == ov["name"]}
        got.update({f"{ns}:eth0": eth0["mtu"] for ns, eth0 in endpoints(name, ov).items()})
        # vxlan, bridge, 2 veths (+ the vxlan again as a bridge port in l2: same key), 2 endpoints
        assert len(got) == 6 and set(got.values()) == {want}, (name, want, got)


def firewall_peers(name, port):
    """Underlay addresses that the collection's table accepts VXLAN (UDP PORT) from."""
    peers = []
    for obj in (state(name)["nft"] or {"nftables": []})["nftables"]:
        rule = obj.get("rule")
        if not rule or rule["chain"] != "vxlan_peers":
            continue
        rights = [e["match"]["right"] for e in rule["expr"] if "match" in e]
        if port in rights:
            for right in rights:
                peers += right["set"] if isinstance(right, dict) and "set" in right else [right] if "." in str(right) else []
    return sorted(peers)


def peer_facts(name, ov):
    """NAME as a peer in OV, read from its node: underlay, VTEP MAC, and in l3 its subnet and VTEP address."""
    facts = dict(underlay=underlay(name), mac=state(name)["by_name"][vxlan(ov)]["address"])
    if ov["mode"] == "l3":  # the host's subnet: that of its bridge's address (a /24 slice, the role's default)
        subnet = ipaddress.ip_network(f"{state(name)['ipv4'][ov['name']]}/24", strict=False)
        facts.update(subnet=str(subnet), address=str(subnet.network_address))
    return facts


@pytest.mark.parametrize("ov", OVERLAYS, ids=IDS)
def test_each_host_holds_exactly_its_peers(ov):
    """l2: one flood entry per peer; l3: per peer one FDB entry (its VTEP MAC), one permanent neighbour, one route.
    Nothing about a host that left; the firewall accepts VXLAN from the peers only."""
    dev = vxlan(ov)
    facts = {name: peer_facts(name, ov) for name in MEMBERS}
    for name in MEMBERS:
        st, peers = state(name), [facts[p] for p in MEMBERS if p != name]
        fdb = [(e["mac"], e["dst"]) for e in st["fdb"] if e.get("ifname") == dev and e.get("dst")
               and (e["mac"] == FLOOD or e.get("state") == "permanent")]
        neigh = [(n["dst"], n["lladdr"]) for n in st["neigh"] if n.get("dev") == dev]
        routes = [(r["dst"], r["gateway"]) for r in st["routes"] if r.get("dev") == dev and r.get("gateway")]
        if ov["mode"] == "l2":
            assert sorted(fdb) == sorted((FLOOD, p["underlay"]) for p in peers), (name, fdb)
            assert neigh == [] and routes == [], (name, neigh, routes)
        else:
            assert sorted(fdb) == sorted((p["mac"], p["underlay"]) for p in peers), (name, fdb)
            assert sorted(neigh) == sorted((p["address"], p["mac"]) for p in peers), (name, neigh)
            assert sorted(routes) == sorted((p["subnet"], p["address"]) for p in peers), (name, routes)
        assert firewall_peers(name, ov["dstport"]) == sorted(p["underlay"] for p in peers), name


ROGUE = """set -e
trap 'ip link del rogue 2>/dev/null' EXIT
ip link add rogue type vxlan id $1 dstport $2 local $3 dev eth0 nolearning
ip addr add $4/32 dev rogue
ip link set rogue up
bridge fdb append 00:00:00:00:00:00 dev rogue dst $5
ip neigh replace $6 lladdr $7 dev rogue nud permanent
ip route replace $6/32 dev rogue
ping -n -q -c3 -i0.2 -W1 $6 >/dev/null 2>&1 || true
"""
# Counters: packets of the rogue's VXLAN port reaching the host (before the collection's filter: priority -10),
# and packets from the rogue's address reaching the endpoint.
PROBE = """set -e
nft "add table inet probe; add chain inet probe input { type filter hook input priority -10; }; \
add rule inet probe input ip saddr $1 udp dport $2 counter"
ip netns exec $3 nft "add table inet probe; add chain inet probe input { type filter hook input priority 0; }; \
add rule inet probe input ip saddr $4 counter"
"""
COUNT = """for ns in "" "ip netns exec $1"; do
  $ns nft -j list table inet probe | grep -o '"packets": [0-9]*' | cut -d' ' -f2; $ns nft delete table inet probe
done
"""


@pytest.mark.parametrize("ov", OVERLAYS, ids=IDS)
def test_a_host_outside_the_group_cannot_get_vxlan_frames_into_the_overlay(ov):
    """The outsider runs a VTEP with the overlay's VNI and port, aimed at an endpoint of the first host (l2: the
    endpoint's MAC; l3: the host's VTEP MAC). Its VXLAN packets reach the host but nothing of them the endpoint."""
    target = MEMBERS[0]
    ns, eth0 = next(iter(endpoints(target, ov).items()))
    mac = eth0["address"] if ov["mode"] == "l2" else state(target)["by_name"][vxlan(ov)]["address"]
    rogue = str(ipaddress.ip_network(ov["subnet"])[250 * 256 + 1])
    out(target, PROBE, underlay(OUTSIDER), ov["dstport"], ns, rogue)
    try:
        out(OUTSIDER, ROGUE, ov["vni"], ov["dstport"], underlay(OUTSIDER), rogue, underlay(target),
            address(eth0), mac)
    finally:
        at_host, at_endpoint = [int(n) for n in out(target, COUNT, ns).split()]
    assert at_host >= 3, "the rogue VXLAN packets did not even reach the host"
    assert at_endpoint == 0, f"{ns} received {at_endpoint} packets from the rogue VTEP"
