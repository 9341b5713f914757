#!/usr/bin/env bash
# Prints, as GitHub step outputs, where the deploy workflow pushes the image
# of commit SHA for env ENV, and whether ECR already holds it:
#   scripts/ci/image-target.sh ENV SHA
#   -> repository=<ECR repository URL>  image=<URL>:<SHA>  exists=true|false
# The repository comes from the platform's Terraform outputs (one source of
# truth); ECR tags are immutable, so an existing image is reused, not rebuilt.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$#" -ne 2 ] || [ -z "$1" ] || [ -z "$2" ]; then echo "usage: scripts/ci/image-target.sh ENV SHA" >&2; exit 2; fi
env=$1 sha=$2

outputs=$("$root/scripts/tf.sh" platform "$env" output -json) || {
  echo "image-target: cannot read the platform's outputs for env $env (is infra/platform applied?)" >&2
  exit 1
}
url=$(jq -r '.ecr_repository_url.value // empty' <<<"$outputs")
name=$(jq -r '.ecr_repository_name.value // empty' <<<"$outputs")
if [ -z "$url" ] || [ -z "$name" ]; then echo "image-target: the platform for env $env has no ECR repository output" >&2; exit 1; fi

exists=false
if aws ecr describe-images --repository-name "$name" --image-ids "imageTag=$sha" >/dev/null 2>&1; then
  exists=true
  echo "image-target: $url:$sha is already in ECR; it is reused" >&2
fi
echo "repository=$url"
echo "image=$url:$sha"
echo "exists=$exists"
