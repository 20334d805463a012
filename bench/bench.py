"""linuxnet.fabric benchmarks: converge time and scale against ip -batch, the CNI bridge plugin and a naive playbook.

Run inside tests/sandbox with the venv's python (make bench does both):
    tests/sandbox .venv/bin/python bench/bench.py [--sizes 10,100,500] [--big 1000] [--naive 10,50] [--runs 3]
        [--overlay 10,25,50] [--out DIR]

Every figure is the median of --runs runs, all scenarios of a size interleaved in one process, so ratios hold on
a noisy machine. The network lives in the sandbox's own netns (it plays the host); everything is deleted between
runs. Writes DIR/results.json, DIR/results.md and (if matplotlib imports) DIR/bench.png.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / 'tests' / 'integration'))
import harness  # noqa: E402  (sandbox guard, collection build, ansible environment, cleanup)

BRIDGE, SUBNET, GATEWAY, PREFIX = 'bench0', '10.88.0.0/16', '10.88.0.1', 16
CNI_PATH = '/usr/lib/cni'
WORK = Path(tempfile.mkdtemp(prefix='fabric-bench-'))


def ep_name(i):
    return 'ep%d' % i


def ep_addr(i):
    return '10.88.%d.%d' % ((i + 1) // 256, (i + 1) % 256)  # i = 1.. -> .2, .3, ... (the role's order)


def timed(fn, *args):
    t = time.monotonic()
    out = fn(*args)
    return time.monotonic() - t, out


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


# ---------------------------------------------------------------- sandbox state

def net_namespaces():
    """Namespaces alive in the kernel (slab objects): deletion is asynchronous, so wait for them to go."""
    with open('/proc/slabinfo') as f:
        for line in f:
            if line.startswith('net_namespace '):
                return int(line.split()[1])
    return 0


def cleanup():
    """Deletes everything made in the sandbox, then waits (at most 20 s) until the kernel has freed the namespaces,
    so their teardown does not eat into the next measurement. The slab count is machine-wide (other processes make
    namespaces too): wait until it stops falling."""
    harness.cleanup()
    subprocess.run(['nft', 'flush', 'ruleset'], capture_output=True, check=False)
    deadline, last, still = time.monotonic() + 20, net_namespaces(), 0
    while still < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
        now = net_namespaces()
        still = still + 1 if now >= last else 0
        last = now


def verify(n):
    """The network is there: N namespaces, each with eth0 up, an address and a default route (spot checks)."""
    names = harness.list_netns()
    assert len(names) == n, 'expected %d namespaces, found %d' % (n, len(names))
    for i in sorted({1, n}):
        routes = harness.ip_json(ep_name(i), 'route', 'show', 'default') or []
        assert routes and routes[0].get('gateway') == GATEWAY, 'no default route in %s: %s' % (ep_name(i), routes)
    ports = harness.ip_json(None, 'link', 'show', 'master', BRIDGE) or []
    assert len(ports) == n, 'expected %d bridge ports, found %d' % (n, len(ports))


# ---------------------------------------------------------------- ansible

def play(tasks=None, roles=None, python=None):
    p = dict(name='bench', hosts='localhost', connection='local', gather_facts=False,
             vars=dict(ansible_python_interpreter=python or harness.module_python()))
    if roles:
        p['roles'] = roles
    p['tasks'] = tasks or []
    return [p]


def recap_of(stdout):
    """{host: {ok: n, changed: n, ...}} from the PLAY RECAP of ansible-playbook's output."""
    found = {}
    for host, counts in re.findall(r'^(\S+)\s+: (ok=.*)$', stdout, re.M):
        found[host] = dict((k, int(v)) for k, v in re.findall(r'(\w+)=(\d+)', counts))
    return found


def ansible(plays, name, pipelining=True, recap=None):
    """Runs a playbook; returns (wall seconds of ansible-playbook, [task times], [task results]). 'recap', a dict,
    gets the play recap's counts of localhost."""
    d = Path(tempfile.mkdtemp(prefix=name + '-', dir=WORK))
    (d / 'play.yml').write_text(json.dumps(plays))
    env = harness.ansible_env(WORK)
    env.update(ANSIBLE_CALLBACK_PLUGINS='%s:%s' % (harness.HERE / 'callback_plugins', REPO / 'bench' / 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='record,bench_timer', FABRIC_RECORD_FILE=str(d / 'record.json'),
               FABRIC_BENCH_TIMES=str(d / 'times.json'), ANSIBLE_PIPELINING='1' if pipelining else '0')
    t = time.monotonic()
    proc = subprocess.run([str(harness.BIN / 'ansible-playbook'), '-i', 'localhost,', str(d / 'play.yml')],
                          capture_output=True, text=True, env=env, check=False)
    wall = time.monotonic() - t
    if proc.returncode:
        raise RuntimeError('%s: ansible-playbook failed\n%s\n%s' % (name, proc.stdout[-4000:], proc.stderr[-4000:]))
    if recap is not None:
        recap.update(recap_of(proc.stdout).get('localhost', {}))
    return wall, json.loads((d / 'times.json').read_text()), json.loads((d / 'record.json').read_text())


def role_play(n, python=None):
    endpoints = [dict(name=ep_name(i)) for i in range(1, n + 1)]
    return play(roles=[dict(role='linuxnet.fabric.bridge_network', vars=dict(
        bridge_network_name=BRIDGE, bridge_network_subnet=SUBNET, bridge_network_endpoints=endpoints,
        bridge_network_masquerade=False, bridge_network_isolate=False))], python=python)


def task_time(times, prefix):
    return sum(t['seconds'] for t in times if t['task'].startswith(prefix))


def run_role(n, expect_changed, python=None):
    recap = {}
    wall, times, results = ansible(role_play(n, python), 'role%d' % n, recap=recap)
    module = [r for r in results if r['_task'].startswith('Converge')][0]
    assert module['changed'] == expect_changed, 'bridge_network changed=%s, expected %s' % (module['changed'], expect_changed)
    return dict(wall=wall, module_task=task_time(times, 'Converge'), ok=recap.get('ok'))


def naive_tasks(n):
    """One ansible.builtin.command task per ip command."""
    cmds = ['ip link add %s type bridge' % BRIDGE, 'ip addr add %s/%d dev %s' % (GATEWAY, PREFIX, BRIDGE),
            'ip link set %s up' % BRIDGE]
    for i in range(1, n + 1):
        ns = ep_name(i)
        cmds += ['ip netns add %s' % ns, 'ip link add veth%d type veth peer name eth0 netns %s' % (i, ns),
                 'ip link set veth%d master %s up' % (i, BRIDGE), 'ip -n %s link set lo up' % ns,
                 'ip -n %s addr add %s/%d dev eth0' % (ns, ep_addr(i), PREFIX), 'ip -n %s link set eth0 up' % ns,
                 'ip -n %s route add default via %s' % (ns, GATEWAY)]
    return [{'name': c, 'ansible.builtin.command': c} for c in cmds]


# ---------------------------------------------------------------- ip -batch and CNI

def ip_batch(n):
    host = ['link add %s type bridge' % BRIDGE, 'addr add %s/%d dev %s' % (GATEWAY, PREFIX, BRIDGE),
            'link set %s up' % BRIDGE]
    for i in range(1, n + 1):
        host += ['netns add %s' % ep_name(i), 'link add veth%d type veth peer name eth0 netns %s' % (i, ep_name(i)),
                 'link set veth%d master %s up' % (i, BRIDGE)]
    sh(['ip', '-batch', '-'], input='\n'.join(host) + '\n')
    for i in range(1, n + 1):
        inner = ['link set lo up', 'addr add %s/%d dev eth0' % (ep_addr(i), PREFIX), 'link set eth0 up',
                 'route add default via %s' % GATEWAY]
        sh(['ip', '-n', ep_name(i), '-batch', '-'], input='\n'.join(inner) + '\n')


def cni(n, data_dir):
    """Namespaces made by one ip -batch (a runtime's job), then one bridge plugin ADD (host-local IPAM) each."""
    conf = json.dumps(dict(cniVersion='1.0.0', name='bench', type='bridge', bridge=BRIDGE, isGateway=True,
                           ipMasq=False, ipam=dict(type='host-local', subnet=SUBNET, dataDir=str(data_dir),
                                                   routes=[dict(dst='0.0.0.0/0')])))
    sh(['ip', '-batch', '-'], input=''.join('netns add %s\n' % ep_name(i) for i in range(1, n + 1)))
    for i in range(1, n + 1):
        env = dict(os.environ, CNI_COMMAND='ADD', CNI_CONTAINERID='bench-%d' % i, CNI_NETNS='/run/netns/' + ep_name(i),
                   CNI_IFNAME='eth0', CNI_PATH=CNI_PATH)
        sh([CNI_PATH + '/bridge'], input=conf, env=env)
        sh(['ip', '-n', ep_name(i), 'link', 'set', 'lo', 'up'])  # what the runtime's loopback plugin would do


# ---------------------------------------------------------------- scenarios

def median(values):
    return round(statistics.median(values), 3)


def bench_size(n, runs, python, other=None, with_cni=True):
    """(a)-(d) at N; with 'other' (a second module interpreter) also (a) and (b) with it."""
    samples = dict(role=[], role_task=[], rerun=[], rerun_task=[], ip_batch=[], cni=[])
    for py, suffix in [(python, '')] + ([(other, '_other')] if other else []):
        for key in ('role', 'role_task', 'rerun', 'rerun_task'):
            samples.setdefault(key + suffix, [])
    for _run in range(runs):
        for py, suffix in [(python, '')] + ([(other, '_other')] if other else []):
            cleanup()
            r = run_role(n, True, py)
            verify(n)
            samples['role' + suffix].append(r['wall'])
            samples['role_task' + suffix].append(r['module_task'])
            r = run_role(n, False, py)
            samples['rerun' + suffix].append(r['wall'])
            samples['rerun_task' + suffix].append(r['module_task'])
            tasks_ok = r['ok']
        cleanup()
        samples['ip_batch'].append(timed(ip_batch, n)[0])
        verify(n)
        if with_cni:
            cleanup()
            data = Path(tempfile.mkdtemp(prefix='cni-', dir=WORK))
            samples['cni'].append(timed(cni, n, data)[0])
            verify(n)
    cleanup()
    if not with_cni:
        del samples['cni']
    out = dict((k, median(v)) for k, v in samples.items())
    out['samples'] = dict((k, [round(x, 3) for x in v]) for k, v in samples.items())
    out['rerun_ok'] = tasks_ok  # ok= of the play recap of a no-change run (argument spec check included)
    return out


def bench_naive(n, runs, python):
    samples = []
    for _run in range(runs):
        cleanup()
        wall, _times, _results = ansible(play(naive_tasks(n), python=python), 'naive%d' % n)
        verify(n)
        samples.append(wall)
    cleanup()
    return dict(naive=median(samples), tasks=len(naive_tasks(n)), samples=[round(x, 3) for x in samples])


def bench_single_task(runs, python, k=10):
    """K identical no-op linuxnet.fabric.bridge tasks after one that creates the bridge; per-task cost from the
    callback's timing and from the play's wall time (K vs 1), with and without pipelining."""
    out = {}
    task = {'linuxnet.fabric.bridge': dict(name=BRIDGE, addresses=['%s/%d' % (GATEWAY, PREFIX)], up=True)}
    for pipelining in (True, False):
        per_task, walls1, wallsk = [], [], []
        for _run in range(runs):
            cleanup()
            wall1, _t, _r = ansible(play([dict(task)], python=python), 'one', pipelining)
            wallk, times, results = ansible(play([dict(task) for _task in range(k)], python=python), 'many', pipelining)
            assert not any(r['changed'] for r in results), 'a no-op bridge task changed something'
            per_task.append(statistics.median(t['seconds'] for t in times))
            walls1.append(wall1)
            wallsk.append(wallk)
        key = 'pipelining' if pipelining else 'no_pipelining'
        out[key] = dict(task=median(per_task), play_1=median(walls1), play_k=median(wallsk), k=k,
                        from_walls=median([(b - a) / (k - 1) for a, b in zip(walls1, wallsk)]))
    cleanup()
    return out


def bench_vxlan(runs, python, peers=100):
    remotes = ['192.0.2.%d' % i if i < 255 else '198.51.100.%d' % (i - 254) for i in range(1, peers + 1)]
    task = {'name': 'vxlan', 'linuxnet.fabric.vxlan': dict(name='vx0', vni=42, dstport=4789, local='192.0.2.254'
                                                           if peers < 254 else '203.0.113.1', remotes=remotes)}
    first, again = [], []
    for _run in range(runs):
        cleanup()
        _w, times, results = ansible(play([task], python=python), 'vxlan')
        assert results[0]['changed'] and len(results[0]['vxlan']['remotes']) == peers
        first.append(times[0]['seconds'])
        _w, times, results = ansible(play([task], python=python), 'vxlan')
        assert not results[0]['changed']
        again.append(times[0]['seconds'])
    cleanup()
    return dict(peers=peers, first=median(first), rerun=median(again))


def bench_adhoc(runs, python, k=5):
    """An ad-hoc run (ansible localhost -m ...) of linuxnet.fabric.netns that changes nothing, against one of
    ansible.builtin.stat: the cost of one single-resource module task, start-up included. Interleaved, medians of
    runs x k each."""
    env = harness.ansible_env(WORK)
    env.pop('ANSIBLE_CALLBACKS_ENABLED', None)

    def adhoc(module, args):
        cmd = [str(harness.BIN / 'ansible'), 'localhost', '-i', 'localhost,', '-c', 'local', '-e',
               'ansible_python_interpreter=%s' % python, '-m', module, '-a', args]
        t = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        took = time.monotonic() - t
        if proc.returncode:
            raise RuntimeError('%s: %s\n%s' % (module, proc.stdout[-2000:], proc.stderr[-2000:]))
        return took, proc.stdout
    cleanup()
    _t, out = adhoc('linuxnet.fabric.netns', 'name=adhoc loopback_up=true')
    assert 'CHANGED' in out, out
    netns, stat = [], []
    for _i in range(runs * k):
        took, out = adhoc('linuxnet.fabric.netns', 'name=adhoc loopback_up=true')
        assert 'SUCCESS' in out and '"changed": false' in out, out
        netns.append(took)
        stat.append(adhoc('ansible.builtin.stat', 'path=/run/netns')[0])
    cleanup()
    return dict(netns=median(netns), stat=median(stat), count=len(netns))


NEIGH_LIMIT = 1024  # net.ipv4.neigh.default.gc_thresh3: the entries of the ARP table all namespaces share


def reach(netns, address, within=90):
    """Seconds until 'address' first answers a ping from 'netns' (None: not within 'within' seconds)."""
    start = time.monotonic()
    while time.monotonic() - start < within:
        if harness.ping(netns, address, count=1):
            return round(time.monotonic() - start, 1)
        time.sleep(1)
    return None


def bench_overlay(hosts, modes, runs, forks=10):
    """The overlay role on the lab (playbooks/lab): H simulated hosts (namespaces on one underlay switch), 2
    endpoints each, forks=10; the first run, then a run that changes nothing. {mode: {H: {first, rerun, ok}}}."""
    import lab  # tests/integration/lab.py: builds the lab and runs the playbooks of the built collection
    out = {}
    for mode in modes:
        out[mode] = {}
        for h in hosts:
            first, again, ok = [], [], None
            for _run in range(runs):
                cleanup()
                inventory = WORK / ('lab-%s-%d.yml' % (mode, h))
                recap, _res, output = lab.playbook('lab/create.yml', 'localhost,', '-e', 'lab_mode=%s' % mode,
                                                   '-e', 'lab_hosts=%d' % h, '-e', 'lab_inventory=%s' % inventory)
                assert recap.get('localhost', {}).get('failed') == 0 and inventory.exists(), output
                for samples, changed in ((first, True), (again, False)):
                    t = time.monotonic()
                    recap, _res, output = lab.playbook('overlay_network.yml', inventory, '-f', str(forks))
                    samples.append(time.monotonic() - t)
                    assert len(recap) == h and all(r['failed'] == 0 for r in recap.values()), output
                    assert all(bool(r['changed']) is changed for r in recap.values()), output
                    ok = max(r['ok'] for r in recap.values())
                eps = [ns for ns in harness.list_netns() if re.match(r'h\d+-app\d+$', ns)]
                assert len(eps) == 2 * h, eps
                far = 'h%d-app2' % h
                address = lab.endpoints(hosts=('h1',)).get('h1-app1')
                reached = reach(far, address)
                # All lab hosts share the kernel's one ARP table: past gc_thresh3 entries it drops packets for a
                # while (docs/BENCHMARKS.md, 'Probing at scale'). Below that the first reply must come at once.
                crowded = h * (h - 1) >= NEIGH_LIMIT
                assert address and (crowded or reached is not None and reached < 5), (far, address, reached)
            out[mode][str(h)] = dict(first=median(first), rerun=median(again), ok=ok, reached_after=reached,
                                     samples=dict(first=[round(x, 3) for x in first], rerun=[round(x, 3) for x in again]))
            print('  overlay %s H=%d: %s' % (mode, h, json.dumps(out[mode][str(h)])), flush=True)
    cleanup()
    return out


def bench_memory(n, python):
    """Peak RSS (MiB) of the bridge_network module process building N endpoints (a wrapper interpreter records
    it)."""
    wrapper = WORK / 'python-maxrss'
    rss_file = WORK / 'maxrss'
    wrapper.write_text('#!/bin/sh\nexec %s %s %s %s "$@"\n' % (
        sys.executable, REPO / 'bench' / 'maxrss.py', rss_file, python))
    wrapper.chmod(0o755)
    cleanup()
    found = {}
    for key, changed in (('create', True), ('rerun', False)):
        rss_file.write_text('')
        run_role(n, changed, str(wrapper))
        found[key] = round(max(int(x) for x in rss_file.read_text().split()) / 1024.0, 1)  # one module: bridge_network
    cleanup()
    return found


def bench_net_info(n, runs, python):
    """net_info reading back N endpoints (all namespaces, one task)."""
    cleanup()
    run_role(n, True, python)
    info = []
    for _run in range(runs):
        _w, times, results = ansible(play([{'name': 'info', 'linuxnet.fabric.net_info': {}}], python=python), 'info')
        assert len(results[0]['net']['namespaces']) == n + 1
        info.append(times[0]['seconds'])
    cleanup()
    return dict(net_info=median(info))


# ---------------------------------------------------------------- report

def versions(python):
    def out(cmd):
        try:
            return sh(cmd).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None
    cpu = [line.split(':', 1)[1].strip() for line in open('/proc/cpuinfo') if line.startswith('model name')]
    return dict(date=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
                cpu='%s x %d' % (cpu[0] if cpu else platform.machine(), os.cpu_count()),
                kernel=platform.release(), ip=out(['ip', '-V']),
                ansible_core=out([str(harness.BIN / 'ansible'), '--version']).splitlines()[0],
                module_python=python, module_pyroute2=out([python, '-c', 'import importlib.metadata as m; print(m.version("pyroute2"))']),
                cni_plugins=out(['dpkg-query', '-W', '-f', '${Version}', 'containernetworking-plugins']))


def ratio(a, b):
    return round(a / b, 2) if b else None


def by_n(d):
    return sorted(d.items(), key=lambda x: int(x[0]))


def markdown(res):
    lines = ['Medians of %d runs; seconds of wall time. Module python: %s (pyroute2 %s). Load average %s at the '
             'start, %s at the end.' % (res['runs'], res['env']['module_python'], res['env']['module_pyroute2'],
                                        res['env'].get('loadavg_start'), res['env'].get('loadavg_end')), '',
             '| N | (a) role, 1 play | module task of (a) | (b) re-run, no change | module task of (b) | (c) ip -batch '
             '| (d) CNI bridge ADD xN | (a)/(c) | (d)/(a) | (b)/(c) |',
             '|---|---|---|---|---|---|---|---|---|---|']
    sizes = dict(res['sizes'], **res.get('big', {}))
    for n, s in by_n(sizes):
        cni = s.get('cni')
        lines.append('| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %.2fx | %s | %.2fx |' % (
            n, s['role'], s['role_task'], s['rerun'], s['rerun_task'], s['ip_batch'],
            '%.2f' % cni if cni else 'not run', ratio(s['role'], s['ip_batch']),
            '%.2fx' % ratio(cni, s['role']) if cni else '-', ratio(s['rerun'], s['ip_batch'])))
    for n, s in by_n(sizes):
        if 'role_other' in s:
            lines += ['', 'With %s (pyroute2 %s) as module interpreter at N=%s: (a) %.2f s (module task %.2f), (b) %.2f s '
                      '(module task %.2f); (a)/(c) %.2fx, (d)/(a) %.2fx, (b)/(c) %.2fx.' % (
                          res['env'].get('other_python'), res['env'].get('other_pyroute2'), n, s['role_other'],
                          s['role_task_other'], s['rerun_other'], s['rerun_task_other'],
                          ratio(s['role_other'], s['ip_batch']), ratio(s['cni'], s['role_other']),
                          ratio(s['rerun_other'], s['ip_batch']))]
    if res.get('naive'):
        lines += ['', '| N | (e) naive playbook, one command task per ip call (median of %d) | tasks | per task |' % len(
            list(res['naive'].values())[0]['samples']), '|---|---|---|---|']
        for n, s in by_n(res['naive']):
            lines.append('| %s | %.2f | %d | %.3f |' % (n, s['naive'], s['tasks'], s['naive'] / s['tasks']))
    if res.get('overlay'):
        lines += ['', 'Overlay role on the lab, forks = 10, 2 endpoints per host (seconds of the whole '
                  '`ansible-playbook`; ok = tasks per host in the no-change run\'s recap; first reply = seconds until '
                  'the last host\'s second endpoint first reached the first host\'s first, after the runs):', '',
                  '| mode | hosts | first run | no-change run | ok per host | first run / 10 hosts | first reply |',
                  '|---|---|---|---|---|---|---|']
        for mode, per in sorted(res['overlay'].items()):
            base = per.get('10', {}).get('first')
            for h, o in by_n(per):
                growth = '%.2fx' % ratio(o['first'], base) if base else '-'
                reply = o.get('reached_after')
                lines.append('| %s | %s | %.2f | %.2f | %s | %s | %s |' % (
                    mode, h, o['first'], o['rerun'], o['ok'], growth, 'none in 90 s' if reply is None else '%.1f s' % reply))
    other = []
    single = res.get('single_task')
    if single:
        for key, label in (('pipelining', 'ANSIBLE_PIPELINING=1'), ('no_pipelining', 'ANSIBLE_PIPELINING=0')):
            s = single[key]
            other.append('| one no-op `linuxnet.fabric.bridge` task, %s (callback; from play walls %d vs 1 task) '
                         '| %.3f (%.3f) |' % (label, s['k'], s['task'], s['from_walls']))
    if res.get('adhoc'):
        a = res['adhoc']
        other.append('| ad-hoc `ansible localhost -m linuxnet.fabric.netns` (no change; median of %d) | %.3f |'
                     % (a['count'], a['netns']))
        other.append('| ad-hoc `ansible localhost -m ansible.builtin.stat`, same run | %.3f |' % a['stat'])
    if res.get('vxlan'):
        v = res['vxlan']
        other.append('| vxlan with %d flood entries, one task: create | %.3f |' % (v['peers'], v['first']))
        other.append('| same task re-run (no change) | %.3f |' % v['rerun'])
    for n, rss in by_n(res.get('rss', {})):
        other.append('| peak RSS of the bridge_network module process at N=%s, first run / no-change run (MiB) '
                     '| %.1f / %.1f |' % (n, rss['create'], rss['rerun']))
    if res.get('memory'):
        m = res['memory']
        other.append('| `net_info` read-back of N=%s (task) | %.3f |' % (m['n'], m['net_info']))
    if other:
        lines += ['', '| measurement | seconds (or as said) |', '|---|---|'] + other
    return '\n'.join(lines + targets(res)) + '\n'


def targets(res):
    """The targets of issue 15 (ratios in this run), each with its measured value."""
    ref = '500' if '500' in res['sizes'] else str(max(int(n) for n in res['sizes']))
    s = res['sizes'][ref]
    rows = [('(a) at N=%s <= 1.5x ip -batch (aim: 1.0x)' % ref, ratio(s['role'], s['ip_batch']), '<=', 1.5),
            ('module task of (a) at N=%s <= 1.0x ip -batch' % ref, ratio(s['role_task'], s['ip_batch']), '<=', 1.0),
            ('(b) at N=%s <= 0.6x ip -batch' % ref, ratio(s['rerun'], s['ip_batch']), '<=', 0.6),
            ('module task of (b) at N=%s <= 0.25x ip -batch' % ref, ratio(s['rerun_task'], s['ip_batch']), '<=', 0.25),
            ('(d) CNI at N=%s >= 2.5x (a)' % ref, ratio(s['cni'], s['role']), '>=', 2.5),
            ('role bridge_network, no change: tasks per host (recap ok=) <= 3', s.get('rerun_ok'), '<=', 3)]
    for n, b in by_n(res.get('big', {})):  # the N=2000 <= 4.5x N=500, scaled (a bridge takes 1023 ports)
        limit = round(4.5 * int(n) / 2000, 2)
        rows.append(('(a) at N=%s <= %sx (a) at N=%s' % (n, limit, ref), ratio(b['role'], s['role']), '<=', limit))
    if ref in res.get('rss', {}):
        rows.append(('peak RSS at N=%s <= 80 MiB (the larger of first and no-change run)' % ref,
                     max(res['rss'][ref].values()), '<=', 80))
    if res.get('adhoc'):
        rows.append(('ad-hoc netns (no change) <= 1.08x ad-hoc stat', ratio(res['adhoc']['netns'], res['adhoc']['stat']),
                     '<=', 1.08))
    for mode, per in sorted(res.get('overlay', {}).items()):
        oks = [o['ok'] for o in per.values()]
        rows.append(('role overlay_network (%s), converged host: tasks (recap ok=) <= 5' % mode, max(oks), '<=', 5))
        if '10' in per and '50' in per:
            rows.append(('overlay (%s) first run: 50 hosts <= 6x 10 hosts' % mode,
                         ratio(per['50']['first'], per['10']['first']), '<=', 6))
    if res.get('vxlan'):
        rows.append(('%d-peer flood FDB in one task <= 1 s' % res['vxlan']['peers'], res['vxlan']['first'], '<=', 1.0))
    out = ['', '| target | measured | met |', '|---|---|---|']
    for text, value, op, limit in rows:
        met = value is not None and (value <= limit if op == '<=' else value >= limit)
        out.append('| %s | %s | %s |' % (text, value, 'yes' if met else 'no'))
    return out


def plot(res, path):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError as e:
        print('plot skipped: %s' % e)
        return None
    sizes = dict(res['sizes'], **res.get('big', {}))
    ns = sorted(sizes, key=int)
    panels = 2 if res.get('overlay') else 1
    fig, axes = plt.subplots(1, panels, figsize=(7 * panels, 4.5), squeeze=False)
    ax = axes[0][0]
    for key, label in (('role', '(a) bridge_network role'), ('rerun', '(b) role re-run, no change'),
                       ('ip_batch', '(c) ip -batch'), ('cni', '(d) CNI bridge plugin ADD x N')):
        xs = [n for n in ns if key in sizes[n]]
        ax.plot([int(n) for n in xs], [sizes[n][key] for n in xs], marker='o', label=label)
    if res.get('naive'):
        nx = sorted(res['naive'], key=int)
        ax.plot([int(n) for n in nx], [res['naive'][n]['naive'] for n in nx], marker='x', linestyle=':',
                label='(e) naive playbook')
    ax.set_xscale('log')
    ax.set_yscale('log')
    ax.set_xlabel('endpoints (N)')
    ax.set_ylabel('seconds (median of %d)' % res['runs'])
    ax.set_title('one bridge network with N endpoints')
    ax.grid(True, which='both', alpha=0.3)
    ax.legend()
    if res.get('overlay'):
        ax = axes[0][1]
        for mode, per in sorted(res['overlay'].items()):
            hs = sorted(per, key=int)
            for key, style, label in (('first', '-', 'first run'), ('rerun', '--', 'no-change run')):
                ax.plot([int(h) for h in hs], [per[h][key] for h in hs], marker='o', linestyle=style,
                        label='%s, %s' % (mode, label))
        ax.set_xlabel('lab hosts (2 endpoints each, forks = 10)')
        ax.set_ylabel('seconds, whole ansible-playbook')
        ax.set_title('overlay_network role on the lab')
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle('linuxnet.fabric (%s)' % res['env']['date'])
    fig.tight_layout()
    fig.savefig(path)
    return str(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--sizes', default='10,50,100,500')
    ap.add_argument('--big', default='',
                    help="sizes run once, without CNI, for linearity and memory (e.g. 1000: a bridge takes 1023 ports)")
    ap.add_argument('--naive', default='10,50', help="sizes for the naive playbook ('' to skip)")
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--naive-runs', type=int, default=None, help='runs of the naive playbook (default: --runs)')
    ap.add_argument('--peers', type=int, default=100)
    ap.add_argument('--overlay', default='10,25,50', help="lab sizes (hosts) for the overlay scale run ('' to skip)")
    ap.add_argument('--overlay-modes', default='l2,l3')
    ap.add_argument('--overlay-runs', type=int, default=1)
    ap.add_argument('--out', default=str(REPO / 'bench' / 'results'))
    ap.add_argument('--python', default=None, help='module interpreter (default: the venv python)')
    ap.add_argument('--other-python', default='/usr/bin/python3' if os.path.exists('/usr/bin/python3') else '',
                    help="a second module interpreter for (a) and (b) at N=500 (else the largest N; '' to skip)")
    args = ap.parse_args()
    harness.require_sandbox()
    python = args.python or harness.module_python()
    sizes = [int(x) for x in args.sizes.split(',') if x]
    big = [int(x) for x in args.big.split(',') if x]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cleanup()
    harness.build_collection(WORK)
    res = dict(runs=args.runs, env=versions(python), sizes={}, naive={}, big={}, rss={})
    if args.other_python:
        res['env']['other_python'] = versions(args.other_python)['module_python']
        res['env']['other_pyroute2'] = versions(args.other_python)['module_pyroute2']
    t0, load_start = time.monotonic(), [round(x, 2) for x in os.getloadavg()]
    other_at = 500 if 500 in sizes else max(sizes)
    for n in sizes:
        print('N=%d ...' % n, flush=True)
        other = args.other_python if n == other_at and args.other_python else None
        res['sizes'][str(n)] = bench_size(n, args.runs, python, other)
        print('  %s' % json.dumps(res['sizes'][str(n)]), flush=True)
    for n in big:
        print('N=%d (once, without CNI) ...' % n, flush=True)
        res['big'][str(n)] = bench_size(n, 1, python, with_cni=False)
        print('  %s' % json.dumps(res['big'][str(n)]), flush=True)
    for n in [int(x) for x in args.naive.split(',') if x and int(x) <= max(sizes)]:
        print('naive N=%d ...' % n, flush=True)
        res['naive'][str(n)] = bench_naive(n, args.naive_runs or args.runs, python)
    hosts = [int(x) for x in args.overlay.split(',') if x]
    if hosts:
        print('overlay scale %s hosts ...' % hosts, flush=True)
        res['overlay'] = bench_overlay(hosts, [m for m in args.overlay_modes.split(',') if m], args.overlay_runs)
    print('single task, ad-hoc, vxlan, memory, net_info ...', flush=True)
    res['single_task'] = bench_single_task(args.runs, python)
    res['adhoc'] = bench_adhoc(args.runs, python)
    res['vxlan'] = bench_vxlan(args.runs, python, args.peers)
    for n in sorted(set([other_at] + big)):
        res['rss'][str(n)] = bench_memory(n, python)
    res['memory'] = dict(bench_net_info(max(sizes), args.runs, python), n=max(sizes))
    res['seconds_total'] = round(time.monotonic() - t0, 1)
    res['env']['loadavg_start'], res['env']['loadavg_end'] = load_start, [round(x, 2) for x in os.getloadavg()]
    (out / 'results.json').write_text(json.dumps(res, indent=1) + '\n')
    (out / 'results.md').write_text(markdown(res))
    picture = plot(res, out / 'bench.png')
    print(markdown(res))
    print('wrote %s, %s%s' % (out / 'results.json', out / 'results.md', ', ' + picture if picture else ''))


if __name__ == '__main__':
    main()
