#!/usr/bin/env bash
# Runs fuzz_request: first over the seed corpus alone (every seed must pass),
# then fuzzing for a bounded time. Any crash, leak or sanitizer report fails.
# Usage: run.sh <fuzz_request binary> <seed corpus> <work dir> <seconds>
set -uo pipefail
bin=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus" "$work/artifacts"
pass=0 fail=0

check() {  # name, exit code, log
  if [ "$2" -eq 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: ' "$3"; then
    echo "ok: $1"; pass=$((pass + 1))
  else
    echo "FAILED: $1 (exit $2)"; grep -E -A 20 'ERROR:|runtime error:' "$3" | head -n 60; fail=$((fail + 1))
  fi
}

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1
nice -n 10 "$bin" -runs=0 "$seeds" >"$work/replay.log" 2>&1
check "seed corpus replay ($(find "$seeds" -type f | wc -l) inputs)" $? "$work/replay.log"

nice -n 10 "$bin" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=1024 \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus" "$seeds" >"$work/fuzz.log" 2>&1
check "fuzzing for ${seconds}s ($(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/fuzz.log" | grep -oE '[0-9]+$' || echo '?') runs)" $? "$work/fuzz.log"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
