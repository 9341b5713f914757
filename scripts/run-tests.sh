#!/usr/bin/env bash
# Runs each named suite (`make test-<suite>`), keeps its log, and sums the
# "N passed, N failed" line that every suite prints last. A suite that exits
# non-zero without reporting a failure counts as one failure, so a crash can
# never pass as green.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
logs="$root/build/test-logs"
mkdir -p "$logs"

if [ "$#" -eq 0 ]; then
  echo "run-tests: no test suites registered" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

total_pass=0 total_fail=0 summary=()
for suite in "$@"; do
  log="$logs/$suite.log"
  echo "=== suite $suite ($(date -u +%H:%M:%S))"
  start=$(date +%s)
  make --no-print-directory -C "$root" "test-$suite" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  secs=$(( $(date +%s) - start ))
  line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  pass=0 fail=0
  if [ -n "$line" ]; then
    pass=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$line")
    fail=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\3/' <<<"$line")
  fi
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  if [ -z "$line" ] && [ "$rc" -eq 0 ]; then
    echo "run-tests: suite $suite printed no 'N passed, N failed' line" >&2
    fail=1
  fi
  total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
  summary+=("$(printf '  %-22s %5d passed %4d failed %5ds  (exit %d, log %s)' "$suite" "$pass" "$fail" "$secs" "$rc" "${log#"$root"/}")")
done

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
