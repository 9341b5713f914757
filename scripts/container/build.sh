#!/usr/bin/env bash
# Builds app/Dockerfile (context app/) into $IMAGE_NAME:$IMAGE_TAG and the
# extra tags, and prints the image reference as its last line on stdout.
#   IMAGE_TAG      default: the git commit (short), "-dirty" if app/ has changes
#   EXTRA_TAGS     default: "dev" (space separated; empty for none)
#   VERSION        default: the latest v* tag (without the v), else 0.0.0-dev
#   GIT_SHA        default: the git commit, as IMAGE_TAG
#   BUILD_TIME     default: the commit time (UTC) for a clean tree, so a rebuild
#                  of the same commit is a cache hit; now for a dirty one
#   BUILDER_IMAGE  default: the Dockerfile's pinned base, or a local one
#                  (scripts/container/builder-base.sh) where it cannot be pulled
#   JOBS           parallel compile jobs inside the build (default: all CPUs)
set -euo pipefail
# shellcheck source=scripts/container/env.sh
source "$(dirname "$0")/env.sh"
cd "$ROOT"

commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
dirty=""
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain -- app 2>/dev/null)" ]; then
  dirty="-dirty"
fi
GIT_SHA=${GIT_SHA:-$commit$dirty}
IMAGE_TAG=${IMAGE_TAG:-$GIT_SHA}
EXTRA_TAGS=${EXTRA_TAGS-dev}
if [ -z "${VERSION:-}" ]; then
  VERSION=$(git describe --tags --match 'v[0-9]*' --abbrev=0 2>/dev/null | sed 's/^v//') || true
  VERSION=${VERSION:-0.0.0-dev}
fi
if [ -z "${BUILD_TIME:-}" ]; then
  if [ "$commit" != unknown ] && [ -z "$dirty" ]; then
    BUILD_TIME=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)
  else
    BUILD_TIME=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  fi
fi
source_url=$(git config --get remote.origin.url 2>/dev/null || true)
source_url=$(sed -E -e 's#^git@([^:]+):#https://\1/#' -e 's#\.git$##' <<<"$source_url")

if [ -z "${BUILDER_IMAGE:-}" ]; then
  BUILDER_IMAGE=$(scripts/container/builder-base.sh)
fi

args=(build -f app/Dockerfile -t "$IMAGE_NAME:$IMAGE_TAG"
  --build-arg "VERSION=$VERSION" --build-arg "GIT_SHA=$GIT_SHA" --build-arg "BUILD_TIME=$BUILD_TIME")
for tag in $EXTRA_TAGS; do args+=(-t "$IMAGE_NAME:$tag"); done
[ -z "$BUILDER_IMAGE" ] || args+=(--build-arg "BUILDER_IMAGE=$BUILDER_IMAGE")
[ -z "$source_url" ] || args+=(--build-arg "SOURCE_URL=$source_url")
[ -z "${JOBS:-}" ] || args+=(--build-arg "JOBS=$JOBS")
# OCI image format has no HEALTHCHECK; podman must write the Docker format.
[ "$CONTAINER_ENGINE" != podman ] || args+=(--format docker)
args+=(app)

container_log "building $IMAGE_NAME:$IMAGE_TAG with $CONTAINER_ENGINE (VERSION=$VERSION GIT_SHA=$GIT_SHA BUILD_TIME=$BUILD_TIME${BUILDER_IMAGE:+ BUILDER_IMAGE=$BUILDER_IMAGE})"
start=$(date +%s)
# buildah keeps RUN cache mounts (apt, ccache) under $TMPDIR/buildah-cache:
# keep them with the rest of the project's container state.
cache_tmp=${CONTAINER_DIR:-$ROOT/build/containers}/tmp
mkdir -p "$cache_tmp"
TMPDIR=$cache_tmp nice -n 10 "$CONTAINER_ENGINE" "${args[@]}" >&2
size=$("$CONTAINER_ENGINE" image inspect -f '{{.Size}}' "$IMAGE_NAME:$IMAGE_TAG")
container_log "built $IMAGE_NAME:$IMAGE_TAG${EXTRA_TAGS:+ (also: $EXTRA_TAGS)} in $(( $(date +%s) - start )) s; size $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB uncompressed)"
echo "$IMAGE_NAME:$IMAGE_TAG"
