#!/usr/bin/env bash
# infra-static: `terraform fmt -check -recursive infra`, then init
# (-backend=false) + validate of every module and root. One check each.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
work="$root/build/terraform/static"
copy_infra "$work"

if out=$(terraform fmt -check -recursive -diff "$root/infra" 2>&1); then
  pass "terraform fmt -check -recursive infra"
else
  echo "$out"; fail "terraform fmt: run 'terraform fmt -recursive infra'"
fi

for d in $(tf_dirs); do
  export TF_DATA_DIR="$work/$d/.terraform"
  if ! out=$(terraform -chdir="$work/$d" init -backend=false -input=false -no-color 2>&1); then
    echo "$out" | tail -n 20; fail "init $d"; continue
  fi
  if ! share_provider "$TF_DATA_DIR"; then
    fail "start a shared AWS provider"; break
  fi
  if out=$(terraform -chdir="$work/$d" validate -no-color 2>&1); then
    pass "validate $d"
  else
    echo "$out"; fail "validate $d"
  fi
done
# The wrapper scripts reject bad input with a message naming it.
# expect_error WANT CMD...: CMD must fail and print WANT.
expect_error() {
  local want=$1 out
  shift
  if out=$("$@" 2>&1); then
    fail "$* succeeded"
  elif grep -qF -- "$want" <<<"$out"; then
    pass "$* -> $want"
  else
    echo "$out"; fail "$* did not say: $want"
  fi
}
expect_error "unknown root 'nope'" "$root/scripts/tf.sh" nope dev plan
expect_error "unknown env 'nope'" "$root/scripts/tf.sh" platform nope plan
expect_error "usage: scripts/tf.sh" "$root/scripts/tf.sh" platform
expect_error "env 'local' is the AWS emulator" env -u AWS_ENDPOINT_URL EMULATOR_DIR="$work/no-emulator" "$root/scripts/tf.sh" platform local plan
expect_error "usage: scripts/emulator.sh" "$root/scripts/emulator.sh" restart
expect_error "not running" "$root/scripts/emulator.sh" env "$work/no-emulator"
expect_error "usage: infra/tests/refactor-check.sh" "$root/infra/tests/refactor-check.sh" --bogus
expect_error "unknown git ref 'no-such-ref'" "$root/infra/tests/refactor-check.sh" no-such-ref
expect_error "no offline provider mirror at TF_PLUGIN_MIRROR" env TF_PLUGIN_MIRROR="$work/no-mirror" bash -c "source '$root/scripts/terraform-env.sh'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
