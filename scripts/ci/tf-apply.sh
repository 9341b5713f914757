#!/usr/bin/env bash
# Applies the infrastructure of one env: infra/platform, then infra/service
# without image_tag (it reads the deployed tag from the SSM parameter, so an
# infrastructure change never rolls back the image). Writes a job summary.
#   scripts/ci/tf-apply.sh ENV
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
env=${1:?usage: scripts/ci/tf-apply.sh ENV}
out=${GITHUB_STEP_SUMMARY:-/dev/null}

echo "## Terraform apply: \`$env\`" >>"$out"
for stack in platform service; do
  start=$(date +%s)
  echo "[$(date -u +%H:%M:%S)] tf-apply: infra/$stack ($env)"
  if ! "$root/scripts/tf.sh" "$stack" "$env" apply -auto-approve -input=false -no-color; then
    echo "- infra/$stack: **apply failed** after $(($(date +%s) - start)) s (see the job log)" >>"$out"
    exit 1
  fi
  echo "- infra/$stack: applied in $(($(date +%s) - start)) s" >>"$out"
done
