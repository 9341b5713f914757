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

# expect_refusal DIR LABEL MESSAGE [terraform test args...]: the plan must
# fail, with MESSAGE (whitespace-insensitive: terraform wraps lines) in its
# errors: an env file a user would ship broken stops with a message saying
# what to set. (terraform test can expect failures only of the root module's
# own objects; these come from modules.)
expect_refusal() {
  local d=$1 label=$2 message=$3 log rc
  shift 3
  log="$work/$d/refusal-${label//[^a-z0-9]/_}.log"
  nice -n 10 terraform -chdir="$work/$d" test -no-color "$@" >"$log" 2>&1
  rc=$?
  if [ "$rc" -ne 0 ] && tr -s ' \n' '  ' <"$log" | grep -qF -- "$message"; then
    passed=$((passed + 1)); echo "PASS $label: refused with \"$message\""
  else
    failed=$((failed + 1)); tail -n 30 "$log"; echo "FAIL $label: exit $rc, expected a refusal saying \"$message\""
  fi
}

# env_args ROOT FILE: sets args to what scripts/tf.sh gives ROOT for an env
# file (the function's environment comes from the file name).
env_args() {
  args=(-test-directory=tests/envs -var-file="$2")
  if [ "$1" = function ]; then args+=(-var "environment=$(basename "$2" | cut -d. -f1)"); fi
}

# ROOT's dev file with a bad metrics_namespace, and prod's file as shipped
# (the placeholder recipient), must stop with a message saying what to set.
check_refusals() {
  local d=$1 dev_vars=$2 prod_vars=$3 bad="$work/$1/bad-metrics-namespace.tfvars"
  echo 'metrics_namespace = "AWS/Mine"' >"$bad"
  env_args "$d" "$dev_vars"
  expect_refusal "$d" "$d refuses a bad metrics_namespace in envs/$(basename "$dev_vars")" \
    "metrics_namespace in infra/envs/<env>.tfvars or <env>.function.tfvars; the service's METRICS_NAMESPACE) must be 1-255 characters of A-Z a-z 0-9 . - _ / # : and space" \
    "${args[@]}" -var-file="$bad"
  env_args "$d" "$prod_vars"
  expect_refusal "$d" "$d refuses the shipped envs/$(basename "$prod_vars")" \
    "alarm_emails holds the placeholder or an example address (replace-with-your-oncall@example.com). Set your on-call address in the env file" \
    "${args[@]}"
}

for d in $(tf_dirs); do
  ls "$work/$d"/tests/*.tftest.hcl >/dev/null 2>&1 || continue
  export TF_DATA_DIR="$work/$d/.terraform"
  if ! out=$(terraform -chdir="$work/$d" init -backend=false -input=false -no-color 2>&1); then
    echo "$out" | tail -n 20; fail "init $d"; continue
  fi
  if ! share_provider "$TF_DATA_DIR"; then
    fail "start a shared AWS provider"; break
  fi
  # The EMF names table app/tests/unit/emf_names.json, which the binary's
  # unit test reads too, as one run per name (emf_names_tftest.py).
  if [ "$d" = modules/emf-metrics ] &&
    ! python3 "$root/infra/tests/emf_names_tftest.py" "$root/app/tests/unit/emf_names.json" >"$work/$d/tests/emf_names.tftest.hcl"; then
    fail "emf-metrics: cannot write the table's test"; continue
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
      # The prod files ship a placeholder alarm address that fails prod's plan
      # until the user sets theirs (check_refusals): set one here.
      extra=()
      case "$d:$(basename "$vars")" in
        platform:prod.tfvars) extra=(-var 'alarm_emails=["oncall@my-org.com"]') ;;
        function:prod.function.tfvars)
          sed 's/replace-with-your-oncall@example\.com/oncall@my-org.com/' "$vars" >"$work/$d/prod-with-recipient.function.tfvars"
          extra=(-var-file="$work/$d/prod-with-recipient.function.tfvars") ;;
      esac
      env_args "$d" "$vars"
      run_tests "$d" "$d with envs/$(basename "$vars")" "${args[@]}" "${extra[@]}"
    done
    case $d in
      platform) check_refusals "$d" "$work/envs/dev.tfvars" "$work/envs/prod.tfvars" ;;
      function) check_refusals "$d" "$work/envs/dev.function.tfvars" "$work/envs/prod.function.tfvars" ;;
    esac
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
