#!/usr/bin/env bash
# ansible-test sanity on a staged copy of the collection, offline-capable.
#   tests/sanity.sh [extra ansible-test sanity args, e.g. --test pep8]
# The copy (tracked + untracked non-ignored files, without tests/output) is placed at
# TMP/ansible_collections/linuxnet/fabric and git-initialised, as ansible-test wants.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export PATH=$repo/.venv/bin:$PATH
py=$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')

tmp=$(mktemp -d /tmp/fabric-sanity.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/ansible_collections/linuxnet/fabric
mkdir -p "$dest"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do
    case $f in tests/output/*) continue ;; esac
    [ -e "$f" ] && printf '%s\0' "$f"
  done | xargs -0 -r cp -P --parents -t "$dest")
git -C "$dest" init -q && git -C "$dest" add -A

# ansible-test bootstraps pip in its per-test venvs with get-pip.py from a host that is not
# reachable here: stand in with ensurepip (in a child process, see GUIDE section 8) + pip install.
pipver=$(grep -oP "pip='\K[0-9.]+" "$(python -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_internal/python_requirements.py")
getpip=~/.ansible/test/cache/get_pip_${pipver//./_}.py
if [ ! -e "$getpip" ]; then
  mkdir -p "$(dirname "$getpip")"
  cat > "$getpip" <<'PY'
"""Offline stand-in for get-pip.py, written by linuxnet.fabric tests/sanity.sh."""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
PY
fi

cd "$dest"
ansible-test sanity --local --python "$py" --requirements --color no "$@"
