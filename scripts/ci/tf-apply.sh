#!/usr/bin/env bash
# Applies the infrastructure of one env: infra/platform, then infra/service
# without image_tag (it reads the deployed tag from the SSM parameter, so an
# infrastructure change never rolls back the image). Before the first deploy
# there is no image: infra/service is skipped (deploy.yml creates the service).
# After the service apply, checks that the service runs what was applied (the
# provider's wait also ends after a circuit-breaker rollback). Writes a job summary.
#   scripts/ci/tf-apply.sh ENV
# Exit: 0 applied (or service skipped before the first deploy); 1 failed; 2 bad input.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "$#" -eq 1 ] || { echo "usage: scripts/ci/tf-apply.sh ENV" >&2; exit 2; }
env=$1
out=${GITHUB_STEP_SUMMARY:-/dev/null}
step() { echo "[$(date -u +%H:%M:%S)] tf-apply: $*"; }
failed() { step "FAILED: $1"; echo "- $1" >>"$out"; exit 1; }

echo "## Terraform apply: \`$env\`" >>"$out"
start=$(date +%s)
step "infra/platform ($env)"
"$root/scripts/tf.sh" platform "$env" apply -auto-approve -input=false -no-color ||
  failed "infra/platform: **apply failed** after $(($(date +%s) - start)) s (see the job log)"
echo "- infra/platform: applied in $(($(date +%s) - start)) s" >>"$out"

tag=$("$root/scripts/ci/deployed-tag.sh" "$env") || failed "cannot read the deployed image tag of $env"
if [ "$tag" = none ]; then
  step "infra/service ($env) skipped: no image was deployed yet (run the deploy workflow once; it creates the service)"
  echo "- infra/service: skipped, no image deployed to \`$env\` yet (run the deploy workflow once)" >>"$out"
  exit 0
fi

start=$(date +%s)
step "infra/service ($env), deployed image $tag"
"$root/scripts/tf.sh" service "$env" apply -auto-approve -input=false -no-color ||
  failed "infra/service: **apply failed** after $(($(date +%s) - start)) s (see the job log)"
# Against what was applied, not against $tag: a deploy may record a newer
# tag while this apply waits for its lock, and then this apply keeps that one.
image=$("$root/scripts/service-check.sh" "$env") ||
  failed "infra/service: applied, but **the service does not run it** (circuit breaker rollback?): see the log"
step "service runs $image"
echo "- infra/service: applied in $(($(date +%s) - start)) s, service runs \`$image\`" >>"$out"
