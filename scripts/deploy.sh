#!/usr/bin/env bash
# Deploys one image to one environment, by digest (docs/decisions/0001):
#
#   scripts/deploy.sh --env ENV --tag TAG [--digest sha256:...]   (make deploy ENV=dev TAG=<sha>)
#
# TAG is the image's tag in the env's ECR repository (the full git SHA); the
# task definition names the image by its digest (repository@sha256:...), the
# one TAG points to. --digest (what a promotion copied) must be that digest.
# 1. checks: the env exists, TAG is a valid image tag, then scripts/preflight.sh
#    (the platform is applied, ECR holds TAG for the task's CPU architecture,
#    the roles and secrets exist); any failure here exits before anything changes;
# 2. reads the image deployed last from the SSM parameter (the rollback target);
# 3. records TAG@DIGEST in the SSM parameter BEFORE the apply: infra/service
#    reads it when applied without image_tag (infra.yml), so an infrastructure
#    apply between this apply and the smoke test keeps the new image;
# 4. `terraform apply` of infra/service with -var image_tag=TAG -var
#    image_digest=DIGEST: Terraform registers the task definition and waits
#    for a stable service, so its state always matches what runs (no drift);
# 5. smoke test: /healthz 200 and /version reporting TAG (scripts/smoke-test.sh;
#    URL from SMOKE_URL, else the platform's app_url; SMOKE=0 skips it).
# If 3-5 fail: puts the previous value back in SSM, then re-applies the
# previous image, writes a summary, exits 1.
#
# Exit: 0 deployed; 1 failed (before any change, or rolled back); 2 bad input.
# Writes a Markdown summary to $GITHUB_STEP_SUMMARY and outputs to
# $GITHUB_OUTPUT when they are set (GitHub Actions).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
label=deploy
# shellcheck source=scripts/lib/deploy-steps.sh
source "$root/scripts/lib/deploy-steps.sh"
usage="usage: scripts/deploy.sh --env ENV --tag TAG [--digest sha256:HEX]   (ENV: $(known_envs .tfvars))"
fail_early() { step "FAILED before any change: $*" >&2; summary "failed before any change" "$*"; exit 1; }

parse_env .tfvars "$@"
set -- ${args[@]+"${args[@]}"}
tag="" tag_given=0 digest="" digest_given=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --tag) [ "$#" -ge 2 ] || bad_input "--tag needs a value"; tag=$2; tag_given=1; shift 2 ;;
    --tag=*) tag=${1#--tag=}; tag_given=1; shift ;;
    --digest) [ "$#" -ge 2 ] || bad_input "--digest needs a value"; digest=$2; digest_given=1; shift 2 ;;
    --digest=*) digest=${1#--digest=}; digest_given=1; shift ;;
    *) bad_input "unknown argument '$1'" ;;
  esac
done
[ "$tag_given" = 1 ] || bad_input "missing --tag (the image tag to deploy, normally the full git SHA)"
[ -n "$tag" ] || bad_input "empty --tag (the image tag to deploy, normally the full git SHA)"
valid_tag "$tag" || bad_input "invalid image tag '$tag': up to 128 of A-Z a-z 0-9 _ . - , not starting with . or -"
[ "$digest_given" = 0 ] || valid_digest "$digest" || bad_input "invalid --digest '$digest': sha256: and 64 lowercase hex digits"
smoke=${SMOKE:-1}
[[ "$smoke" =~ ^[01]$ ]] || bad_input "SMOKE must be 0 or 1 (got '$smoke')"

# Markdown summary for people: GitHub's job summary, else stdout only.
summary() {
  local outcome=$1 detail=$2
  gh_summary "$(
    echo "### Deploy to \`$env\`: $outcome"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| image tag | \`$tag\` |"
    [ -n "${digest:-}" ] && echo "| image digest | \`$digest\` |"
    echo "| previous | \`${prev:-none}\` |"
    [ -n "${image:-}" ] && echo "| image | \`$image\` |"
    [ -n "${smoke_url:-}" ] && echo "| URL | $smoke_url |"
    echo "| duration | $(elapsed) s |"
    echo
    echo "$detail"
  )"
}

# shellcheck source=scripts/stack/deploy-env.sh
[ "$env" != local ] || [ -n "${AWS_ENDPOINT_URL:-}${EMULATOR_DIR:-}" ] || source "$root/scripts/stack/deploy-env.sh"
require_emulator_for_local "$env"

tf() { "$root/scripts/tf.sh" "$@"; }

prev="" image="" smoke_url=""
step "deploying image tag $tag${digest:+ ($digest)} to env $env"

# ---- 1. checks (nothing changes before they all pass) ----------------------
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
step "preflight: platform, image for the task's architecture, roles, secrets (scripts/preflight.sh)"
"$root/scripts/preflight.sh" --env "$env" --tag "$tag" ${digest:+--digest "$digest"} 2>"$errors" ||
  fail_early "$(grep -v '^preflight: [0-9]* check' "$errors" | sed 's/^preflight: FAIL  //')"
outputs=$(tf platform "$env" output -json 2>"$errors") ||
  fail_early "cannot read the platform's Terraform outputs for env $env: $(tail -n 5 "$errors")"
out() { jq -r --arg k "$1" '.[$k].value // empty' <<<"$outputs"; }
repo=$(out ecr_repository_name) cluster=$(out cluster_name) service=$(out service_name)
param=$(out image_tag_parameter_name) region=$(out region) app_url=$(out app_url)
export AWS_REGION=$region AWS_DEFAULT_REGION=$region
aws_() { aws --output text "$@"; }

# The digest TAG points to (preflight has checked it matches --digest).
got=$(aws_ ecr describe-images --repository-name "$repo" --image-ids "imageTag=$tag" \
  --query 'imageDetails[0].imageDigest' 2>&1) || fail_early "cannot read the digest of $repo:$tag: $got"
[ -z "$digest" ] || [ "$got" = "$digest" ] || fail_early "$repo:$tag is $got, not $digest"
digest=$got
record="$tag@$digest"

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
# Only an image that still exists can be rolled back to (by digest when known).
rollback_to="" rollback_vars=()
if [ -n "$prev" ] && [ "$prev" != "$record" ]; then
  prev_tag=$(image_ref_tag "$prev") prev_digest=""
  if prev_digest=$(image_ref_digest "$prev"); then
    id="imageDigest=$prev_digest"
    rollback_vars=(-var "image_tag=$prev_tag" -var "image_digest=$prev_digest")
  else
    prev_digest="" id="imageTag=$prev_tag"
    rollback_vars=(-var "image_tag=$prev_tag")
  fi
  if aws_ ecr describe-images --repository-name "$repo" --image-ids "$id" >/dev/null 2>&1; then rollback_to=$prev_tag
  else step "previous image $prev is not in ECR: no rollback target"; fi
fi

if [ "$smoke" = 1 ]; then
  smoke_url=${SMOKE_URL:-$app_url}
  [ -n "$smoke_url" ] || bad_input "no URL to smoke-test: the platform has no app_url (no load balancer?); set SMOKE_URL, or SMOKE=0 to skip"
fi

# ---- 2. change ---------------------------------------------------------------
# Puts the previous value back in SSM first (an infrastructure apply from now
# on keeps the previous image), then re-applies the previous image so that
# Terraform's state and the service match what serves again (the circuit
# breaker has already rolled ECS back).
# Puts the previous value back in SSM; `restored` says how that went.
restore_ssm() {
  if err=$(aws_ ssm put-parameter --name "$param" --value "${prev:-none}" --overwrite 2>&1); then
    restored="The SSM parameter holds \`${prev:-none}\` again."
  else
    restored="**Putting \`${prev:-none}\` back in SSM parameter $param failed** ($err): set it by hand before the next infrastructure apply."
  fi
  step "$restored"
}
rollback() {
  local reason=$1 result restored
  trap - INT TERM  # from here on the rollback itself puts SSM back
  step "FAILED: $reason" >&2
  restore_ssm
  if [ -n "$rollback_to" ]; then
    step "rolling back: terraform apply of infra/service with the previous tag $rollback_to (${prev_digest:-its digest})"
    if tf service "$env" apply -auto-approve -input=false "${rollback_vars[@]}"; then
      result="Rolled back: infra/service re-applied with the previous tag \`$rollback_to\`${prev_digest:+ (\`$prev_digest\`)}, which is serving."
    else
      result="**The rollback apply with the previous tag \`$rollback_to\` failed too**: check the service (ECS's circuit breaker keeps the last healthy deployment running)."
    fi
  elif [ -n "$prev" ]; then
    result="Nothing to re-apply: the previous image is \`$prev\`; ECS's circuit breaker keeps the last healthy deployment serving."
  else
    result="No previous deploy to roll back to."
  fi
  step "$result"
  gh_output deployed false
  summary "FAILED" "$reason"$'\n\n'"$result $restored"
  exit 1
}

# Cancelled or timed out from here on (GitHub sends SIGINT, then SIGTERM, and
# kills the job seconds later; bash runs this once Terraform, which got the
# signal too, has stopped): SSM must not keep an image that never became
# stable, or the next infrastructure apply would roll it out again.
interrupted() {
  trap - INT TERM
  local restored
  step "INTERRUPTED ($1) during the deploy of $record" >&2
  restore_ssm
  summary "INTERRUPTED" "$1 during the deploy of \`$record\`. $restored ECS's circuit breaker keeps the last healthy deployment. If Terraform's state lock stayed behind: docs/runbook.md (force-unlock)."
  exit 130
}
trap 'interrupted SIGINT' INT
trap 'interrupted SIGTERM' TERM

step "recording $record in SSM $param (before the apply: an infrastructure apply from now on keeps it)"
err=$(aws_ ssm put-parameter --name "$param" --value "$record" --overwrite 2>&1) ||
  fail_early "cannot write the image to SSM parameter $param: $err"

step "applying infra/service with image_tag=$tag image_digest=$digest (waits for a stable service)"
tf service "$env" apply -auto-approve -input=false -var "image_tag=$tag" -var "image_digest=$digest" ||
  rollback "terraform apply of infra/service with image tag $tag failed (service not stable, or a Terraform error)"
# env local: the emulator runs no tasks; the local ECS stand-in (local/,
# started by make up) rolls them now. Wait for its verdict (circuit breaker).
if [ "$env" = local ] && [ -n "${LOCAL_ECS_DIR:-}" ]; then
  step "local rollout of $tag (local/ecs_agent.py)"
  python3 "$root/local/ecs_ctl.py" wait "$LOCAL_ECS_DIR" "$digest" ||
    rollback "the rolling deploy of $tag failed: its tasks never turned healthy (circuit breaker)"
fi

# The steady-state wait also ends after a circuit-breaker rollback: check.
image=$("$root/scripts/service-check.sh" "$env" "$digest" 2>"$errors") ||
  rollback "the service does not run what was applied: $(cat "$errors")"
step "service $service runs $image"

if [ "$smoke" = 1 ]; then
  step "smoke test: $smoke_url (/healthz, /version commit $tag)"
  "$root/scripts/smoke-test.sh" "$smoke_url" "$tag" || rollback "smoke test against $smoke_url failed"
else
  step "smoke test skipped (SMOKE=0)"
fi

trap - INT TERM
gh_output deployed true
gh_output image "$image"
gh_output image_digest "$digest"
gh_output previous_tag "$(image_ref_tag "$prev")"
gh_output app_url "${smoke_url:-$app_url}"
summary "deployed" "Service \`$service\` in cluster \`$cluster\` is stable on \`$image\`$([ "$smoke" = 1 ] && echo ", smoke test passed" || echo " (smoke test skipped)")."
step "done"
