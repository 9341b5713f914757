#!/usr/bin/env bash
# Deploys one image tag to one environment (docs/decisions/0001):
#
#   scripts/deploy.sh --env ENV --tag TAG        (make deploy ENV=dev TAG=<sha>)
#
# 1. checks: the env exists, TAG is a valid image tag, then scripts/preflight.sh
#    (the platform is applied, ECR holds TAG for the task's CPU architecture,
#    the roles and secrets exist); any failure here exits before anything changes;
# 2. reads the tag deployed last from the SSM parameter (the rollback target);
# 3. `terraform apply` of infra/service with -var image_tag=TAG: Terraform
#    registers the task definition and waits for a stable service, so its
#    state always matches what runs (no drift);
# 4. smoke test: /healthz 200 and /version reporting TAG (scripts/smoke-test.sh;
#    URL from SMOKE_URL, else the platform's app_url; SMOKE=0 skips it);
# 5. records TAG in the SSM parameter, which infra/service reads when it is
#    applied without image_tag (so an infrastructure change never rolls back).
# If 3-5 fail: re-applies the previous tag, writes a summary, exits 1.
#
# Exit: 0 deployed; 1 failed (before any change, or rolled back); 2 bad input.
# Writes a Markdown summary to $GITHUB_STEP_SUMMARY and outputs to
# $GITHUB_OUTPUT when they are set (GitHub Actions).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Envs are the infra/envs/<env>.tfvars files (not <env>.<root>.tfvars).
known_envs() {
  local f name
  for f in "$root"/infra/envs/*.tfvars; do
    name=$(basename "$f" .tfvars)
    [[ "$name" == *.* ]] || [ ! -e "$f" ] || printf '%s ' "$name"
  done
}
usage="usage: scripts/deploy.sh --env ENV --tag TAG   (ENV: $(known_envs))"

started=$(date +%s)
step() { printf '[%s +%3ss] deploy: %s\n' "$(date -u +%H:%M:%S)" "$(($(date +%s) - started))" "$*"; }
bad_input() { echo "deploy: $*" >&2; echo "$usage" >&2; exit 2; }
fail_early() { step "FAILED before any change: $*" >&2; summary "failed before any change" "$*"; exit 1; }

env="" tag="" tag_given=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --env) [ "$#" -ge 2 ] || bad_input "--env needs a value"; env=$2; shift 2 ;;
    --env=*) env=${1#--env=}; shift ;;
    --tag) [ "$#" -ge 2 ] || bad_input "--tag needs a value"; tag=$2; tag_given=1; shift 2 ;;
    --tag=*) tag=${1#--tag=}; tag_given=1; shift ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) bad_input "unknown argument '$1'" ;;
  esac
done

[ -n "$env" ] || bad_input "missing --env"
{ [[ "$env" =~ ^[a-z][a-z0-9-]*$ ]] && [ -f "$root/infra/envs/$env.tfvars" ]; } ||
  bad_input "unknown env '$env': there is no infra/envs/$env.tfvars"
[ "$tag_given" = 1 ] || bad_input "missing --tag (the image tag to deploy, normally the full git SHA)"
[ -n "$tag" ] || bad_input "empty --tag (the image tag to deploy, normally the full git SHA)"
# Docker's rule for a tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] ||
  bad_input "invalid image tag '$tag': up to 128 of A-Z a-z 0-9 _ . - , not starting with . or -"
smoke=${SMOKE:-1}
[[ "$smoke" =~ ^[01]$ ]] || bad_input "SMOKE must be 0 or 1 (got '$smoke')"

# Markdown summary for people: GitHub's job summary, else stdout only.
summary() {
  local outcome=$1 detail=$2
  local text
  text=$(
    echo "### Deploy to \`$env\`: $outcome"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| image tag | \`$tag\` |"
    echo "| previous tag | \`${prev:-none}\` |"
    [ -n "${image:-}" ] && echo "| image | \`$image\` |"
    [ -n "${smoke_url:-}" ] && echo "| URL | $smoke_url |"
    echo "| duration | $(($(date +%s) - started)) s |"
    echo
    echo "$detail"
  )
  [ -n "${GITHUB_STEP_SUMMARY:-}" ] && printf '%s\n\n' "$text" >>"$GITHUB_STEP_SUMMARY"
  printf '%s\n' "$text"
}
output() { [ -z "${GITHUB_OUTPUT:-}" ] || echo "$1=$2" >>"$GITHUB_OUTPUT"; }

# shellcheck source=scripts/stack/deploy-env.sh
[ "$env" != local ] || [ -n "${AWS_ENDPOINT_URL:-}${EMULATOR_DIR:-}" ] || source "$root/scripts/stack/deploy-env.sh"
# The emulator env must never fall through to a real account.
if [ "$env" = local ] && [ -z "${AWS_ENDPOINT_URL:-}" ]; then
  emu_env="${EMULATOR_DIR:-$root/build/emulator}/env"
  # shellcheck disable=SC1090
  [ -f "$emu_env" ] && source "$emu_env"
  [ -n "${AWS_ENDPOINT_URL:-}" ] || bad_input "env 'local' is the AWS emulator: run scripts/emulator.sh start (or set AWS_ENDPOINT_URL)"
fi

tf() { "$root/scripts/tf.sh" "$@"; }

prev="" image="" smoke_url=""
step "deploying image tag $tag to env $env"

# ---- 1. checks (nothing changes before they all pass) ----------------------
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
step "preflight: platform, image for the task's architecture, roles, secrets (scripts/preflight.sh)"
"$root/scripts/preflight.sh" --env "$env" --tag "$tag" 2>"$errors" ||
  fail_early "$(grep -v '^preflight: [0-9]* check' "$errors" | sed 's/^preflight: FAIL  //')"
outputs=$(tf platform "$env" output -json 2>"$errors") ||
  fail_early "cannot read the platform's Terraform outputs for env $env: $(tail -n 5 "$errors")"
out() { jq -r --arg k "$1" '.[$k].value // empty' <<<"$outputs"; }
repo=$(out ecr_repository_name) cluster=$(out cluster_name) service=$(out service_name)
param=$(out image_tag_parameter_name) region=$(out region) app_url=$(out app_url)
export AWS_REGION=$region AWS_DEFAULT_REGION=$region
aws_() { aws --output text "$@"; }

# Prints the digest of $1 in the repository, fails when it is not there.
image_digest() { aws_ ecr describe-images --repository-name "$repo" --image-ids "imageTag=$1" --query 'imageDetails[0].imageDigest' 2>&1; }

if prev=$(aws_ ssm get-parameter --name "$param" --query Parameter.Value 2>&1); then
  # "none" is the value infra/platform creates the parameter with.
  if [ "$prev" = none ]; then prev=""; step "no previous tag in SSM $param (first deploy)"
  else step "previous tag (SSM $param): $prev"; fi
elif [[ "$prev" == *ParameterNotFound* ]]; then
  prev=""
  step "no previous tag in SSM $param (first deploy)"
else
  err=$prev prev=""
  fail_early "cannot read SSM parameter $param: $err"
fi
# Only an image that still exists can be rolled back to.
rollback_to=""
if [ -n "$prev" ] && [ "$prev" != "$tag" ]; then
  if image_digest "$prev" >/dev/null; then rollback_to=$prev
  else step "previous tag $prev is not in ECR: no rollback target"; fi
fi

if [ "$smoke" = 1 ]; then
  smoke_url=${SMOKE_URL:-$app_url}
  [ -n "$smoke_url" ] || bad_input "no URL to smoke-test: the platform has no app_url (no load balancer?); set SMOKE_URL, or SMOKE=0 to skip"
fi

# ---- 2. change ---------------------------------------------------------------
# Re-applies the previous tag so that Terraform's state and the service match
# what serves again (the circuit breaker has already rolled ECS back).
rollback() {
  local reason=$1 result
  step "FAILED: $reason" >&2
  if [ -n "$rollback_to" ]; then
    step "rolling back: terraform apply of infra/service with the previous tag $rollback_to"
    if tf service "$env" apply -auto-approve -input=false -var "image_tag=$rollback_to"; then
      result="Rolled back: infra/service re-applied with the previous tag \`$rollback_to\`, which is serving."
    else
      result="**The rollback apply with the previous tag \`$rollback_to\` failed too**: check the service (ECS's circuit breaker keeps the last healthy deployment running)."
    fi
  elif [ -n "$prev" ]; then
    result="Nothing to re-apply: the previous tag is \`$prev\`; ECS's circuit breaker keeps the last healthy deployment serving."
  else
    result="No previous deploy to roll back to."
  fi
  step "$result"
  output deployed false
  summary "FAILED" "$reason"$'\n\n'"$result The SSM parameter still holds \`${prev:-nothing}\`."
  exit 1
}

step "applying infra/service with image_tag=$tag (waits for a stable service)"
tf service "$env" apply -auto-approve -input=false -var "image_tag=$tag" ||
  rollback "terraform apply of infra/service with image tag $tag failed (service not stable, or a Terraform error)"
# env local: the emulator runs no tasks; the local ECS stand-in (local/,
# started by make up) rolls them now. Wait for its verdict (circuit breaker).
if [ "$env" = local ] && [ -n "${LOCAL_ECS_DIR:-}" ]; then
  step "local rollout of $tag (local/ecs_agent.py)"
  python3 "$root/local/ecs_ctl.py" wait "$LOCAL_ECS_DIR" "$tag" ||
    rollback "the rolling deploy of $tag failed: its tasks never turned healthy (circuit breaker)"
fi

# The steady-state wait also ends after a circuit-breaker rollback: check.
image=$("$root/scripts/service-check.sh" "$env" "$tag" 2>"$errors") ||
  rollback "the service does not run what was applied: $(cat "$errors")"
step "service $service runs $image"

if [ "$smoke" = 1 ]; then
  step "smoke test: $smoke_url (/healthz, /version commit $tag)"
  "$root/scripts/smoke-test.sh" "$smoke_url" "$tag" || rollback "smoke test against $smoke_url failed"
else
  step "smoke test skipped (SMOKE=0)"
fi

step "recording $tag in SSM $param"
err=$(aws_ ssm put-parameter --name "$param" --value "$tag" --overwrite 2>&1) ||
  rollback "cannot write the tag to SSM parameter $param: $err"

output deployed true
output image "$image"
output previous_tag "$prev"
output app_url "${smoke_url:-$app_url}"
summary "deployed" "Service \`$service\` in cluster \`$cluster\` is stable on \`$image\`$([ "$smoke" = 1 ] && echo ", smoke test passed" || echo " (smoke test skipped)")."
step "done"
