"""Real workloads (issue 12): endpoints in namespaces the collection did not make - a running podman container
(network none, an HTTP server) attached by the role with `container:`, a plain process given by `pid`, a namespace
file given by `netns_path` - all inside tests/sandbox, with a podman of the test's own (harness.Podman).

The namespace 'host' plays the host, 'outside' is a namespace behind its uplink:

    outside 198.51.100.2 --eth0==uplink-- 198.51.100.1 [host] ctr0 10.30.0.1/24 -- web (container), client
"""
import json
import os
import subprocess
import time

import pytest

from harness import http_body, run, snapshot, snapshot_diff
from lifecycle import checked, predicted_matches, task
from test_role_bridge_network import (HOST, UPLINK, apply, changed, converge, failures, full_snapshot,
                                      table_rules)

pytestmark = pytest.mark.roles

HELLO = 'hello from %s\n'
NET = dict(bridge_network_name='ctr0', bridge_network_subnet='10.30.0.0/24', bridge_network_netns=HOST,
           bridge_network_endpoints=[dict(name='web', container='web'), dict(name='client')],
           bridge_network_published_ports=[dict(endpoint='web', port=80, host_port=8080)])


def inside(pid):
    """The links of the namespace of process PID: {name: [IPv4 addresses]}."""
    out = subprocess.run(['nsenter', '-t', str(pid), '-n', 'ip', '-j', 'addr'], capture_output=True, text=True,
                         check=True).stdout
    return dict((link['ifname'], ['%s/%d' % (a['local'], a['prefixlen']) for a in link['addr_info']
                                  if a['family'] == 'inet']) for link in json.loads(out))


def ping_from(pid, address):
    return subprocess.run(['nsenter', '-t', str(pid), '-n', 'ping', '-c1', '-W1', address], capture_output=True,
                          check=False).returncode == 0


def host_state():
    """What the collection may leave on the host: the snapshot of every named namespace and the nft ruleset of
    'host' (not ip_forward: the role turns it on and leaves it)."""
    return dict((k, v) for k, v in full_snapshot().items() if k != 'ip_forward')


def failure(results):
    """The one message the run failed with (a failed converge shows twice: itself, and the role's rescue that fails
    as it did)."""
    messages = set(message for _task, message in failures(results))
    assert len(messages) == 1, failures(results)
    return messages.pop()


def running(podman, name):
    return podman('inspect', '--format', '{{.State.Running}}', name) == 'true'


# --- containers, through the role -------------------------------------------------------------------------------

def test_container_attached_by_the_role(podman):
    run(UPLINK)
    web = podman.http('web')
    before = host_state()

    predicted, = apply(NET, check=True)
    assert failures(predicted) == []
    assert host_state() == before and inside(web) == {'lo': ['127.0.0.1/8']}, 'check mode changed something'
    made, again = apply(NET, NET)
    assert failures(made) == [] and changed(again) == []
    assert converge(predicted)['actions'] == converge(made)['actions']
    assert converge(made)['network']['endpoints']['web']['address'] == '10.30.0.2/24'
    assert inside(web) == {'lo': ['127.0.0.1/8'], 'eth0': ['10.30.0.2/24']}

    # From another endpoint, from the host, and through the published port from outside.
    assert http_body('http://10.30.0.2/', netns='client') == HELLO % 'web'
    assert http_body('http://10.30.0.2/', netns=HOST) == HELLO % 'web'
    assert http_body('http://198.51.100.1:8080/', netns='outside') == HELLO % 'web'

    # Stopped: one clear line naming the endpoint and the container, in check mode too; nothing changes.
    podman.stop('web')
    stopped = host_state()
    refused, refused_in_check = apply(NET), apply(NET, check=True)[0]
    for results in (refused[0], refused_in_check):
        assert failure(results) == ("bridge_network_endpoints[0].container='web': the container of endpoint web is "
                                    "not running (podman)")
        assert not [r['_task'] for r in results if 'Converge' in r['_task']]  # stopped before
    assert host_state() == stopped

    # Started again (a new namespace): the next run attaches it again, with the same address.
    web = podman.start('web')
    predicted, = apply(NET, check=True)
    attached, again = apply(NET, NET)
    assert failures(attached) == [] and changed(again) == []
    assert converge(attached)['changed'] and converge(predicted)['actions'] == converge(attached)['actions']
    actions = converge(attached)['actions']
    assert "create veth %s in netns 'host' (peer eth0 in netns '/proc/%d/ns/net'), attached to bridge ctr0, up" % (
        converge(made)['network']['endpoints']['web']['host_interface'], web) in actions, actions
    assert "add address 10.30.0.2/24 to eth0 in netns '/proc/%d/ns/net'" % web in actions, actions
    assert inside(web) == {'lo': ['127.0.0.1/8'], 'eth0': ['10.30.0.2/24']}
    assert http_body('http://198.51.100.1:8080/', netns='outside') == HELLO % 'web'

    # Removed: refused while the container runs in it (its PID and command named), then forced.
    attached_state = host_state()
    gone = dict(NET, bridge_network_state='absent')
    refused, = apply(gone)
    message = failure(refused)
    assert 'web' in message and str(web) in message and 'python3' in message, message
    assert host_state() == attached_state
    removed, again = apply(dict(gone, bridge_network_force=True), dict(gone, bridge_network_force=True))
    assert failures(removed) == [] and changed(again) == []
    assert running(podman, 'web') and podman.pid('web') == web and inside(web) == {'lo': ['127.0.0.1/8']}
    assert host_state() == before, snapshot_diff(before, host_state())
    assert table_rules() == []


def test_docker_cli_unknown_container_stopped_container_gone_with_absent(podman):
    """The docker CLI (here a docker command of the test's podman: no docker daemon runs in the sandbox), an
    unknown container (one clear line, whatever the runtime), and absent after the container stopped: its endpoint
    is simply gone, the host side is cleaned up."""
    run(UPLINK)
    api = podman.http('api')
    before = host_state()
    net = dict(NET, bridge_network_container_runtime='docker', bridge_network_published_ports=[],
               bridge_network_endpoints=[dict(name='api', container='api')])
    made, = apply(net)
    assert failures(made) == [] and http_body('http://10.30.0.2/', netns=HOST) == HELLO % 'api'
    assert inside(api)['eth0'] == ['10.30.0.2/24']

    # An unknown container: one line, naming what each runtime asked said.
    runtimes = ('auto', 'podman', 'docker')
    unknown = dict(net, bridge_network_endpoints=[dict(name='api', container='nope')])
    made_state = host_state()
    for runtime, results in zip(runtimes, apply(*[dict(unknown, bridge_network_container_runtime=r) for r in runtimes])):
        message = failure(results)
        assert message.startswith("bridge_network_endpoints[0].container='nope': endpoint api: no such container ("), \
            message
        assert ('podman: ' in message) is (runtime != 'docker') and ('docker: ' in message) is (runtime != 'podman')
        assert '\n' not in message
    assert host_state() == made_state

    podman.stop('api')
    removed, again = apply(dict(net, bridge_network_state='absent'), dict(net, bridge_network_state='absent'))
    assert failures(removed) == [] and changed(again) == []
    assert host_state() == before, snapshot_diff(before, host_state())


def test_container_on_an_overlay(podman):
    """overlay_network hands its endpoints to bridge_network: a container joins an overlay as well."""
    run(UPLINK)
    db = podman.http('db')
    underlay = {'name': 'underlay', 'ansible.builtin.set_fact': {'overlay_network_underlay_address': '198.51.100.1'}}
    overlay = {'name': 'overlay', 'ansible.builtin.include_role': {'name': 'linuxnet.fabric.overlay_network'},
               'vars': dict(overlay_network_name='ov0', overlay_network_vni=42, overlay_network_subnet='10.244.0.0/16',
                            overlay_network_netns=HOST, overlay_network_install_requirements=False,
                            overlay_network_endpoints=[dict(name='db', container='db')])}
    results = run([underlay, overlay])
    assert [r['msg'] for r in results if r['failed']] == []
    address = inside(db)['eth0'][0]
    assert address.startswith('10.244.0.') and http_body('http://%s/' % address.split('/')[0], netns=HOST) == \
        HELLO % 'db'


# --- processes and namespace files, through the module ----------------------------------------------------------

def test_endpoints_by_pid_and_by_netns_path(tmp_path):
    """A plain process (`unshare --net sleep`) and a namespace pinned by a file elsewhere (as /run/docker/netns/ID).
    Check mode predicts the real run; absent and purge refuse to detach the process without force, naming it; the
    namespaces are never deleted."""
    pinned = tmp_path / 'ns'
    sleeper = subprocess.Popen(['unshare', '--net', 'sleep', '600'])
    holder = subprocess.Popen(['unshare', '--net', 'sleep', '600'])
    try:
        time.sleep(0.2)
        pinned.touch()
        subprocess.run(['mount', '--bind', '/proc/%d/ns/net' % holder.pid, str(pinned)], check=True)
        holder.kill()
        holder.wait()
        base = dict(network='work', bridge='work0', subnet='10.40.0.0/24')
        both = dict(base, endpoints=[dict(name='sleeper', pid=sleeper.pid),
                                     dict(name='pinned', netns_path=str(pinned))])
        before = snapshot()

        predicted, = run([checked(task('bridge_network', **both))])
        assert not predicted['failed'] and predicted['changed'], predicted
        assert snapshot() == before and inside(sleeper.pid) == {'lo': []}
        made, again = run([task('bridge_network', **both), task('bridge_network', **both)])
        assert not made['failed'] and made['changed'] and not again['changed'], (made, again)
        assert predicted['actions'] == made['actions']
        predicted_matches(predicted['network'], made['network'])
        assert made['network'] == made['diff']['after']
        assert made['diff']['before']['endpoints'] == {}
        assert inside(sleeper.pid) == {'lo': [], 'eth0': ['10.40.0.2/24']}
        pinned_links = subprocess.run(['nsenter', '--net=%s' % pinned, 'ip', '-br', '-4', 'addr'],
                                      capture_output=True, text=True, check=True).stdout
        assert '10.40.0.3/24' in pinned_links
        assert ping_from(sleeper.pid, '10.40.0.3')

        attached = snapshot()
        purge = dict(base, endpoints=[dict(name='pinned', netns_path=str(pinned))], purge=True)
        gone = dict(base, state='absent')
        refused = run([task('bridge_network', **purge), checked(task('bridge_network', **purge)),
                       task('bridge_network', **gone), checked(task('bridge_network', **gone))])
        for r in refused:
            assert r['failed'] and 'sleeper' in r['msg'] and str(sleeper.pid) in r['msg'] and 'sleep' in r['msg'], r
        assert snapshot() == attached and 'eth0' in inside(sleeper.pid)

        predicted, purged = run([checked(task('bridge_network', force=True, **purge)),
                                 task('bridge_network', force=True, **purge)])
        assert not purged['failed'] and predicted['actions'] == purged['actions'], (predicted, purged)
        assert inside(sleeper.pid) == {'lo': []} and sleeper.poll() is None
        removed, = run([task('bridge_network', **gone)])  # nothing runs in 'pinned'
        assert not removed['failed'] and removed['changed'], removed
        assert snapshot() == before, snapshot_diff(before, snapshot())
        assert subprocess.run(['nsenter', '--net=%s' % pinned, 'ip', '-br', 'link'], capture_output=True, text=True,
                              check=True).stdout.split()[0] == 'lo'
    finally:
        sleeper.kill()
        holder.kill()
        subprocess.run(['umount', str(pinned)], check=False)


def test_reattached_endpoint_answers_at_once():
    """A restarted workload (a new namespace, attached again with the same address) answers at once, also to those
    that talked to it before: its interface gets the same MAC again, so no neighbour entry points at an old one
    (with a new random MAC, the host reached it only after its entry expired, 20 to 35 s here)."""
    first = subprocess.Popen(['unshare', '--net', 'sleep', '600'])
    second = subprocess.Popen(['unshare', '--net', 'sleep', '600'])
    try:
        time.sleep(0.2)
        net = dict(network='work', bridge='work0', subnet='10.40.0.0/24')
        other = dict(name='other')  # keeps the bridge's carrier (losing it flushes the host's neighbour entries)
        made, = run([task('bridge_network', endpoints=[dict(name='job', pid=first.pid), other], **net)])
        assert not made['failed'] and ping_from(os.getpid(), '10.40.0.2')
        first.kill()
        first.wait()
        again, = run([task('bridge_network', endpoints=[dict(name='job', pid=second.pid), other], **net)])
        assert not again['failed'] and inside(second.pid)['eth0'] == ['10.40.0.2/24']
        assert ping_from(os.getpid(), '10.40.0.2')
    finally:
        first.kill()
        second.kill()


# --- the test's podman ------------------------------------------------------------------------------------------

def test_private_podman_leaves_nothing(podman):
    """Nothing of the test's podman is in the machine's podman state, its cgroups go with close()."""
    pid = podman.http('probe')
    cid = podman('inspect', '--format', '{{.Id}}', 'probe')
    conmon = int(podman('inspect', '--format', '{{.State.ConmonPid}}', 'probe'))
    for top in ('/run/libpod', '/run/containers', '/run/runc', '/var/lib/containers', '/etc/cni'):
        for where, dirs, files in os.walk(top):
            assert not [n for n in dirs + files if cid in n or podman.dir.name in n], where
    cgroups = ['/sys/fs/cgroup/%s%s' % (h, podman.cgroup_parent) for h in ('memory', 'pids', 'systemd')]
    assert all(os.path.isdir(c) for c in cgroups)
    podman.close()
    assert not podman.dir.exists() and not any(os.path.exists(c) for c in cgroups)
    deadline = time.monotonic() + 5  # conmon may take a moment to exit
    while os.path.exists('/proc/%d' % conmon) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.exists('/proc/%d' % pid), pid
    assert not os.path.exists('/proc/%d' % conmon), open('/proc/%d/status' % conmon).read()
