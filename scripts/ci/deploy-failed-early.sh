#!/usr/bin/env bash
# Job summary for a deploy workflow that failed before scripts/deploy.sh ran
# (platform outputs, build or push): nothing was changed, so the version
# recorded in the SSM parameter is still the one serving.
#   scripts/ci/deploy-failed-early.sh ENV SHA
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
env=${1:?usage: scripts/ci/deploy-failed-early.sh ENV SHA} sha=${2:?usage: scripts/ci/deploy-failed-early.sh ENV SHA}

serving="the previously deployed version"
param=$("$root/scripts/tf.sh" platform "$env" output -raw image_tag_parameter_name 2>/dev/null) &&
  current=$(aws ssm get-parameter --name "$param" --query Parameter.Value --output text 2>/dev/null) &&
  serving="\`$current\` (SSM $param)"

text="### Deploy to \`$env\`: FAILED before the deploy started

The image for \`$sha\` was not deployed: a step before \`scripts/deploy.sh\` failed
(see the log of the failed step). Nothing was changed: $serving is still serving."
printf '%s\n' "$text"
[ -z "${GITHUB_STEP_SUMMARY:-}" ] || printf '%s\n' "$text" >>"$GITHUB_STEP_SUMMARY"
