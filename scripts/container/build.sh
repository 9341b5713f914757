#!/usr/bin/env bash
# Builds app/Dockerfile (context app/) into $IMAGE_NAME:$IMAGE_TAG and the
# extra tags, and prints the image reference as its last line on stdout.
#   PLATFORM       linux/arm64, linux/amd64, host (this machine's), or both
#                  comma-separated (a multi-arch manifest list); default: the
#                  CPU of ENV's ECS tasks (scripts/container/platform.sh ENV).
#                  The Dockerfile cross-compiles: no emulation in the build.
#   ENV            the environment whose tasks the image is for (default dev)
#   IMAGE_TAG      default: GIT_SHA
#   EXTRA_TAGS     default: "dev" (space separated; empty for none)
#   VERSION        default: the latest v* tag (without the v), else 0.0.0-dev
#   GIT_SHA        default: the full git commit (what the pipeline tags, deploys
#                  and smoke-tests), "-dirty" if app/ has changes
#   BUILD_TIME     default: the commit time (UTC) for a clean tree, so a rebuild
#                  of the same commit is a cache hit; now for a dirty one
#   BUILDER_IMAGE  default: the Dockerfile's pinned base, or a local one
#                  (scripts/container/builder-base.sh) where it cannot be pulled
#   JOBS           parallel compile jobs inside the build (default: all CPUs)
#   DRY_RUN=1      print the engine command instead of running it
set -euo pipefail
# shellcheck source=scripts/container/env.sh
source "$(dirname "$0")/env.sh"
cd "$ROOT"

platform=${PLATFORM:-$(scripts/container/platform.sh "${ENV:-dev}")}
[ "$platform" != host ] || platform=$(scripts/container/platform.sh host)
if ! [[ $platform =~ ^linux/(amd64|arm64)(,linux/(amd64|arm64))?$ ]]; then
  container_log "PLATFORM='$platform' is not valid: use linux/arm64, linux/amd64, host, or linux/amd64,linux/arm64"
  exit 2
fi

# The same commit string `make build` bakes in (scripts/git-commit.sh).
commit=$(scripts/git-commit.sh)
dirty=""
[[ "$commit" != *-dirty ]] || dirty="-dirty"
GIT_SHA=${GIT_SHA:-$commit}
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

args=(build -f app/Dockerfile --platform "$platform"
  --build-arg "VERSION=$VERSION" --build-arg "GIT_SHA=$GIT_SHA" --build-arg "BUILD_TIME=$BUILD_TIME")
multi=false
[[ $platform != *,* ]] || multi=true
if [ "$multi" = true ] && [ "$CONTAINER_ENGINE" = podman ]; then
  # One manifest list (image index) holding an image per platform; podman
  # tags it with the other names after the build.
  "$CONTAINER_ENGINE" manifest exists "$IMAGE_NAME:$IMAGE_TAG" && "$CONTAINER_ENGINE" manifest rm "$IMAGE_NAME:$IMAGE_TAG" >/dev/null
  args+=(--manifest "$IMAGE_NAME:$IMAGE_TAG")
else
  args+=(-t "$IMAGE_NAME:$IMAGE_TAG")
  for tag in $EXTRA_TAGS; do args+=(-t "$IMAGE_NAME:$tag"); done
fi
[ -z "$BUILDER_IMAGE" ] || args+=(--build-arg "BUILDER_IMAGE=$BUILDER_IMAGE")
[ -z "$source_url" ] || args+=(--build-arg "SOURCE_URL=$source_url")
[ -z "${JOBS:-}" ] || args+=(--build-arg "JOBS=$JOBS")
# OCI image format has no HEALTHCHECK; podman must write the Docker format.
# podman 4.3 (buildah 1.28) sets TARGETARCH but not BUILDPLATFORM, which the
# builder stage's FROM needs to run natively (BuildKit sets both itself).
[ "$CONTAINER_ENGINE" != podman ] ||
  args+=(--format docker --build-arg "BUILDPLATFORM=$(scripts/container/platform.sh host)")
args+=(app)

if [ "${DRY_RUN:-0}" = 1 ]; then
  printf '%q ' "$CONTAINER_ENGINE" "${args[@]}"; echo
  exit 0
fi
container_log "building $IMAGE_NAME:$IMAGE_TAG for $platform with $CONTAINER_ENGINE (VERSION=$VERSION GIT_SHA=$GIT_SHA BUILD_TIME=$BUILD_TIME${BUILDER_IMAGE:+ BUILDER_IMAGE=$BUILDER_IMAGE})"
start=$(date +%s)
# buildah keeps RUN cache mounts (apt, ccache) under $TMPDIR/buildah-cache:
# keep them with the rest of the project's container state.
cache_tmp=${CONTAINER_DIR:-$ROOT/build/containers}/tmp
mkdir -p "$cache_tmp"
TMPDIR=$cache_tmp nice -n 10 "$CONTAINER_ENGINE" "${args[@]}" >&2
seconds=$(( $(date +%s) - start ))
if [ "$multi" = true ]; then
  if [ "$CONTAINER_ENGINE" = podman ]; then
    for tag in $EXTRA_TAGS; do
      "$CONTAINER_ENGINE" manifest exists "$IMAGE_NAME:$tag" && "$CONTAINER_ENGINE" manifest rm "$IMAGE_NAME:$tag" >/dev/null
      "$CONTAINER_ENGINE" tag "$IMAGE_NAME:$IMAGE_TAG" "$IMAGE_NAME:$tag"
    done
  fi
  container_log "built the manifest list $IMAGE_NAME:$IMAGE_TAG ($platform)${EXTRA_TAGS:+ (also: $EXTRA_TAGS)} in $seconds s"
else
  size=$("$CONTAINER_ENGINE" image inspect -f '{{.Size}}' "$IMAGE_NAME:$IMAGE_TAG")
  container_log "built $IMAGE_NAME:$IMAGE_TAG ($platform)${EXTRA_TAGS:+ (also: $EXTRA_TAGS)} in $seconds s; size $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB uncompressed)"
fi
echo "$IMAGE_NAME:$IMAGE_TAG"
