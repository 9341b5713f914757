#!/usr/bin/env bash
# Writes the project's container engine config under build/containers
# (idempotent; no system file is changed). scripts/container/env.sh points
# podman/buildah at it through CONTAINERS_CONF and CONTAINERS_STORAGE_CONF.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="${CONTAINER_DIR:-$root/build/containers}"
# Run-time state (locks, mounts, "did the host reboot" marker) belongs on
# tmpfs, so it goes to /run, under a name unique to this checkout.
run="/run/app-containers-$(printf '%s' "$dir" | sha256sum | cut -c1-8)"
mkdir -p "$dir/storage" "$run/storage" "$run/libpod"

# Writes $1 only when its content changed, so reruns are no-ops.
write() {
  local file=$1 content
  content=$(cat)
  if [ ! -f "$file" ] || [ "$(cat "$file")" != "$content" ]; then
    printf '%s\n' "$content" >"$file"
    echo "setup-container: wrote ${file#"$root"/}"
  fi
}

# Why each setting (see docs/container.md):
#  default_ulimits = []  the host's RLIMIT_NOFILE cannot be raised in this
#                        sandbox (setrlimit: Operation not permitted)
#  runc + cgroupfs       crun and the systemd manager fail on this cgroup v1
#                        host without systemd
#  events_logger=file    no journald
write "$dir/containers.conf" <<CONF
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/events.log"
tmp_dir = "$run/libpod"
CONF

# Images and layers live in the project's build folder, apart from any
# system-wide storage; overlay works on ext4/xfs as root.
write "$dir/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$dir/storage"
runroot = "$run/storage"
CONF
