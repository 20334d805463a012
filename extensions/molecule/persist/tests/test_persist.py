"""Testinfra checks of scenario persist, after side_effect.yml restarted the nodes (systemd as PID 1): the networks
came back without Ansible, by the units linuxnet-fabric@web and linuxnet-fabric@ov-l2, exactly as they were before the
restart (the endpoints' addresses, assigned ones included, and the nft rules), and traffic flows across the nodes.
../state.py reads a node's state; <ephemeral dir>/before-NODE.json holds it from before the restart."""

import json
import os
from pathlib import Path

import pytest
import testinfra
import yaml

if "MOLECULE_INVENTORY_FILE" not in os.environ:
    pytest.skip("runs as a Molecule verifier only", allow_module_level=True)
with open(os.environ["MOLECULE_INVENTORY_FILE"], encoding="utf-8") as _f:
    NODES = sorted(yaml.safe_load(_f)["nodes"]["hosts"])
EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
STATE = (Path(__file__).resolve().parents[1] / "state.py").read_text()
UNITS = {"web": "network-pre.target", "ov-l2": "network-online.target"}  # what each instance is ordered after
testinfra_hosts = ["local://"]


def node(name):
    return testinfra.get_host(f"podman://{name}")


def state(name):
    return json.loads(node(name).check_output("python3 -c %s", STATE))


@pytest.mark.parametrize("name", NODES)
def test_the_node_rebooted_with_systemd(name):
    assert node(name).file("/proc/1/comm").content_string.strip() == "systemd"
    before = json.loads((EPHEMERAL / f"before-{name}.json").read_text())
    assert state(name)["netns"] != before["netns"]  # a new network namespace: nothing of the old kernel state


@pytest.mark.parametrize("name", NODES)
@pytest.mark.parametrize("network", sorted(UNITS))
def test_the_unit_brought_the_network_back_at_boot(name, network):
    host = node(name)
    unit = f"linuxnet-fabric@{network}.service"
    shown = dict(line.split("=", 1) for line in host.check_output(
        "systemctl show -p ActiveState -p Result -p UnitFileState -p NeedDaemonReload -p After %s", unit).splitlines())
    assert shown["ActiveState"] == "active" and shown["Result"] == "success", shown
    assert shown["UnitFileState"] == "enabled" and shown["NeedDaemonReload"] == "no", shown
    assert UNITS[network] in shown["After"].split(), shown
    journal = host.check_output("journalctl -b -o cat -u %s", unit)  # the runner's actions, logged at boot
    assert f"{network}: create bridge {network} in the current netns" in journal, journal
    assert f"{network}: converged, " in journal, journal


def by_network(rules):
    """The rules of each network in each chain, in their order (at boot the units may run in another order than the
    play did, and the networks' rules in a chain are independent of each other)."""
    found = {}
    for rule in rules:
        found.setdefault("%s %s" % (rule["chain"], rule["comment"].split(":")[1]), []).append(rule)
    return found


@pytest.mark.parametrize("name", NODES)
def test_same_addresses_and_firewall_rules_as_before_the_reboot(name):
    before = json.loads((EPHEMERAL / f"before-{name}.json").read_text())
    now = state(name)
    assert now["addresses"] == before["addresses"] and len(now["addresses"]) == 5
    assert by_network(now["rules"]) == by_network(before["rules"]) and len(now["rules"]) >= 6


def test_endpoints_reach_each_other_on_a_node_and_across_nodes():
    addresses = {name: state(name)["addresses"] for name in NODES}
    for name in NODES:
        short = name.rsplit("-", 1)[-1]
        assert node(name).run("ip netns exec w-1 ping -c 3 -W 1 10.88.0.10").rc == 0
        for other in NODES:
            if other != name:
                target = addresses[other][f"{other.rsplit('-', 1)[-1]}-ov-2"][0].split("/")[0]
                assert node(name).run("ip netns exec %s-ov-1 ping -c 3 -W 1 %s", short, target).rc == 0, (name, target)
