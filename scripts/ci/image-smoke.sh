#!/usr/bin/env bash
# Runs IMAGE the way ECS does (read-only root, no capabilities, no new
# privileges) on a free loopback port and smoke-tests it with
# scripts/smoke-test.sh: /healthz 200 and /version reporting COMMIT.
#   scripts/ci/image-smoke.sh IMAGE COMMIT     (CONTAINER_ENGINE: docker|podman, default docker)
# The container is removed afterwards, also on failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$#" -ne 2 ]; then echo "usage: scripts/ci/image-smoke.sh IMAGE COMMIT" >&2; exit 2; fi
image=$1 commit=$2
engine=${CONTAINER_ENGINE:-docker}
name="image-smoke-$$"

"$engine" run -d --name "$name" -p 127.0.0.1::5000 --read-only --cap-drop ALL \
  --security-opt no-new-privileges "$image" >/dev/null
trap '"$engine" rm -f "$name" >/dev/null 2>&1 || true' EXIT
port=$("$engine" port "$name" 5000/tcp | head -n 1 | sed 's/.*://')
[ -n "$port" ] || { echo "image-smoke: no published port for $name" >&2; exit 1; }
SMOKE_TIMEOUT=${SMOKE_TIMEOUT:-30} SMOKE_INTERVAL=${SMOKE_INTERVAL:-1} \
  "$root/scripts/smoke-test.sh" "http://127.0.0.1:$port" "$commit" || {
  "$engine" logs "$name" 2>&1 | tail -n 20 >&2
  exit 1
}
