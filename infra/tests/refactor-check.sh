#!/usr/bin/env bash
# Proves that a Terraform refactor destroys nothing: applies the platform root
# of OLD_REF into a fresh AWS emulator, then plans the NEW code against that
# same state and fails if the plan deletes or replaces anything.
#
#   infra/tests/refactor-check.sh [OLD_REF [NEW_REF]]
#     OLD_REF  git ref applied first (default: main)
#     NEW_REF  git ref planned against it (default: this working tree, uncommitted
#              changes included)
#
# Env "local" (infra/envs/local.tfvars of each ref). Prints one timed line per
# step and a summary of the plan (moved, updated in place, created, replaced,
# deleted); the plan and its JSON stay in build/refactor-check/. About 3 min.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
usage="usage: infra/tests/refactor-check.sh [OLD_REF [NEW_REF]]"
die() { echo "refactor-check: $*" >&2; exit 2; }

case "${1:-}" in -h | --help) echo "$usage"; exit 0 ;; -*) die "$usage" ;; esac
[ "$#" -le 2 ] || die "$usage"
old_ref=${1:-main} new_ref=${2:-}
git -C "$root" rev-parse --verify -q "$old_ref^{commit}" >/dev/null || die "unknown git ref '$old_ref'; $usage"
[ -z "$new_ref" ] || git -C "$root" rev-parse --verify -q "$new_ref^{commit}" >/dev/null || die "unknown git ref '$new_ref'; $usage"
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"

work="$root/build/refactor-check"
rm -rf "$work" && mkdir -p "$work"
start=$(date +%s)
step() { echo "[$(($(date +%s) - start))s] $*"; }

# checkout REF DIR: the files tf.sh and the emulator need, as of REF.
checkout() {
  mkdir -p "$2"
  git -C "$root" archive "$1" infra scripts | tar -x -C "$2"
}
checkout "$old_ref" "$work/old"
if [ -n "$new_ref" ]; then checkout "$new_ref" "$work/new" && new="$work/new"; else new="$root"; fi

emu="$work/emulator"
cleanup() { "$new/scripts/emulator.sh" stop "$emu" >/dev/null 2>&1 || true; }
trap cleanup EXIT
"$new/scripts/emulator.sh" start "$emu" >/dev/null
# shellcheck disable=SC1091
source "$emu/env"
step "emulator at $AWS_ENDPOINT_URL"

# tf TREE WORKDIR ARGS...: scripts/tf.sh of that tree, its own working dirs.
tf() {
  local tree=$1 dir=$2
  shift 2
  TF_WORK_DIR="$dir" EMULATOR_DIR="$emu" nice -n 10 "$tree/scripts/tf.sh" "$@"
}
run_logged() {
  local log="$work/$1.log"
  shift
  "$@" >"$log" 2>&1 || { tail -n 40 "$log" >&2; echo "refactor-check: $* failed (log $log)" >&2; exit 1; }
}

run_logged old-bootstrap tf "$work/old" "$work/tf-old" bootstrap local apply -auto-approve -input=false -no-color
step "bootstrap applied ($old_ref)"
run_logged old-platform tf "$work/old" "$work/tf-old" platform local apply -auto-approve -input=false -no-color
step "platform applied ($old_ref): $(grep -Eo 'Apply complete! Resources: [0-9]+ added' "$work/old-platform.log")"

run_logged new-plan tf "$new" "$work/tf-new" platform local plan -input=false -no-color -out="$work/new.tfplan"
tf "$new" "$work/tf-new" platform local show -json "$work/new.tfplan" >"$work/new.plan.json"
step "platform planned (${new_ref:-working tree})"

# One line per change that is not a no-op, then the totals.
jq -r '.resource_changes[]
  | select(.change.actions != ["no-op"] or .previous_address != null)
  | "\(.change.actions | join("+"))\t\(.address)\(if .previous_address then " (moved from \(.previous_address))" else "" end)"' "$work/new.plan.json" |
  tee "$work/changes.txt"
summary=$(jq -r '[.resource_changes[]] as $rc | [
  "moved \([$rc[] | select(.previous_address != null)] | length)",
  "updated in place \([$rc[] | select(.change.actions == ["update"])] | length)",
  "created \([$rc[] | select(.change.actions == ["create"])] | length)",
  "replaced \([$rc[] | select(.change.actions | (index("delete") != null and index("create") != null))] | length)",
  "deleted \([$rc[] | select(.change.actions == ["delete"])] | length)"
  ] | join(", ")' "$work/new.plan.json")
echo "$summary" | tee "$work/summary.txt"
if jq -e '[.resource_changes[] | select(.change.actions | index("delete"))] | length > 0' "$work/new.plan.json" >/dev/null; then
  step "FAIL: the plan destroys or replaces resources (see above)"
  exit 1
fi
step "PASS: nothing destroyed or replaced"
