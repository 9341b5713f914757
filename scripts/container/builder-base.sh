#!/usr/bin/env bash
# Prints the builder base image to use for app/Dockerfile's BUILDER_IMAGE.
#
# The Dockerfile pins debian:bookworm-slim by digest. Where that can be pulled
# the pinned image is used as is (prints nothing: the Dockerfile default
# applies). Where no registry is reachable, it builds an equivalent Debian 12
# base from Debian's archive with mmdebstrap (~20 s), imports it into local
# image storage as localhost/bookworm-builder:<recipe hash>, and prints that
# name. The import is cached: skipped when that tag already exists.
#   DEBIAN_MIRROR      archive URL (default http://deb.debian.org/debian)
#   DEBIAN_SECURITY    security archive URL (default .../debian-security)
set -euo pipefail
# shellcheck source=scripts/container/env.sh
source "$(dirname "$0")/env.sh"

# The image of the stage that BUILDER_IMAGE's default names.
stage=$(sed -n 's/^ARG BUILDER_IMAGE=//p' "$ROOT/app/Dockerfile" | head -n 1)
pinned=$(sed -nE "s/^FROM( --platform=[^ ]+)? ([^ ]+@sha256:[0-9a-f]{64}) AS $stage\$/\2/p" "$ROOT/app/Dockerfile" | head -n 1)
[ -n "$pinned" ] || { container_log "app/Dockerfile: no 'FROM <image>@sha256:... AS ${stage:-?}' stage for BUILDER_IMAGE's default"; exit 1; }

if "$CONTAINER_ENGINE" image inspect "$pinned" >/dev/null 2>&1; then
  container_log "builder base: $pinned (already present)"
  exit 0
fi
container_log "builder base: trying to pull $pinned"
if timeout 120 "$CONTAINER_ENGINE" pull -q "$pinned" >/dev/null 2>&1; then
  exit 0
fi

mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
# The recipe: everything that decides the content of the base.
recipe=(
  --variant=minbase --format=tar
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  bookworm -
  "deb $mirror bookworm main"
  "deb $mirror bookworm-updates main"
  "deb $security bookworm-security main"
)
tag="localhost/bookworm-builder:$(printf '%s\n' "${recipe[@]}" | sha256sum | cut -c1-12)"

if "$CONTAINER_ENGINE" image inspect "$tag" >/dev/null 2>&1; then
  container_log "builder base: cannot pull the pinned image; using the local $tag (cached)"
  echo "$tag"
  exit 0
fi

command -v mmdebstrap >/dev/null || {
  container_log "cannot pull $pinned and mmdebstrap is missing: run 'make setup' (apt-get install mmdebstrap)"
  exit 1
}
container_log "builder base: cannot pull the pinned image; building $tag with mmdebstrap from $mirror"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bookworm-base.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
mmdebstrap --quiet "${recipe[@]}" >"$tmp/base.tar"
"$CONTAINER_ENGINE" import --change 'CMD ["bash"]' "$tmp/base.tar" "$tag" >"$tmp/import.log" 2>&1 \
  || { cat "$tmp/import.log" >&2; exit 1; }
container_log "builder base: $tag imported ($(du -m "$tmp/base.tar" | cut -f1) MB) in $(( $(date +%s) - start )) s"
echo "$tag"
