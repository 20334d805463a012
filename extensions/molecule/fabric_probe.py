"""linuxnet.fabric.probe for the Molecule verifiers (testinfra): one `ansible` ad-hoc run of the module on the
scenario's inventory, every host at once, each with its own checks. The module sends the probes from inside the
nodes' namespaces (raw ICMP sockets, TCP connect); the verifiers keep a few raw pings as an independent judge.
"""
import json
import os
import subprocess
import tempfile
from pathlib import Path


def probe(checks_by_host, **options):
    """Runs linuxnet.fabric.probe on each host of checks_by_host ({host: [check, ...]}, checks as in the module's
    documentation) with the other module options. Returns {host: the module's result}."""
    with tempfile.TemporaryDirectory(prefix='fabric-probe-') as tmp:
        extra = Path(tmp, 'checks.json')
        extra.write_text(json.dumps({'fabric_probe_checks': checks_by_host}), encoding='utf-8')
        args = dict(options, checks='{{ fabric_probe_checks[inventory_hostname] }}')
        proc = subprocess.run(['ansible', ','.join(sorted(checks_by_host)), '-i', os.environ['MOLECULE_INVENTORY_FILE'],
                               '-m', 'linuxnet.fabric.probe', '-a', json.dumps(args), '-e', '@%s' % extra,
                               '--tree', str(Path(tmp, 'tree'))],  # one JSON result per host
                              capture_output=True, text=True, check=False)
        results = {}
        for host in checks_by_host:
            path = Path(tmp, 'tree', host)
            assert path.exists(), 'ansible -m linuxnet.fabric.probe gave no result for %s (rc=%d):\n%s\n%s' % (
                host, proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
            results[host] = json.loads(path.read_text(encoding='utf-8'))
    return results
