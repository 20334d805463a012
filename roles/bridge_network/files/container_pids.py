# Copyright: (c) 2026, linuxnet.fabric contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PID of each container that an endpoint names, from the container runtime's own CLI. Changes nothing.

    python3 -c "$(cat container_pids.py)" RUNTIME VARIABLE ENDPOINTS_JSON
    RUNTIME: auto (podman, then docker), podman or docker. VARIABLE: the role variable of the endpoints, for
    messages. Prints {"pids": {endpoint name: PID}, "problems": [one line per container that does not run, naming
    the variable, the container and the endpoint]}.
"""
import json
import re
import shutil
import subprocess
import sys

RUNTIMES = {'auto': ('podman', 'docker'), 'podman': ('podman',), 'docker': ('docker',)}
NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$')  # a container name or (a prefix of) its ID


def inspect(runtime, container):
    """(PID, None) when the runtime knows the container (PID 0: not running); (None, why) otherwise."""
    if shutil.which(runtime) is None:
        return None, '%s is not installed' % runtime
    proc = subprocess.run([runtime, 'inspect', '--type', 'container', '--format', '{{.State.Pid}}', '--', container],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60,
                          check=False)
    if proc.returncode == 0 and proc.stdout.strip().isdigit():
        return int(proc.stdout.strip()), None
    lines = [line.strip() for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
    return None, '%s: %s' % (runtime, lines[-1] if lines else 'exit status %d' % proc.returncode)


def resolve(runtimes, variable, endpoints):
    pids, problems = {}, []
    for i, endpoint in enumerate(endpoints):
        container, name = endpoint.get('container'), endpoint.get('name')
        if container is None:
            continue
        where = '%s[%d].container=%r: ' % (variable, i, container)
        if not isinstance(container, str) or not NAME.match(container):
            problems.append(where + 'not a container name or ID')
            continue
        if endpoint.get('pid') is not None or endpoint.get('netns_path') is not None:
            problems.append(where + 'give one of netns_path, pid and container')
            continue
        errors = []
        for runtime in runtimes:
            pid, error = inspect(runtime, container)
            if pid:
                pids[name] = pid
            elif pid == 0:
                problems.append(where + 'the container of endpoint %s is not running (%s)' % (name, runtime))
            if pid is not None:
                break
            errors.append(error)
        else:
            problems.append(where + 'endpoint %s: no such container (%s)' % (name, '; '.join(errors)))
    return dict(pids=pids, problems=problems)


if __name__ == '__main__':
    print(json.dumps(resolve(RUNTIMES[sys.argv[1]], sys.argv[2], json.loads(sys.argv[3]))))
