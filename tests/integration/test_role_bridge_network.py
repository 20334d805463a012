"""The role linuxnet.fabric.bridge_network, run with include_role against the real kernel (inside the sandbox only).

The namespace 'host' plays the host (bridge_network_netns), so the bridges, ip_forward and the nft table of the
role live there and vanish with it; 'outside' is a namespace behind the host's uplink (198.51.100.0/24), for
egress NAT and published ports reached from elsewhere:

    outside 198.51.100.2 --eth0==uplink-- 198.51.100.1 [host] docker0 172.17.0.1/16 -- nginx-1, nginx-2
                                                               backend 10.20.0.254/24 -- db-1 10.20.0.10, db-2
"""
import json
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import harness
from harness import (REPO, ask, echo_server, http_get, http_server, ip_json, list_netns, listening, module_python,
                     netns_exec, ping, run, snapshot, snapshot_diff)
from lifecycle import task

pytestmark = pytest.mark.roles

HOST = 'host'
ROLE = 'linuxnet.fabric.bridge_network'
SEED = dict(bridge_network_name='docker0', bridge_network_subnet='172.17.0.0/16', bridge_network_netns=HOST,
            bridge_network_endpoints=[dict(name='nginx-1'), dict(name='nginx-2')],
            bridge_network_published_ports=[dict(endpoint='nginx-1', port=8000, host_port=8080)])
BACKEND = dict(bridge_network_name='backend', bridge_network_subnet='10.20.0.0/24', bridge_network_netns=HOST,
               bridge_network_gateway='10.20.0.254', bridge_network_mtu=1400,
               bridge_network_endpoints=[dict(name='db-1', address='10.20.0.10'),
                                         dict(name='db-2', mac_address='02:42:0a:14:00:63')])
UPLINK = [task('netns', name=HOST, loopback_up=True), task('netns', name='outside', loopback_up=True),
          task('veth', name='uplink', netns=HOST, addresses=['198.51.100.1/24'],
               peer=dict(name='eth0', netns='outside', addresses=['198.51.100.2/24']))]


# --- running the role --------------------------------------------------------------------------------------------

def role(**role_vars):
    """include_role, wrapped so that a failure stops the role and is recorded, and the play goes on (the block's
    rescue), so the next case still runs."""
    include = {'name': 'role', 'ansible.builtin.include_role': {'name': ROLE}, 'vars': role_vars}
    return {'name': 'case', 'block': [include], 'rescue': [{'name': 'rescued', 'ansible.builtin.meta': 'noop'}]}


def marker(i):
    return {'name': 'case %d' % i, 'ansible.builtin.debug': {'msg': 'case %d' % i}}


def apply(*cases, check=False):
    """Runs the role once per vars dict, in one playbook; returns one list of task results per case."""
    tasks = []
    for i, role_vars in enumerate(cases):
        tasks += [marker(i), role(**role_vars)]
    results, split = run(tasks, check=check), []
    for r in results:
        if r['_task'].startswith('case ') and r['_status'] == 'ok' and r.get('msg') == r['_task']:
            split.append([])
        elif split:
            split[-1].append(r)
    assert len(split) == len(cases), results.output()
    return split


def by_task(results, words):
    found = [r for r in results if words in r['_task']]
    assert len(found) == 1, ([r['_task'] for r in results], words)
    return found[0]


def converge(results):
    return by_task(results, 'Converge the bridge, the endpoints')


def firewall(results):
    """The firewall is part of the one converge task."""
    return converge(results)


def failures(results):
    return [(r['_task'], r.get('msg')) for r in results if r['failed']]


def changed(results):
    return [r['_task'] for r in results if r['changed']]


# --- reading the host --------------------------------------------------------------------------------------------

def ruleset(netns=HOST):
    proc = netns_exec(netns, 'nft', 'list', 'ruleset')
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def table_rules(netns=HOST):
    """The rules of 'inet linuxnet_fabric' as nft -j lists them ([] without the table)."""
    proc = netns_exec(netns, 'nft', '-j', 'list', 'table', 'inet', 'linuxnet_fabric')
    if proc.returncode:
        return []
    return [o['rule'] for o in json.loads(proc.stdout)['nftables'] if 'rule' in o]


def ip_forward(netns=HOST):
    return netns_exec(netns, 'cat', '/proc/sys/net/ipv4/ip_forward').stdout.strip()


def full_snapshot():
    """Links, addresses, routes, FDB, neighbours of every namespace, plus nft ruleset and ip_forward of the host."""
    state = snapshot()
    if HOST in state['netns']:
        state['nft'] = ruleset()
        state['ip_forward'] = ip_forward()
    return state


def addresses(netns, dev='eth0'):
    return ['%s/%s' % (a['local'], a['prefixlen']) for a in ip_json(netns, 'addr', 'show', 'dev', dev)[0]['addr_info']
            if a['family'] == 'inet']


# --- tests -------------------------------------------------------------------------------------------------------

def test_seed_network_check_mode_converge_and_no_change_rerun():
    run(UPLINK)
    fresh = full_snapshot()
    predicted, = apply(SEED, check=True)
    assert failures(predicted) == []
    assert full_snapshot() == fresh, 'check mode changed the host:\n' + snapshot_diff(fresh, full_snapshot())
    assert converge(predicted)['changed'] and firewall(predicted)['changed']

    made, again = apply(SEED, SEED)
    assert failures(made) == [] and failures(again) == []
    assert set(changed(made)) >= {converge(made)['_task'], firewall(made)['_task']}
    assert changed(again) == [], 'second run must report changed=0 for every task'
    assert converge(predicted)['actions'] == converge(made)['actions']
    assert firewall(predicted)['actions'] == firewall(made)['actions']
    assert converge(predicted)['network']['endpoints'].keys() == converge(made)['network']['endpoints'].keys()
    assert {k: v['address'] for k, v in converge(predicted)['network']['endpoints'].items()} == {
        k: v['address'] for k, v in converge(made)['network']['endpoints'].items()}
    summary = by_task(made, 'Summary')['msg']
    assert 'network docker0: 2 endpoints, 2 added, 0 removed' in summary, summary
    converged = full_snapshot()
    checked, = apply(SEED, check=True)
    assert failures(checked) == [] and changed(checked) == []
    assert full_snapshot() == converged

    # Addresses, MTU, routes as declared (read back with iproute2).
    bridge = ip_json(HOST, '-d', 'link', 'show', 'docker0')[0]
    assert bridge['linkinfo']['info_kind'] == 'bridge' and bridge['mtu'] == 1500 and 'UP' in bridge['flags']
    assert addresses(HOST, 'docker0') == ['172.17.0.1/16']
    assert addresses('nginx-1') == ['172.17.0.2/16'] and addresses('nginx-2') == ['172.17.0.3/16']
    for ns in ('nginx-1', 'nginx-2'):
        eth0 = ip_json(ns, 'link', 'show', 'eth0')[0]
        assert eth0['mtu'] == 1500 and 'UP' in eth0['flags']
        assert 'UP' in ip_json(ns, 'link', 'show', 'lo')[0]['flags']
        assert [(r['dst'], r.get('gateway'), r['dev']) for r in ip_json(ns, 'route', 'show')] == [
            ('default', '172.17.0.1', 'eth0'), ('172.17.0.0/16', None, 'eth0')]
    ports = ip_json(HOST, 'link', 'show', 'master', 'docker0')
    assert len(ports) == 2 and all(p['mtu'] == 1500 for p in ports)
    assert ip_forward() == '1'

    # The NAT rule in the collection's table (and nowhere else).
    rules = table_rules()
    masq = [r for r in rules if r['chain'] == 'postrouting' and r.get('comment') == 'fabric:docker0:masquerade']
    assert len(masq) == 1 and {'masquerade': None} in masq[0]['expr'], rules
    assert {'match': {'op': '==', 'left': {'payload': {'protocol': 'ip', 'field': 'saddr'}},
                      'right': {'prefix': {'addr': '172.17.0.0', 'len': 16}}}} in masq[0]['expr']
    assert ruleset().count('table ') == 1

    # Traffic: endpoints to each other and to the gateway, the host to each endpoint.
    assert ping('nginx-1', '172.17.0.3') and ping('nginx-2', '172.17.0.2')
    assert ping('nginx-1', '172.17.0.1') and ping('nginx-2', '172.17.0.1')
    assert ping(HOST, '172.17.0.2') and ping(HOST, '172.17.0.3')
    with echo_server('outside'), http_server('nginx-1', '172.17.0.2', 8000):
        assert listening('outside', 9000) and listening('nginx-1', 8000)
        # Egress NAT: the outside sees the host's uplink address (it has no route back to 172.17.0.0/16).
        assert ask('nginx-2', '198.51.100.2') == '198.51.100.1'
        # The published port answers from the host namespace (to any of its addresses) and from outside.
        assert http_get(HOST, 'http://172.17.0.1:8080/') == '200'
        assert http_get(HOST, 'http://198.51.100.1:8080/') == '200'
        assert http_get('outside', 'http://198.51.100.1:8080/') == '200'
        assert http_get('outside', 'http://198.51.100.1:8081/') is None


def test_two_networks_on_one_host_cannot_reach_each_other():
    run(UPLINK)
    # Control: without isolation the host routes between the two networks.
    open_seed, open_backend = (dict(v, bridge_network_isolate=False) for v in (SEED, BACKEND))
    for r in apply(open_seed, open_backend):
        assert failures(r) == []
    assert ping('nginx-1', '10.20.0.10') and ping('db-1', '172.17.0.3')

    seed, backend = apply(SEED, BACKEND)
    assert failures(seed) == [] and failures(backend) == []
    assert changed(seed) == [firewall(seed)['_task']] and changed(backend) == [firewall(backend)['_task']]
    assert not ping('nginx-1', '10.20.0.10') and not ping('nginx-2', '10.20.0.1')
    assert not ping('db-1', '172.17.0.2') and not ping('db-2', '172.17.0.3')
    # Inside each network, and to each gateway, all is well; the host reaches every endpoint.
    assert ping('nginx-1', '172.17.0.3') and ping('nginx-1', '172.17.0.1')
    assert ping('db-1', '10.20.0.1') and ping('db-2', '10.20.0.10') and ping('db-1', '10.20.0.254')
    for address in ('172.17.0.2', '172.17.0.3', '10.20.0.10', '10.20.0.1'):
        assert ping(HOST, address), address

    # The second network as declared: gateway, MTU 1400 everywhere, the declared address and MAC.
    assert addresses(HOST, 'backend') == ['10.20.0.254/24'] and ip_json(HOST, 'link', 'show', 'backend')[0]['mtu'] == 1400
    assert addresses('db-1') == ['10.20.0.10/24'] and addresses('db-2') == ['10.20.0.1/24']
    db2 = ip_json('db-2', 'link', 'show', 'eth0')[0]
    assert db2['address'] == '02:42:0a:14:00:63' and db2['mtu'] == 1400
    assert all(p['mtu'] == 1400 for p in ip_json(HOST, 'link', 'show', 'master', 'backend'))
    assert ip_json('db-2', 'route', 'show', 'default')[0]['gateway'] == '10.20.0.254'
    comments = sorted(set(r.get('comment') for r in table_rules()))
    assert comments == ['fabric:backend:bridge', 'fabric:backend:isolate', 'fabric:backend:masquerade',
                        'fabric:docker0:bridge', 'fabric:docker0:hairpin', 'fabric:docker0:isolate',
                        'fabric:docker0:localhost', 'fabric:docker0:masquerade', 'fabric:docker0:publish:tcp:8080']
    # A published port of one network answers the other, through the host as Docker's do (issue 12), and is the
    # only way in.
    with http_server('nginx-1', '172.17.0.2', 8000):
        assert listening('nginx-1', 8000)
        assert http_get(HOST, 'http://10.20.0.254:8080/') == '200'
        assert http_get('db-1', 'http://10.20.0.254:8080/') == '200'
        assert http_get('db-1', 'http://172.17.0.2:8000/') is None


def endpoint_addresses(*names):
    return {ns: addresses(ns) for ns in names}


def test_ipam_is_stable_when_endpoints_come_and_go_and_purge():
    run([task('netns', name=HOST, loopback_up=True), task('netns', name='someone-else', loopback_up=True)])
    web = dict(bridge_network_name='web', bridge_network_subnet='10.30.0.0/24', bridge_network_netns=HOST)

    def eps(*names, **fixed):
        return dict(web, bridge_network_endpoints=[
            dict(name=n, **({'address': fixed[n.replace('-', '_')]} if n.replace('-', '_') in fixed else {}))
            for n in names])

    first, = apply(eps('w-1', 'w-2', 'w-3', 'w-4', w_3='10.30.0.50'))
    assert failures(first) == []
    before = endpoint_addresses('w-1', 'w-2', 'w-3', 'w-4')
    assert before == {'w-1': ['10.30.0.2/24'], 'w-2': ['10.30.0.3/24'], 'w-3': ['10.30.0.50/24'],
                      'w-4': ['10.30.0.4/24']}

    # w-2 leaves the list (not purged, so it stays and keeps its address); w-5, w-6 arrive; the order changes.
    grown, = apply(eps('w-6', 'w-4', 'w-3', 'w-1', 'w-5', w_3='10.30.0.50'))
    assert failures(grown) == []
    assert endpoint_addresses('w-1', 'w-2', 'w-3', 'w-4') == before
    new = addresses('w-5') + addresses('w-6')
    assert sorted(new) == ['10.30.0.5/24', '10.30.0.6/24'], new
    assert 'w-2' in list_netns()

    # Purge: w-2 goes (it was made by this network); nothing else moves; a foreign namespace stays.
    purged, again = apply(*[dict(eps('w-6', 'w-4', 'w-3', 'w-1', 'w-5', w_3='10.30.0.50'),
                                 bridge_network_purge_endpoints=True)] * 2)
    assert failures(purged) == [] and changed(again) == []
    assert "delete netns 'w-2' (with eth0 (veth))" in converge(purged)['actions']
    assert 'w-2' not in list_netns() and 'someone-else' in list_netns()
    assert endpoint_addresses('w-1', 'w-3', 'w-4') == {k: v for k, v in before.items() if k != 'w-2'}
    assert 'network web: 5 endpoints, 0 added' in by_task(purged, 'Summary')['msg']

    # A new endpoint now gets the lowest free address: w-2's old one, freed by the purge.
    latest, = apply(dict(eps('w-6', 'w-4', 'w-3', 'w-1', 'w-5', 'w-7', w_3='10.30.0.50')))
    assert failures(latest) == [] and addresses('w-7') == ['10.30.0.3/24']
    assert endpoint_addresses('w-1', 'w-3', 'w-4') == {k: v for k, v in before.items() if k != 'w-2'}


FOREIGN = '''
table inet other {
    chain postrouting {
        type nat hook postrouting priority 50; policy accept;
        oifname "uplink" counter comment "fabric:docker0:masquerade"
    }
}
'''


def test_absent_removes_only_what_the_network_created():
    run(UPLINK + [task('netns', name='mine', loopback_up=True),  # a namespace the user made, joined by docker0
                  task('bridge', name='br-keep', netns=HOST, addresses=['192.0.2.1/24'])])
    backend, = apply(BACKEND)
    assert failures(backend) == []
    subprocess.run(['ip', 'netns', 'exec', HOST, 'nft', '-f', '-'], check=True, text=True, input=FOREIGN)
    without_seed = full_snapshot()

    seed = dict(SEED, bridge_network_endpoints=SEED['bridge_network_endpoints'] + [dict(name='mine')])
    made, = apply(seed)
    assert failures(made) == []
    gone_check, = apply(dict(seed, bridge_network_state='absent'), check=True)
    assert full_snapshot()['state'] != without_seed['state']
    gone, again = apply(*[dict(seed, bridge_network_state='absent')] * 2)
    assert failures(gone_check) == [] and failures(gone) == [] and changed(again) == []
    assert converge(gone_check)['actions'] == converge(gone)['actions']
    assert firewall(gone_check)['actions'] == firewall(gone)['actions']
    # Everything is as it was before the network came, down to the nft ruleset (backend's rules, the foreign
    # table) -- ip_forward stays on (backend needs it; the role never turns it off).
    after = full_snapshot()
    assert after == without_seed, snapshot_diff(without_seed, after)

    # The last network's absent also removes the (then empty) table; foreign tables stay.
    last, = apply(dict(BACKEND, bridge_network_state='absent'))
    assert failures(last) == []
    assert 'delete table inet linuxnet_fabric (no rules left in it)' in firewall(last)['actions']
    assert table_rules() == [] and 'table inet other' in ruleset()
    assert sorted(list_netns()) == ['host', 'mine', 'outside']
    assert sorted(link['ifname'] for link in ip_json(HOST, 'link', 'show')) == ['br-keep', 'lo', 'uplink']


def test_summary_counts_purged_endpoints():
    run([task('netns', name=HOST, loopback_up=True)])
    two = dict(bridge_network_name='sum', bridge_network_subnet='10.40.0.0/24', bridge_network_netns=HOST,
               bridge_network_endpoints=[dict(name='s-1'), dict(name='s-2')], bridge_network_install_requirements=False)
    one = dict(two, bridge_network_endpoints=[dict(name='s-1')], bridge_network_purge_endpoints=True)
    purged = apply(two, one)[1]
    assert failures(purged) == [] and list_netns() == ['host', 's-1']
    assert 's-2' in converge(purged)['diff']['before']['endpoints']
    assert 'network sum: 1 endpoints, 0 added, 1 removed' in by_task(purged, 'Summary')['msg']


def test_100_endpoints_in_one_role_run(capsys):
    run([task('netns', name=HOST, loopback_up=True)])
    big = dict(bridge_network_name='big', bridge_network_subnet='10.100.0.0/24', bridge_network_netns=HOST,
               bridge_network_endpoints=[dict(name='c-%03d' % i) for i in range(100)],
               bridge_network_published_ports=[dict(endpoint='c-000', port=80, host_port=8080)])
    t0 = time.monotonic()
    baseline = run([{'name': 'nothing', 'ansible.builtin.meta': 'noop'}])
    t1 = time.monotonic()
    made, = apply(big)
    t2 = time.monotonic()
    again, = apply(big)
    t3 = time.monotonic()
    assert baseline.rc == 0 and failures(made) == [] and changed(again) == []
    assert len(converge(made)['network']['endpoints']) == 100
    assert len([r for r in made if r['_task'].startswith('linuxnet.fabric.bridge_network : ')]) == len(
        [r for r in again if r['_task'].startswith('linuxnet.fabric.bridge_network : ')])
    assert len(list_netns()) == 101 and len(ip_json(HOST, 'link', 'show', 'master', 'big')) == 100
    assert addresses('c-099') == ['10.100.0.101/24']
    assert ping('c-000', '10.100.0.101') and ping(HOST, '10.100.0.51')
    with capsys.disabled():
        print('\n[100 endpoints, module python %s] role run %.1f s, no-change re-run %.1f s '
              '(ansible-playbook with one no-op task: %.1f s)' % (module_python(), t2 - t1, t3 - t2, t1 - t0))


def test_playbook_and_example_inventory_build_the_seed_network():
    """playbooks/bridge_network.yml with playbooks/inventory/bridge_network.yml, as a user would run them (the
    inventory puts everything into the namespace fabric-host), twice: the second run changes nothing."""
    state = harness._state  # pylint: disable=protected-access  # the collection the session fixture built

    def play():
        record = Path(tempfile.mkdtemp(prefix='play-', dir=state['workdir'])) / 'record.json'
        env = dict(harness.ansible_env(state['workdir']), FABRIC_RECORD_FILE=str(record))
        cmd = [str(harness.BIN / 'ansible-playbook'), '-i', str(REPO / 'playbooks/inventory/bridge_network.yml'),
               str(REPO / 'playbooks/bridge_network.yml'), '-e', 'ansible_python_interpreter=' + module_python()]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return json.loads(record.read_text())

    made, again = play(), play()
    assert failures(made) == [] and failures(again) == []
    assert 'Converge the bridge, the endpoints' in ' '.join(changed(made)) and changed(again) == []
    host = 'fabric-host'
    assert addresses(host, 'docker0') == ['172.17.0.1/16']
    assert addresses('nginx-1') == ['172.17.0.2/16'] and addresses('nginx-2') == ['172.17.0.3/16']
    assert ping('nginx-1', '172.17.0.3') and ping('nginx-2', '172.17.0.2') and ping('nginx-2', '172.17.0.1')
    assert ping(host, '172.17.0.2') and ping(host, '172.17.0.3')
    assert any(r.get('comment') == 'fabric:docker0:masquerade' for r in table_rules(host))
    with http_server('nginx-1', '172.17.0.2', 80):
        assert listening('nginx-1', 80)
        assert http_get(host, 'http://172.17.0.1:8080/') == '200'
