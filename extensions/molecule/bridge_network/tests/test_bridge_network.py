"""Testinfra checks of the bridge networks the role made on every node (podman:// backend, one `podman exec` per
command). The expected networks are the include_role tasks of ../converge.yml, so they are written down once.

Molecule passes --connection=ansible; the podman:// URLs below take precedence. Outside Molecule the module skips
itself. All traffic stays inside the nodes and on their --internal podman network.
"""

import functools
import ipaddress
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import testinfra
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from fabric_probe import probe  # noqa: E402  pylint: disable=wrong-import-position

if "MOLECULE_INVENTORY_FILE" not in os.environ:
    pytest.skip("runs as a Molecule verifier only", allow_module_level=True)
with open(os.environ["MOLECULE_INVENTORY_FILE"], encoding="utf-8") as _f:
    NODES = sorted(yaml.safe_load(_f)["nodes"]["hosts"])
testinfra_hosts = [f"podman://{name}" for name in NODES]

_CONVERGE = yaml.safe_load((Path(__file__).resolve().parents[1] / "converge.yml").read_text(encoding="utf-8"))
ROLE_VARS = [t["vars"] for play in _CONVERGE for t in play["tasks"] if "ansible.builtin.include_role" in t]


def expected(role_vars):
    """What a fresh node must have for one include of the role: the role's defaults and its address rule
    (declared addresses as given, the others the lowest free host addresses, never the gateway)."""
    subnet = ipaddress.ip_network(role_vars["bridge_network_subnet"])
    gateway = ipaddress.ip_address(role_vars.get("bridge_network_gateway") or next(subnet.hosts()))
    endpoints = role_vars.get("bridge_network_endpoints", [])
    taken = {gateway} | {ipaddress.ip_address(e["address"]) for e in endpoints if e.get("address")}
    free = (ip for ip in subnet.hosts() if ip not in taken)
    return dict(
        name=role_vars["bridge_network_name"], subnet=subnet, gateway=str(gateway),
        mtu=role_vars.get("bridge_network_mtu", 1500),
        endpoints={e["name"]: str(ipaddress.ip_address(e["address"]) if e.get("address") else next(free))
                   for e in endpoints},
        published=role_vars.get("bridge_network_published_ports", []))


NETWORKS = [expected(v) for v in ROLE_VARS]
SEED = NETWORKS[0]
HTTP_GET = ("import sys, urllib.request as u; "
            "print(u.build_opener(u.ProxyHandler({})).open(sys.argv[1], timeout=3).status)")


# One `podman exec` per node reads everything the checks need (each exec costs a few tenths of a second).
READ_STATE = r"""
import json, subprocess, sys
def ip(*args):
    out = subprocess.run(["ip", "-j"] + list(args), capture_output=True, text=True).stdout
    return json.loads(out) if out.strip() else []
state = {"": dict(link=ip("-d", "link", "show"), addr=ip("-4", "addr", "show"), route=ip("-4", "route", "show"))}
for ns in sys.argv[1:]:
    state[ns] = dict(link=ip("-n", ns, "link", "show"), addr=ip("-n", ns, "-4", "addr", "show"),
                     route=ip("-n", ns, "-4", "route", "show"))
nft = subprocess.run(["nft", "-j", "list", "table", "inet", "linuxnet_fabric"], capture_output=True, text=True)
state["nft"] = json.loads(nft.stdout)["nftables"] if nft.returncode == 0 else None
state["tables"] = subprocess.run(["nft", "list", "tables"], capture_output=True, text=True).stdout.splitlines()
state["ip_forward"] = open("/proc/sys/net/ipv4/ip_forward").read().strip()
print(json.dumps(state))
"""


@functools.lru_cache(maxsize=None)
def node_state(name):
    namespaces = [e for net in NETWORKS for e in net["endpoints"]]
    host = testinfra.get_host(f"podman://{name}")
    return json.loads(host.check_output("python3 -c %s " + " ".join(["%s"] * len(namespaces)), READ_STATE, *namespaces))


def link(state, ifname):
    found = [x for x in state["link"] if x["ifname"] == ifname]
    return found[0] if found else None


def ipv4(state, ifname):
    return [f"{a['local']}/{a['prefixlen']}" for x in state["addr"] if x["ifname"] == ifname for a in x["addr_info"]]


def ping_plan():
    """(from namespace or '' for the node, address, expected answer): inside each network, to each gateway, from
    the node to each endpoint, and from each network to every other one (never)."""
    plan = []
    for net in NETWORKS:
        for endpoint in net["endpoints"]:
            plan += [(endpoint, address, True) for other, address in net["endpoints"].items() if other != endpoint]
            plan.append((endpoint, net["gateway"], True))
        plan += [("", address, True) for address in net["endpoints"].values()]
        for other in NETWORKS:
            if other is not net:
                plan += [(endpoint, address, False) for endpoint in net["endpoints"]
                         for address in other["endpoints"].values()]
    return plan


@functools.lru_cache(maxsize=None)
def probe_results():
    """ping_plan() on every node at once with linuxnet.fabric.probe: {(node, from, address): outcome}."""
    plan = [{"from": ns, "to": address, "expect": "reach" if expected else "blocked"}
            for ns, address, expected in ping_plan()]
    results = probe({name: plan for name in NODES}, timeout=0.5)
    return {(name, r["from"], r["to"]): r["outcome"] for name, result in results.items() for r in result["results"]}


def ping(name, ns, address):
    """The judge: does a raw ping from NS (or the node itself) on node NAME get an answer?"""
    prefix = f"ip netns exec {ns} " if ns else ""
    return testinfra.get_host(f"podman://{name}").run(f"{prefix}ping -c1 -W1 -q {address}").rc == 0


def node_address(name):
    return ipv4(node_state(name)[""], "eth0")[0].split("/")[0]


def test_pyroute2_matches_image(host):
    image = subprocess.check_output(
        ["podman", "inspect", "--format", "{{.ImageName}}", host.backend.name], text=True).strip()
    version = host.check_output("python3 -c 'import importlib.metadata as m; print(m.version(\"pyroute2\"))'")
    assert version.startswith("0.9." if image.endswith(":09") else "0.7."), (image, version)


@pytest.mark.parametrize("net", NETWORKS, ids=[n["name"] for n in NETWORKS])
def test_addresses_routes_and_mtu_as_declared(host, net):
    state = node_state(host.backend.name)
    bridge = link(state[""], net["name"])
    assert bridge["linkinfo"]["info_kind"] == "bridge" and bridge["mtu"] == net["mtu"] and "UP" in bridge["flags"]
    assert ipv4(state[""], net["name"]) == [f"{net['gateway']}/{net['subnet'].prefixlen}"]
    ports = [x for x in state[""]["link"] if x.get("master") == net["name"]]
    assert len(ports) == len(net["endpoints"]) and all(p["mtu"] == net["mtu"] for p in ports)
    for endpoint, address in net["endpoints"].items():
        inside = state[endpoint]
        assert ipv4(inside, "eth0") == [f"{address}/{net['subnet'].prefixlen}"], endpoint
        assert link(inside, "eth0")["mtu"] == net["mtu"] and "UP" in link(inside, "eth0")["flags"], endpoint
        assert "UP" in link(inside, "lo")["flags"], endpoint
        routes = [(r["dst"], r.get("gateway"), r["dev"]) for r in inside["route"]]
        assert routes == [("default", net["gateway"], "eth0"), (str(net["subnet"]), None, "eth0")], endpoint


def test_endpoints_reach_each_other_the_gateway_and_the_host_reaches_them(host):
    results = probe_results()
    wrong = [(ns or "node", address, results[host.backend.name, ns, address]) for ns, address, expected in ping_plan()
             if expected and results[host.backend.name, ns, address] != "reach"]
    assert not wrong, f"not reached: {wrong}"


def test_two_networks_cannot_reach_each_other(host):
    results = probe_results()
    wrong = [(ns, address, results[host.backend.name, ns, address]) for ns, address, expected in ping_plan()
             if not expected and results[host.backend.name, ns, address] != "blocked"]
    assert not wrong, f"not blocked across networks: {wrong}"
    assert any(not expected for _ns, _address, expected in ping_plan())


def test_ping_agrees_with_probe(host):
    """probe never judges itself alone: raw ping on one reached and one blocked pair of each kind."""
    results, name = probe_results(), host.backend.name
    reached = [p for p in ping_plan() if p[2]]
    blocked = [p for p in ping_plan() if not p[2]]
    for ns, address, _expected in (reached[0], reached[-1], blocked[0], blocked[-1]):
        assert ping(name, ns, address) == (results[name, ns, address] == "reach"), (name, ns, address)


def test_nat_rules_in_the_collections_table(host):
    state = node_state(host.backend.name)
    rules = [o["rule"] for o in state["nft"] or [] if "rule" in o]
    for net in NETWORKS:
        tag = f"fabric:{net['name']}:masquerade"
        masq = [r for r in rules if r["chain"] == "postrouting" and r.get("comment") == tag]
        assert len(masq) == 1 and {"masquerade": None} in masq[0]["expr"], net["name"]
        assert {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                          "right": {"prefix": {"addr": str(net["subnet"].network_address),
                                               "len": net["subnet"].prefixlen}}}} in masq[0]["expr"]
    assert state["ip_forward"] == "1"
    assert [t for t in state["tables"] if "linuxnet_fabric" in t] == ["table inet linuxnet_fabric"]


@pytest.fixture(scope="module")
def web_servers():
    """http.server in every published endpoint of every node (podman exec -d), stopped at the end by PID."""
    started = []
    for name in NODES:
        for port in SEED["published"]:
            address = SEED["endpoints"][port["endpoint"]]
            subprocess.run(["podman", "exec", "-d", name, "ip", "netns", "exec", port["endpoint"], "timeout", "300",
                            "python3", "-m", "http.server", str(port["port"]), "--bind", address], check=True)
            started.append((name, port["endpoint"], port["port"]))
    try:
        for name, endpoint, port in started:
            host = testinfra.get_host(f"podman://{name}")
            end = time.monotonic() + 10
            while not host.run(f"ip netns exec {endpoint} ss -Hltn 'sport = :{port}'").stdout.strip():
                assert time.monotonic() < end, f"http.server did not start in {name}/{endpoint}"
                time.sleep(0.2)
        yield started
    finally:
        for name, endpoint, _port in started:
            # Only the server runs in the endpoint's namespace: its PIDs are exactly what we started.
            subprocess.run(["podman", "exec", name, "sh", "-c", f"kill $(ip netns pids {endpoint}) 2>/dev/null"],
                           check=False)


def test_published_port_answers_from_the_host_and_from_other_nodes(host, web_servers):
    for port in SEED["published"]:
        for target in NODES:
            url = f"http://{node_address(target)}:{port['host_port']}/"
            # From this node's own namespace (nft output hook) or from another node (prerouting).
            assert host.check_output("python3 -c %s %s", HTTP_GET, url) == "200", (host.backend.name, url)


def test_endpoints_reach_other_nodes_through_masquerade(host, web_servers):
    """nginx-2 of this node fetches another node's published port. Without masquerade its source 172.17.0.x would
    come back to the other node's own docker0 and the answer would never arrive."""
    others = [n for n in NODES if n != host.backend.name]
    if not others:
        pytest.skip("needs a second node")
    client = list(SEED["endpoints"])[-1]
    for target in others:
        url = f"http://{node_address(target)}:{SEED['published'][0]['host_port']}/"
        assert host.check_output("ip netns exec %s python3 -c %s %s", client, HTTP_GET, url) == "200"
