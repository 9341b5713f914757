#!/usr/bin/env bash
# infra-unit: `terraform test` (mocked provider, no AWS) in every module and
# root that has tests/*.tftest.hcl; sums the runs from terraform's
# "N passed, M failed" line. A dir whose tests cannot run counts as a failure.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
work="$root/build/terraform/unit"
copy_infra "$work"
mkdir -p "$root/build/test-logs"

# run_tests DIR LABEL [terraform test args...]: one `terraform test`, counted.
run_tests() {
  local d=$1 label=$2 log rc line p f s
  shift 2
  log="$work/$d/test-${label//[^a-z0-9]/_}.log"
  nice -n 10 terraform -chdir="$work/$d" test -no-color "$@" >"$log" 2>&1
  rc=$?
  line=$(grep -E '^(Success|Failure)! [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    tail -n 30 "$log"; fail "terraform test $label (no summary, exit $rc)"; return
  fi
  p=$(sed -E 's/^[A-Za-z]+! ([0-9]+) passed, ([0-9]+) failed.*/\1/' <<<"$line")
  f=$(sed -E 's/^[A-Za-z]+! ([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$line")
  # Skipped runs (after a failed apply) count as failures too.
  s=$(sed -nE 's/.*, ([0-9]+) skipped.*/\1/p' <<<"$line")
  f=$((f + ${s:-0}))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  passed=$((passed + p)) failed=$((failed + f))
  if [ "$f" -eq 0 ]; then echo "PASS $label: $p runs"; else
    grep -vE '^\s+run ".*"\.\.\. pass$' "$log" | tail -n 60; echo "FAIL $label: $p passed, $f failed"
  fi
}

for d in $(tf_dirs); do
  ls "$work/$d"/tests/*.tftest.hcl >/dev/null 2>&1 || continue
  export TF_DATA_DIR="$work/$d/.terraform"
  if ! out=$(terraform -chdir="$work/$d" init -backend=false -input=false -no-color 2>&1); then
    echo "$out" | tail -n 20; fail "init $d"; continue
  fi
  run_tests "$d" "$d"
  # Every env file must plan (tests/envs holds a suite run once per file):
  # the function root's are <env>.function.tfvars, the platform's <env>.tfvars.
  if [ -d "$work/$d/tests/envs" ]; then
    for vars in "$work"/envs/*.tfvars; do
      case "$d:$(basename "$vars")" in
        function:*.function.tfvars) ;;
        function:* | *:*.*.tfvars) continue ;;
      esac
      # prod.tfvars ships a placeholder alarm address that fails prod's plan
      # until the user sets theirs (observability tests): set one here.
      extra=()
      [ "$d:$(basename "$vars")" = platform:prod.tfvars ] && extra=(-var 'alarm_emails=["oncall@my-org.com"]')
      run_tests "$d" "$d with envs/$(basename "$vars")" -test-directory=tests/envs -var-file="$vars" "${extra[@]}"
    done
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
