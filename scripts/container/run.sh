#!/usr/bin/env bash
# Runs the service image on http://$HOST_ADDR:$HOST_PORT with the production
# security settings: read-only root filesystem, no capabilities, no privilege
# gain, uid/gid 65532. Foreground by default (Ctrl-C stops it: the signal is
# passed to the server, which drains and exits 0).
#   IMAGE           default: $IMAGE_NAME:dev (`make image` builds it)
#   HOST_PORT       default: 5000;  HOST_ADDR default: 127.0.0.1
#   CONTAINER_NAME  default: hello-server
#   DETACH=1        run in the background and print the container name
#   REMOVE=0        keep the container after it stops (to read its exit code)
# The service settings THREADS, LOG_LEVEL, ACCESS_LOG, MAX_HEADER_BYTES,
# MAX_BODY_BYTES, MAX_CONNECTIONS, REQUEST_TIMEOUT, IDLE_TIMEOUT and
# DRAIN_TIMEOUT are passed through when set.
set -euo pipefail
# shellcheck source=scripts/container/env.sh
source "$(dirname "$0")/env.sh"

image=${IMAGE:-$IMAGE_NAME:dev}
name=${CONTAINER_NAME:-hello-server}
port=${HOST_PORT:-5000}
addr=${HOST_ADDR:-127.0.0.1}

if ! "$CONTAINER_ENGINE" image inspect "$image" >/dev/null 2>&1; then
  container_log "image $image not found: build it with 'make image'"
  exit 1
fi
if "$CONTAINER_ENGINE" container inspect "$name" >/dev/null 2>&1; then
  container_log "a container named $name exists already: stop it ('$CONTAINER_ENGINE stop $name'), or set CONTAINER_NAME"
  exit 1
fi

args=(run --name "$name" --publish "$addr:$port:5000"
  --read-only --cap-drop ALL --security-opt no-new-privileges --user 65532:65532)
# podman mounts writable tmpfs on /tmp, /var/tmp and /run of a read-only
# container unless told not to; the server writes nothing, so none at all
# (as readonlyRootFilesystem on ECS).
[ "$CONTAINER_ENGINE" != podman ] || args+=(--read-only-tmpfs=false)
[ "${REMOVE:-1}" = 0 ] || args+=(--rm)
for var in THREADS LOG_LEVEL ACCESS_LOG MAX_HEADER_BYTES MAX_BODY_BYTES MAX_CONNECTIONS \
  REQUEST_TIMEOUT IDLE_TIMEOUT DRAIN_TIMEOUT; do
  [ -z "${!var:-}" ] || args+=(--env "$var=${!var}")
done

if [ "${DETACH:-0}" = 1 ]; then
  "$CONTAINER_ENGINE" "${args[@]}" --detach "$image" >/dev/null
  container_log "$name serves http://$addr:$port (stop: $CONTAINER_ENGINE stop $name)"
  echo "$name"
else
  container_log "$name serves http://$addr:$port; Ctrl-C stops it"
  exec "$CONTAINER_ENGINE" "${args[@]}" "$image"
fi
