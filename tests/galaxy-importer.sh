#!/usr/bin/env bash
# galaxy-importer (what Galaxy and Automation Hub run on every upload) on the artifact that
# `ansible-galaxy collection build` makes of this tree (tracked + untracked non-ignored files, as a fresh clone).
#   tests/galaxy-importer.sh
# The importer lives in its own venv, .cache/galaxy-importer-venv (made here on first use, ~10 s; its pins of
# ansible-core and ansible-lint stay out of .venv). Its ansible-test step needs a container image from a registry:
# it is switched off in the config below; ansible-lint inside it stays on. Fails when the import fails or the
# importer reports any warning or error (ansible-lint findings included).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
version=${GALAXY_IMPORTER_VERSION:-0.4.44}
venv=$repo/.cache/galaxy-importer-venv
if [ ! -f "$venv/.galaxy-importer-$version" ]; then
  echo "galaxy-importer: installing $version into $venv"
  rm -rf "$venv"
  "$repo/.venv/bin/python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "galaxy-importer==$version" 2>&1 | grep -v '^WARNING: Location' || true
  "$venv/bin/python" -c 'import galaxy_importer' # the install worked
  touch "$venv/.galaxy-importer-$version"
fi

tmp=$(mktemp -d /tmp/fabric-galaxy-importer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src" "$tmp/dist" "$tmp/ansible"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done | xargs -0 -r cp -P --parents -t "$tmp/src")
"$repo/.venv/bin/ansible-galaxy" collection build --output-path "$tmp/dist" "$tmp/src" >/dev/null
tarball=$(ls "$tmp"/dist/*.tar.gz)

cat >"$tmp/galaxy-importer.cfg" <<CFG
[galaxy-importer]
run_ansible_test = False
run_ansible_lint = True
ansible_local_tmp = $tmp/ansible
CFG
start=$SECONDS
echo "galaxy-importer $version on $(basename "$tarball") (ansible-test off, ansible-lint on)"
set +e
(cd "$tmp" && GALAXY_IMPORTER_CONFIG=$tmp/galaxy-importer.cfg ANSIBLE_HOME=$tmp/ansible PATH=$venv/bin:$PATH \
  "$venv/bin/python" -m galaxy_importer.main "$tarball" >"$tmp/log" 2>&1) # it writes importer_result.json here
rc=$?
set -e
problems=$(grep -E '^(WARNING|ERROR)' "$tmp/log" || true)
if [ $rc != 0 ] || [ -n "$problems" ]; then
  cat "$tmp/log"
  echo "galaxy-importer: FAILED (rc=$rc)" >&2
  exit 1
fi
grep -E '^(Loading|Running|Importing|Collection loading complete|Done)' "$tmp/log" | grep -v '^Loading module' | tail -n 12
echo "galaxy-importer: passed in $((SECONDS - start)) s"
