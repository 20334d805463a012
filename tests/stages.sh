#!/usr/bin/env bash
# Runs `make STAGE` for each STAGE given, every one even after a failure, then prints each stage's wall time and
# result; exits 1 if any failed. `make test` (and so CI) runs its stages through it.
#   tests/stages.sh unit integration sanity
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
declare -a report
rc=0
for stage in "$@"; do
  start=$SECONDS
  echo "=== stage $stage"
  if make --no-print-directory "$stage"; then result=passed; else result=FAILED; rc=1; fi
  report+=("$(printf '%-16s %-7s %4d s' "$stage" "$result" $((SECONDS - start)))")
done
echo "=== stage times"
printf '%s\n' "${report[@]}"
exit $rc
