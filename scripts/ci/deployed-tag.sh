#!/usr/bin/env bash
# Prints the image deployed last to ENV (the platform's SSM parameter:
# TAG@sha256:DIGEST, a TAG alone from before deploys went by digest), or
# `none` before the first deploy: infra/service cannot be planned or applied
# without an image, so the infra workflow skips it until deploy.yml ran once.
#   scripts/ci/deployed-tag.sh ENV
# Exit: 0 printed; 1 the platform's outputs or the parameter cannot be read; 2 bad input.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "$#" -eq 1 ] || { echo "usage: scripts/ci/deployed-tag.sh ENV" >&2; exit 2; }
env=$1
param=$("$root/scripts/tf.sh" platform "$env" output -raw image_tag_parameter_name 2>&1) ||
  { echo "deployed-tag: cannot read the platform's outputs for env $env: $param" >&2; exit 1; }
region=$("$root/scripts/tf.sh" platform "$env" output -raw region 2>&1) ||
  { echo "deployed-tag: cannot read the platform's outputs for env $env: $region" >&2; exit 1; }
if ! tag=$(aws --region "$region" --output text ssm get-parameter --name "$param" --query Parameter.Value 2>&1); then
  case "$tag" in *ParameterNotFound*) tag=none ;; *) echo "deployed-tag: cannot read SSM parameter $param: $tag" >&2; exit 1 ;; esac
fi
echo "$tag"
