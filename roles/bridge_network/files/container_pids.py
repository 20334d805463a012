# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoints given by 'container' get the PID of the container's first process, from the runtime's own CLI.

    python3 -c "$(cat container_pids.py)" RUNTIME ENDPOINTS_JSON
    RUNTIME: auto (podman, then docker), podman or docker. Prints {"endpoints": [...], "problems": [...]}: the
    endpoints with 'container' replaced by 'pid' (left out when the container does not run), and one line per
    container that does not run, each naming the option, the container and the endpoint. Changes nothing.
"""
import json
import re
import shutil
import subprocess
import sys

RUNTIMES = {'auto': ('podman', 'docker'), 'podman': ('podman',), 'docker': ('docker',)}
NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$')  # a container name or (a prefix of) its ID


def inspect(runtime, container):
    """(PID, None): the runtime knows the container (PID 0: not running); (None, why) otherwise."""
    if shutil.which(runtime) is None:
        return None, '%s is not installed' % runtime
    proc = subprocess.run([runtime, 'inspect', '--type', 'container', '--format', '{{.State.Pid}}', '--', container],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60,
                          check=False)
    if proc.returncode == 0 and proc.stdout.strip().isdigit():
        return int(proc.stdout.strip()), None
    lines = [line.strip() for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
    return None, '%s: %s' % (runtime, lines[-1] if lines else 'exit status %d' % proc.returncode)


def resolve(runtimes, endpoints):
    found, problems = [], []
    for i, endpoint in enumerate(endpoints):
        container = endpoint.get('container')
        endpoint = dict((k, v) for k, v in endpoint.items() if k != 'container')
        found.append(endpoint)
        if container is None:
            continue
        where = "bridge_network_endpoints[%d].container=%r: " % (i, container)
        if not isinstance(container, str) or not NAME.match(container):
            problems.append(where + 'not a container name or ID')
            continue
        errors = []
        for runtime in runtimes:
            pid, error = inspect(runtime, container)
            if pid:
                endpoint['pid'] = pid
            elif pid == 0:
                name = endpoint.get('name')
                problems.append(where + 'the container of endpoint %s is not running (%s)' % (name, runtime))
            if pid is not None:
                break
            errors.append(error)
        else:
            problems.append(where + 'endpoint %s: no such container (%s)' % (endpoint.get('name'), '; '.join(errors)))
    return dict(endpoints=found, problems=problems)


if __name__ == '__main__':
    print(json.dumps(resolve(RUNTIMES[sys.argv[1]], json.loads(sys.argv[2]))))
