#!/usr/bin/env bash
# make check: the developer's fast answer (3 min 23 s measured on this 2-core machine; each stage prints its time).
#   1. unit tests                          tests/unit, no root
#   2. sanity of the changed files         ansible-test sanity (all its tests) on the files changed since
#                                          CHECK_BASE (default main; committed, uncommitted and untracked ones)
#   3. lint                                tests/lint.sh: ansible-lint (production) and mypy on the engine
#   4. integration smoke                   a few fast module tests in tests/sandbox, pyroute2 0.9 (the venv's)
# Not a substitute for the integration tests a change touches (on both pyroute2 versions), nor for make test.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export PATH=$repo/.venv/bin:$PATH
base=${CHECK_BASE:-main}
SMOKE=(tests/integration/test_harness.py::test_inside_sandbox
       tests/integration/test_links.py::test_bridge_lifecycle_in_a_namespace
       tests/integration/test_macvlan.py::test_two_macvlans_of_one_parent_reach_each_other_in_bridge_mode_only
       tests/integration/test_net_info.py::test_missing_namespace_is_a_clear_error_and_is_not_created)

times=()
stage() {  # stage NAME CMD...: runs it, keeps its time
  local start=$SECONDS
  printf '\n== %s\n' "$1"
  "${@:2}"
  times+=("$(printf '%-28s %4d s' "$1" $((SECONDS - start)))")
}

changed_files() {
  local since
  since=$(git merge-base HEAD "$base" 2>/dev/null || git rev-parse HEAD)
  { git diff --name-only "$since"; git ls-files --others --exclude-standard; } | sort -u |
    while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done
}

sanity_changed() {
  mapfile -t files < <(changed_files)
  if [ ${#files[@]} -eq 0 ]; then
    echo "no file changed since $base: nothing to check"
    return
  fi
  echo "${#files[@]} files changed since $base"
  tests/sanity.sh "${files[@]}"
}

stage unit pytest tests/unit -q
stage "sanity (changed files)" sanity_changed
stage lint tests/lint.sh
stage "integration smoke" tests/sandbox "$repo/.venv/bin/pytest" "${SMOKE[@]}" -q

printf '\n== make check: all passed\n'
printf '%s\n' "${times[@]}"
