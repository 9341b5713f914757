#!/usr/bin/env bash
# Deploys a bootstrap zip to one environment's Lambda function (infra/function),
# or rolls it back:
#
#   scripts/deploy-function.sh --env ENV --zip PATH --commit SHA   (make deploy-function)
#   scripts/deploy-function.sh --env ENV --rollback
#
# 1. checks: the env has a function (infra/function applied: its outputs, the
#    live alias), the zip holds a `bootstrap` built for the function's
#    architecture; any failure here exits before anything changes;
# 2. uploads the code, publishes a version (description "commit SHA") and
#    moves the `live` alias, which the function URL serves, to it;
# 3. smoke test through the function URL: /healthz 200 and /version reporting
#    SHA (scripts/smoke-test.sh; URL from SMOKE_URL, else the function URL;
#    SMOKE=0 skips it). If it fails, the alias moves back to the version it
#    left and the script exits 1 saying so.
# --rollback moves the alias to the newest version older than the one serving,
# then smoke-tests it against the commit that version recorded.
# Terraform ignores the code and the alias version (modules/lambda-function),
# so a plan after a deploy shows no changes.
#
# Exit: 0 deployed; 1 failed (before any change, or rolled back); 2 bad input.
# Writes a Markdown summary to $GITHUB_STEP_SUMMARY and outputs to
# $GITHUB_OUTPUT when they are set (GitHub Actions).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
label=deploy-function
# shellcheck source=scripts/lib/deploy-steps.sh
source "$root/scripts/lib/deploy-steps.sh"
usage="usage: scripts/deploy-function.sh --env ENV (--zip PATH --commit SHA | --rollback)   (ENV: $(known_envs .function.tfvars))"

parse_env .function.tfvars "$@"
set -- ${args[@]+"${args[@]}"}
zip="" commit="" rollback=0 commit_given=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --zip) [ "$#" -ge 2 ] || bad_input "--zip needs a value"; zip=$2; shift 2 ;;
    --zip=*) zip=${1#--zip=}; shift ;;
    --commit) [ "$#" -ge 2 ] || bad_input "--commit needs a value"; commit=$2; commit_given=1; shift 2 ;;
    --commit=*) commit=${1#--commit=}; commit_given=1; shift ;;
    --rollback) rollback=1; shift ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) bad_input "unknown argument '$1'" ;;
  esac
done

smoke=${SMOKE:-1}
[[ "$smoke" =~ ^[01]$ ]] || bad_input "SMOKE must be 0 or 1 (got '$smoke')"
if [ "$rollback" = 1 ]; then
  if [ -n "$zip" ] || [ "$commit_given" = 1 ]; then
    bad_input "--rollback takes no --zip or --commit (it returns to the previous version)"
  fi
else
  [ -n "$zip" ] || bad_input "missing --zip (a bootstrap zip: make function ARCH=<arch>) or --rollback"
  [[ "$zip" == *.zip ]] || bad_input "--zip must name a .zip file (got '$zip')"
  [ -f "$zip" ] || bad_input "no such zip: $zip (make function ARCH=<arch> builds build/function/bootstrap-<arch>.zip)"
  [ "$commit_given" = 1 ] || bad_input "missing --commit (the git SHA the zip was built from: /version must report it)"
  [[ "$commit" =~ ^[0-9a-f]{7,40}$ ]] || bad_input "invalid --commit '$commit': 7-40 lowercase hex digits"
fi
require_emulator_for_local "$env"

prev="" target="" function="" alias="" url=""
summary() {
  local outcome=$1 detail=$2
  gh_summary "$(
    echo "### Function deploy to \`$env\`: $outcome"
    echo
    echo "| | |"
    echo "|---|---|"
    [ -n "$function" ] && echo "| function | \`$function\` (alias \`$alias\`) |"
    [ -n "$zip" ] && echo "| zip | \`$zip\` (commit \`$commit\`) |"
    echo "| version serving before | \`${prev:-unknown}\` |"
    [ -n "$target" ] && echo "| version deployed | \`$target\` |"
    [ -n "$url" ] && echo "| URL | $url |"
    echo "| duration | $(elapsed) s |"
    echo
    echo "$detail"
  )"
}
fail_early() { step "FAILED before any change: $*" >&2; gh_output deployed false; summary "failed before any change" "$*"; exit 1; }

# ---- 1. checks (nothing changes before they all pass) ----------------------
step "$([ "$rollback" = 1 ] && echo "rolling back" || echo "deploying $zip (commit $commit) to") env $env"
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
if ! outputs=$("$root/scripts/tf.sh" function "$env" output -json 2>"$errors"); then
  fail_early "cannot read infra/function's Terraform outputs for env $env (is it applied there, and are AWS credentials set?): $(tail -n 5 "$errors")"
fi
out() { jq -r --arg k "$1" '.[$k].value // empty' <<<"$outputs"; }
function=$(out function_name) alias=$(out alias_name) region=$(out region)
arch=$(out architecture) auth=$(out url_auth_type) function_url=$(out function_url)
for name in function alias region arch function_url; do
  [ -n "${!name}" ] || fail_early "infra/function for env $env has no outputs (is it applied there?)"
done
export AWS_REGION=$region AWS_DEFAULT_REGION=$region
aws_() { aws --output text "$@"; }

prev=$(aws_ lambda get-alias --function-name "$function" --name "$alias" --query FunctionVersion 2>&1) ||
  { err=$prev prev=""; fail_early "cannot read alias $alias of function $function in $region: $err"; }
step "function $function, alias $alias serves version $prev ($arch)"

# commit_of VERSION: the commit a version's description records, or nothing.
commit_of() {
  aws_ lambda get-function-configuration --function-name "$function" --qualifier "$1" --query Description |
    sed -nE 's/^commit ([0-9a-f]{7,40})$/\1/p'
}

if [ "$rollback" = 1 ]; then
  versions=$(aws_ lambda list-versions-by-function --function-name "$function" --query 'Versions[].Version' 2>&1) ||
    fail_early "cannot list the versions of $function: $versions"
  target=$(tr '\t' '\n' <<<"$versions" | grep -E '^[0-9]+$' | awk -v cur="$prev" '$1 < cur' | sort -n | tail -n 1)
  [ -n "$target" ] || fail_early "no version older than $prev to roll back to"
  commit=$(commit_of "$target" || true)
else
  # The zip must hold bootstrap for the function's instruction set.
  if ! err=$(python3 - "$zip" "$arch" <<'PY' 2>&1
import struct, sys, zipfile
path, arch = sys.argv[1], sys.argv[2]
machines = {62: "x86_64", 183: "arm64"}
try:
    with zipfile.ZipFile(path) as z:
        head = z.open("bootstrap").read(20)
except KeyError:
    sys.exit(f"{path} holds no 'bootstrap' file at its root")
except zipfile.BadZipFile:
    sys.exit(f"{path} is not a zip file")
if head[:4] != b"\x7fELF":
    sys.exit(f"bootstrap in {path} is not an ELF executable")
found = machines.get(struct.unpack("<H", head[18:20])[0], "another architecture")
if found != arch:
    sys.exit(f"bootstrap in {path} is built for {found}, but the function runs {arch}")
PY
  ); then
    fail_early "$err"
  fi
fi

if [ "$smoke" = 1 ]; then
  url=${SMOKE_URL:-$function_url}
  [ -n "${SMOKE_URL:-}" ] || [ "$auth" = NONE ] ||
    bad_input "the function URL requires SigV4 (url_auth_type $auth): set SMOKE_URL (e.g. the CloudFront front) or SMOKE=0"
fi

# ---- 2. change ---------------------------------------------------------------
move_alias() { aws_ lambda update-alias --function-name "$function" --name "$alias" --function-version "$1" --query FunctionVersion; }

if [ "$rollback" = 0 ]; then
  step "uploading $zip"
  sha=$(aws_ lambda update-function-code --function-name "$function" --zip-file "fileb://$zip" --query CodeSha256 2>&1) ||
    fail_early "cannot upload the code to $function: $sha"
  err=$(aws lambda wait function-updated --function-name "$function" 2>&1) ||
    fail_early "the code update of $function did not finish: $err"
  target=$(aws_ lambda publish-version --function-name "$function" --code-sha256 "$sha" \
    --description "commit $commit" --query Version 2>&1) || fail_early "cannot publish a version of $function: $target"
  step "published version $target (code sha256 $sha)"
fi

step "moving alias $alias from version $prev to $target"
err=$(move_alias "$target" 2>&1) || fail_early "cannot move alias $alias to version $target: $err"

# A failed smoke test moves the alias back to the version it left.
restore() {
  local reason=$1 result
  step "FAILED: $reason" >&2
  if err=$(move_alias "$prev" 2>&1); then
    result="Rolled back: alias \`$alias\` is on version \`$prev\` again."
  else
    result="**Moving alias \`$alias\` back to version \`$prev\` failed too** ($err): run scripts/deploy-function.sh --env $env --rollback, or move it by hand."
  fi
  step "$result"
  gh_output deployed false
  summary "FAILED" "$reason"$'\n\n'"$result"
  exit 1
}

if [ "$smoke" = 1 ] && [ -n "$commit" ]; then
  step "smoke test: $url (/healthz, /version commit $commit)"
  "$root/scripts/smoke-test.sh" "$url" "$commit" || restore "smoke test of version $target against $url failed"
elif [ "$smoke" = 1 ]; then
  step "smoke test skipped: version $target records no commit to check"
else
  step "smoke test skipped (SMOKE=0)"
fi

gh_output deployed true
gh_output version "$target"
gh_output previous_version "$prev"
gh_output function_url "$function_url"
summary "$([ "$rollback" = 1 ] && echo "rolled back" || echo "deployed")" \
  "Alias \`$alias\` of \`$function\` serves version \`$target\`$([ "$smoke" = 1 ] && [ -n "$commit" ] && echo ", smoke test passed" || echo " (no smoke test)")."
step "done"
