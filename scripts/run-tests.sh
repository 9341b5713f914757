#!/usr/bin/env bash
# Runs each named suite (`make test-<suite>`), keeps its log, and sums the
# "N passed, N failed" line that every suite prints last. A suite that exits
# non-zero without reporting a failure counts as one failure, so a crash can
# never pass as green.
#
# Suites named in TEST_SIDE_SUITES (space separated; the Makefile sets it from
# the fragments) run beside the others, TEST_SIDE_JOBS (default 2) at a time:
# they talk only to an AWS emulator of their own, in folders of their own, and
# spend most of their time waiting on it (a provider's fixed waits, moto), so
# the whole run takes about the longest lane instead of the sum. Each side lane
# takes the next suite nobody has taken, in the order given. Their output is
# printed when all have ended.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
logs="$root/build/test-logs"
mkdir -p "$logs"

if [ "$#" -eq 0 ]; then
  echo "run-tests: no test suites registered" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# run_suite SUITE: runs it, output to its log (and stdout when $echo is 1);
# writes "pass fail seconds exit" to the log's .result file.
run_suite() {
  local suite=$1 log="$logs/$1.log" start rc secs line pass=0 fail=0
  start=$(date +%s)
  if [ "${echo:-1}" = 1 ]; then
    make --no-print-directory -C "$root" "test-$suite" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
  else
    make --no-print-directory -C "$root" "test-$suite" >"$log" 2>&1 </dev/null
    rc=$?
  fi
  secs=$(($(date +%s) - start))
  line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    pass=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$line")
    fail=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\3/' <<<"$line")
  fi
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  if [ -z "$line" ] && [ "$rc" -eq 0 ]; then
    echo "run-tests: suite $suite printed no 'N passed, N failed' line" | tee -a "$log" >&2
    fail=1
  fi
  echo "$pass $fail $secs $rc" >"$log.result"
}

# Terraform and the AWS provider are Go programs that spend much of their CPU
# collecting garbage while they load the provider's schema: with a larger GC
# target a plan costs 15-25% less CPU for some hundred MB more memory. They
# were 38% of a whole run's CPU (process accounting, 2026-11-30: 23 of 60
# CPU-minutes, 310 terraform and 281 provider processes), and make test is
# CPU-bound on 2 cores. A GOGC already set is kept.
export GOGC=${GOGC:-400}

main_lane=() side_lane=()
for suite in "$@"; do
  if [[ " ${TEST_SIDE_SUITES:-} " == *" $suite "* ]]; then side_lane+=("$suite"); else main_lane+=("$suite"); fi
done
for suite in "$@"; do rm -f "$logs/$suite.log.result"; done

side_jobs=${TEST_SIDE_JOBS:-2}
if ! [[ "$side_jobs" =~ ^[1-9][0-9]*$ ]]; then
  echo "run-tests: TEST_SIDE_JOBS must be a whole number of 1 or more, not '$side_jobs'" >&2
  echo "0 passed, 1 failed"
  exit 2
fi
# side_lane_worker: runs, one after another, each side suite it claims first
# (mkdir is atomic: one lane gets each suite).
claims=$(mktemp -d)
trap 'rm -rf "$claims"' EXIT
side_lane_worker() {
  local suite
  for suite in "${side_lane[@]}"; do
    mkdir "$claims/$suite" 2>/dev/null || continue
    echo=0 run_suite "$suite"
  done
}
side_pids=()
if [ "${#side_lane[@]}" -gt 0 ]; then
  echo "=== $side_jobs side lanes ($(date -u +%H:%M:%S)): ${side_lane[*]} (output when they end)"
  for ((i = 0; i < side_jobs; i++)); do
    side_lane_worker &
    side_pids+=($!)
  done
fi
for suite in "${main_lane[@]}"; do
  echo "=== suite $suite ($(date -u +%H:%M:%S))"
  run_suite "$suite"
done
if [ "${#side_pids[@]}" -gt 0 ]; then
  wait "${side_pids[@]}"
  for suite in "${side_lane[@]}"; do
    echo "=== suite $suite (side lane, $(cut -d' ' -f3 "$logs/$suite.log.result" 2>/dev/null || echo '?')s)"
    cat "$logs/$suite.log" 2>/dev/null
  done
fi

total_pass=0 total_fail=0 summary=()
for suite in "$@"; do
  read -r pass fail secs rc <"$logs/$suite.log.result" 2>/dev/null || { pass=0 fail=1 secs=0 rc=1; }
  total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
  summary+=("$(printf '  %-22s %5d passed %4d failed %5ds  (exit %d, log %s)' "$suite" "$pass" "$fail" "$secs" "$rc" "build/test-logs/$suite.log")")
done

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
