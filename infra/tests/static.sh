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
  if out=$(terraform -chdir="$work/$d" validate -no-color 2>&1); then
    pass "validate $d"
  else
    echo "$out"; fail "validate $d"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
