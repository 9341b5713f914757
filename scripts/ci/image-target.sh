#!/usr/bin/env bash
# Prints, as GitHub step outputs, where the deploy workflow pushes the image
# of commit SHA for env ENV, and whether ECR already holds it:
#   scripts/ci/image-target.sh ENV SHA [build|existing]
#   -> repository=<ECR repository URL>  image=<URL>:<SHA>  exists=true|false
#      digest=<the image's digest, when it exists>
# The repository comes from the platform's Terraform outputs (one source of
# truth); ECR tags are immutable, so an existing image is reused, not rebuilt.
# MODE build (default): a missing image is to be built (exists=false).
# MODE existing: a missing image is an error (exit 1): a rollback, or a prod
# deploy, which promotes only an image dev's repository holds.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
usage="usage: scripts/ci/image-target.sh ENV SHA [build|existing]"
if [ "$#" -lt 2 ] || [ "$#" -gt 3 ] || [ -z "$1" ] || [ -z "$2" ]; then echo "$usage" >&2; exit 2; fi
env=$1 sha=$2 mode=${3:-build}
case "$mode" in build | existing) ;; *) echo "image-target: MODE must be build or existing (got '$mode')" >&2; echo "$usage" >&2; exit 2 ;; esac

outputs=$("$root/scripts/tf.sh" platform "$env" output -json) || {
  echo "image-target: cannot read the platform's outputs for env $env (is infra/platform applied?)" >&2
  exit 1
}
url=$(jq -r '.ecr_repository_url.value // empty' <<<"$outputs")
name=$(jq -r '.ecr_repository_name.value // empty' <<<"$outputs")
if [ -z "$url" ] || [ -z "$name" ]; then echo "image-target: the platform for env $env has no ECR repository output" >&2; exit 1; fi

exists=false digest=""
if digest=$(aws --output text ecr describe-images --repository-name "$name" --image-ids "imageTag=$sha" \
  --query 'imageDetails[0].imageDigest' 2>/dev/null); then
  exists=true
  echo "image-target: $url:$sha is already in ECR ($digest); it is reused" >&2
elif [ "$mode" = existing ]; then
  echo "image-target: $url:$sha is not in env $env's repository: this commit was never built there (deploy it to $env first: push it to main, or run the deploy workflow with environment $env); nothing was changed" >&2
  exit 1
else
  digest=""
fi
echo "repository=$url"
echo "image=$url:$sha"
echo "exists=$exists"
echo "digest=$digest"
