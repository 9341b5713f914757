# shellcheck shell=bash
# Sourced by every container script: picks the engine and points podman and
# buildah at the project's config. After sourcing:
#   CONTAINER_ENGINE  docker | podman (set it beforehand to choose)
#   IMAGE_NAME        the app image repository (default hello-server)
#   ROOT              the repository root
# Fails (returns 1) with what to install when no engine works.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
IMAGE_NAME=${IMAGE_NAME:-hello-server}
export ROOT IMAGE_NAME

container_log() { echo "container: $*" >&2; }

# podman/buildah read these instead of /etc/containers (see LOCAL-PLATFORM.md).
export CONTAINERS_CONF="${CONTAINER_DIR:-$ROOT/build/containers}/containers.conf"
export CONTAINERS_STORAGE_CONF="${CONTAINER_DIR:-$ROOT/build/containers}/storage.conf"

container_pick_engine() {
  case "${CONTAINER_ENGINE:-}" in
    docker | podman) : ;;
    "")
      # docker only if a daemon answers: the CLI alone is not enough.
      if command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1; then
        CONTAINER_ENGINE=docker
      elif command -v podman >/dev/null; then
        CONTAINER_ENGINE=podman
      else
        container_log "no container engine: install podman (make setup, or: apt-get install $(grep -v '^#' "$ROOT/deps/apt-container.txt" | xargs)) or start a Docker daemon"
        return 1
      fi ;;
    *) container_log "CONTAINER_ENGINE='$CONTAINER_ENGINE' is not supported: use docker or podman"; return 1 ;;
  esac
  if ! command -v "$CONTAINER_ENGINE" >/dev/null; then
    container_log "$CONTAINER_ENGINE is not installed: run 'make setup' (Debian packages in deps/apt-container.txt)"
    return 1
  fi
  if [ "$CONTAINER_ENGINE" = docker ] && ! timeout 10 docker info >/dev/null 2>&1; then
    container_log "CONTAINER_ENGINE=docker but no Docker daemon answers: start one, or use podman (make setup)"
    return 1
  fi
  if [ "$CONTAINER_ENGINE" = podman ]; then
    bash "$ROOT/deps/setup-container.sh" >&2
    if ! podman info >/dev/null 2>&1; then
      container_log "podman is installed but does not work here: $(podman info 2>&1 | tail -n 1)"
      return 1
    fi
  fi
  export CONTAINER_ENGINE
}
container_pick_engine
