#!/usr/bin/env bash
# Removes every tag of the service image, the local builder base images and
# the dangling layers they leave. Containers are left alone: stop them first.
set -euo pipefail
# shellcheck source=scripts/container/env.sh
source "$(dirname "$0")/env.sh"

mapfile -t images < <("$CONTAINER_ENGINE" images --format '{{.Repository}}:{{.Tag}}' |
  grep -E "(^|/)($IMAGE_NAME|bookworm-builder):" || true)
if [ "${#images[@]}" -gt 0 ]; then
  container_log "removing ${images[*]}"
  "$CONTAINER_ENGINE" rmi "${images[@]}" >/dev/null
else
  container_log "no $IMAGE_NAME or bookworm-builder images"
fi
"$CONTAINER_ENGINE" image prune -f >/dev/null
