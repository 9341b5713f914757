#!/usr/bin/env bash
# Registers a local image's manifest in the emulated ECR repository:
#
#   scripts/stack/ecr-register.sh REPOSITORY TAG
#
# moto cannot receive a registry push, so the image's manifest (as stored
# locally) is registered with put-image under its own digest: the digest in
# ECR is the one `podman images --digests` shows. Prints one line saying
# what it did. Needs the emulator's environment (source DIR/env).
# Exit: 0 registered or already there; 1 the tag holds another digest
# (ECR tags are immutable) or a call failed; 2 bad arguments.
set -euo pipefail
[ "$#" -eq 2 ] || { echo "usage: scripts/stack/ecr-register.sh REPOSITORY TAG" >&2; exit 2; }
repo=$1 tag=$2
# shellcheck source=scripts/container/env.sh
source "$(dirname "$0")/../container/env.sh"
manifest=$(mktemp)
trap 'rm -f "$manifest"' EXIT
if [ "$CONTAINER_ENGINE" = podman ]; then
  skopeo inspect --raw "containers-storage:localhost/$IMAGE_NAME:$tag" >"$manifest"
else
  skopeo inspect --raw "docker-daemon:$IMAGE_NAME:$tag" >"$manifest"
fi
digest="sha256:$(sha256sum "$manifest" | cut -d' ' -f1)"
media=$(jq -r '.mediaType // "application/vnd.oci.image.manifest.v1+json"' "$manifest")
existing=$(aws ecr describe-images --repository-name "$repo" --image-ids "imageTag=$tag" \
  --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true)
if [ "$existing" = "$digest" ]; then
  echo "$repo:$tag already registered ($digest)"
  exit 0
fi
if [ -n "$existing" ] && [ "$existing" != None ]; then
  echo "ECR tag $repo:$tag already holds $existing, not $digest (tags are immutable);" \
    "commit your change (new tag) or run 'make down' to start from an empty emulator" >&2
  exit 1
fi
aws ecr put-image --repository-name "$repo" --image-tag "$tag" --image-digest "$digest" \
  --image-manifest "file://$manifest" --image-manifest-media-type "$media" >/dev/null
echo "registered $repo:$tag ($digest)"
