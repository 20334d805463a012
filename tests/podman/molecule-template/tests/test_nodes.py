"""Testinfra checks of the node containers, one `podman exec` per command (podman:// backend).

Molecule passes --connection=ansible; the podman:// URLs below take precedence (3 hosts in seconds instead of
the ansible backend's minute). The host list comes from Molecule's inventory, so names live in molecule.yml only.
"""

import json
import os
import subprocess

import pytest
import testinfra
import yaml

if "MOLECULE_INVENTORY_FILE" not in os.environ:
    pytest.skip("runs as a Molecule verifier only", allow_module_level=True)
with open(os.environ["MOLECULE_INVENTORY_FILE"], encoding="utf-8") as _f:
    NODES = sorted(yaml.safe_load(_f)["nodes"]["hosts"])
testinfra_hosts = [f"podman://{name}" for name in NODES]


def ipv4(host, ifname="eth0"):
    return json.loads(host.check_output(f"ip -j -4 addr show dev {ifname}"))[0]["addr_info"][0]["local"]


@pytest.fixture(scope="module")
def addresses():
    """Each node's address on the internal network (read from the nodes, never guessed)."""
    return {name: ipv4(testinfra.get_host(f"podman://{name}")) for name in NODES}


def test_pyroute2_matches_image(host):
    image = subprocess.check_output(
        ["podman", "inspect", "--format", "{{.ImageName}}", host.backend.name], text=True
    ).strip()
    version = host.check_output(
        "python3 -c 'import importlib.metadata as m; print(m.version(\"pyroute2\"))'"
    )
    assert version.startswith("0.9." if image.endswith(":09") else "0.7."), (image, version)


def test_can_make_a_netns(host):
    host.run("ip netns del fabric-probe")
    try:
        host.check_output("ip netns add fabric-probe && ip -n fabric-probe link set lo up")
        assert "UP" in host.check_output("ip -n fabric-probe -br link show lo")
    finally:
        host.run("ip netns del fabric-probe")


def test_network_is_internal(host):
    assert host.check_output("ip -4 route show default") == ""


def test_pings_every_peer(host, addresses):
    for peer, address in addresses.items():
        if peer != host.backend.name:
            assert host.run(f"ping -c1 -W2 {address}").rc == 0, f"{host.backend.name} -> {peer} {address}"
