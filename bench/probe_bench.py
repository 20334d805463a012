"""linuxnet.fabric.probe at scale: all-pairs ICMP matrices on a 50-endpoint bridge network (2,450 pairs), on a
50-host lab of the overlay (100 endpoints, 9,900 pairs) and on 100 endpoints routed through one router namespace
(9,900 pairs). Target: a 9,900-pair matrix in under 30 s.

Run inside tests/sandbox with the venv's python:
    tests/sandbox .venv/bin/python bench/probe_bench.py [--runs 3] [--bridge 50] [--hosts 50] [--routed 100]

Each matrix is timed as the module task of a playbook (bench/callback_plugins/bench_timer: task start to result,
so Ansible's own overhead for one task is included) and as the engine alone (the code the module calls, without
Ansible, in a process of its own): medians of --runs runs, with how many probes passed. An all-pairs matrix on one
L2 segment needs one ARP entry per pair, and the kernel's ARP table is one per machine (all namespaces), 1024
entries by default: beyond that the kernel drops packets and the probes say so (docs/BENCHMARKS.md). The routed
matrix needs 2 entries per endpoint. Writes DIR/probe.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bench  # noqa: E402  (sandbox guard, collection build, ansible runs, cleanup; sets up harness on sys.path)
import harness  # noqa: E402

ENGINE = '''
import json, sys, time
sys.path.insert(0, sys.argv[1])
from ansible_collections.linuxnet.fabric.plugins.module_utils._netlink import Netlink
from ansible_collections.linuxnet.fabric.plugins.module_utils._resources import probe
params = json.loads(sys.argv[2])
start = time.monotonic()
result = probe.run(Netlink(read_only=True), params)
print(json.dumps(dict(seconds=time.monotonic() - start, passed=result['passed'], failed=len(result['failed_checks']),
                      table_full='table was full' in result['msg'])))
'''


def matrix_task(names, **options):
    return {'name': 'probe matrix', 'linuxnet.fabric.probe': dict(options, matrix=[{'name': n} for n in names])}


def timed_module(names, runs, **options):
    """Median of the module task's time, and the fewest probes that passed in a run."""
    seconds, passed, full = [], [], False
    for _run in range(runs):
        _wall, times, results = bench.ansible(bench.play([dict(matrix_task(names, **options), ignore_errors=True)]),
                                              'probe')
        result = [r for r in results if r['_task'] == 'probe matrix'][0]
        seconds.append(bench.task_time(times, 'probe matrix'))
        passed.append(result['passed'])
        full = full or 'table was full' in result['msg']
    return round(statistics.median(seconds), 2), min(passed), full


def timed_engine(names, runs, python, **options):
    """The same for the engine alone (one process per run: import, read the addresses, probe)."""
    params = dict(dict(size=None, df=False, timeout=1.0, count=1, parallel=16), **options)
    params.update(checks=[], matrix=[{'name': n} for n in names])
    seconds, passed, full = [], [], False
    for _run in range(runs):
        out = subprocess.run([python, '-c', ENGINE, str(harness._state['collections']), json.dumps(params)],
                             capture_output=True, text=True, check=True).stdout
        got = json.loads(out)
        seconds.append(got['seconds'])
        passed.append(got['passed'])
        full = full or got['table_full']
    return round(statistics.median(seconds), 2), min(passed), full


def measure(names, runs, python, **options):
    module, module_passed, module_full = timed_module(names, runs, **options)
    engine, engine_passed, engine_full = timed_engine(names, runs, python, **options)
    return dict(endpoints=len(names), pairs=len(names) * (len(names) - 1), options=options,
                module_task=module, module_passed=module_passed, engine=engine, engine_passed=engine_passed,
                arp_table_full=module_full or engine_full)


def playbook(name, inventory, *args):
    """A playbook of the built collection against an inventory; fails loudly."""
    path = harness._state['collections'] / 'ansible_collections/linuxnet/fabric/playbooks' / name
    env = harness.ansible_env(bench.WORK)
    proc = subprocess.run([str(harness.BIN / 'ansible-playbook'), '-i', str(inventory), str(path),
                           '-e', 'ansible_python_interpreter=%s' % harness.module_python()] + list(args),
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, '%s failed\n%s\n%s' % (name, proc.stdout[-4000:], proc.stderr[-2000:])


def bench_bridge(n, runs, python):
    bench.cleanup()
    bench.ansible(bench.role_play(n), 'bridge%d' % n)
    bench.verify(n)
    names = [bench.ep_name(i) for i in range(1, n + 1)]
    return dict(plain=measure(names, runs, python), df=measure(names, runs, python, size=1500, df=True))


def bench_lab(hosts, runs, python, mode='l2'):
    bench.cleanup()
    inventory = bench.WORK / 'lab-inventory.yml'
    start = time.monotonic()
    playbook('lab/create.yml', 'localhost,', '-e', 'lab_hosts=%d' % hosts, '-e', 'lab_mode=%s' % mode,
             '-e', 'lab_inventory=%s' % inventory)
    playbook('overlay_network.yml', inventory, '--forks', '10')
    built = round(time.monotonic() - start, 1)
    names = sorted(ns for ns in harness.list_netns() if not ns.startswith('lab-'))
    assert len(names) == 2 * hosts, names
    return dict(mode=mode, hosts=hosts, build_seconds=built, plain=measure(names, runs, python),
                df=measure(names, runs, python, size=1450, df=True))


def bench_routed(n, runs, python):
    """n endpoints, each on a veth of its own to one router namespace (r0), default route through it: every pair is
    routed, so the ARP table holds 2 entries per endpoint."""
    bench.cleanup()
    outer, router, inner = ['netns add r0'], ['link set lo up'], {}
    for i in range(1, n + 1):
        ns, a, b = 'rt%d' % i, '10.%d.%d.1' % (100 + i // 256, i % 256), '10.%d.%d.2' % (100 + i // 256, i % 256)
        outer += ['netns add %s' % ns, 'link add eth0 netns %s type veth peer name e%d netns r0' % (ns, i)]
        router += ['addr add %s/30 dev e%d' % (a, i), 'link set e%d up' % i]
        inner[ns] = ['link set lo up', 'addr add %s/30 dev eth0' % b, 'link set eth0 up', 'route add default via ' + a]
    for prefix, lines in [([], outer), (['-n', 'r0'], router)] + [(['-n', ns], cmds) for ns, cmds in inner.items()]:
        subprocess.run(['ip'] + prefix + ['-batch', '-'], input='\n'.join(lines) + '\n', text=True, check=True)
    subprocess.run(['ip', 'netns', 'exec', 'r0', 'sysctl', '-qw', 'net.ipv4.ip_forward=1'], check=True)
    names = ['rt%d' % i for i in range(1, n + 1)]
    return dict(plain=measure(names, runs, python), df=measure(names, runs, python, size=1500, df=True))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--bridge', type=int, default=50, help='endpoints of the bridge network (0: skip)')
    ap.add_argument('--hosts', type=int, default=50, help='hosts of the lab, 2 endpoints each (0: skip)')
    ap.add_argument('--routed', type=int, default=100, help='endpoints routed through one router (0: skip)')
    ap.add_argument('--out', default=str(bench.REPO / 'bench' / 'results'))
    args = ap.parse_args()
    harness.require_sandbox()
    python = harness.module_python()
    bench.cleanup()
    harness.build_collection(bench.WORK)
    res = dict(runs=args.runs, env=bench.versions(python), loadavg_start=[round(x, 2) for x in os.getloadavg()])
    if args.bridge:
        print('bridge network, %d endpoints ...' % args.bridge, flush=True)
        res['bridge'] = bench_bridge(args.bridge, args.runs, python)
        print('  %s' % json.dumps(res['bridge']), flush=True)
    if args.hosts:
        print('lab, %d hosts ...' % args.hosts, flush=True)
        res['lab'] = bench_lab(args.hosts, args.runs, python)
        print('  %s' % json.dumps(res['lab']), flush=True)
    if args.routed:
        print('routed, %d endpoints ...' % args.routed, flush=True)
        res['routed'] = bench_routed(args.routed, args.runs, python)
        print('  %s' % json.dumps(res['routed']), flush=True)
    bench.cleanup()
    res['loadavg_end'] = [round(x, 2) for x in os.getloadavg()]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / 'probe.json').write_text(json.dumps(res, indent=1) + '\n')
    print('wrote %s' % (out / 'probe.json'))
    slow = [(k, res[k]['plain']) for k in ('lab', 'routed') if k in res and res[k]['plain']['module_task'] >= 30]
    for key, got in slow:
        print('TARGET MISSED (%s): %d pairs took %.1f s (target: under 30 s)' % (key, got['pairs'], got['module_task']))
    sys.exit(1 if slow else 0)


if __name__ == '__main__':
    main()
