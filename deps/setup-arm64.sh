#!/usr/bin/env bash
# Lets this machine run arm64 (aarch64) programs and container images under
# qemu-user-static: mounts binfmt_misc if needed and enables Debian's
# qemu-aarch64 entry (flags F: the interpreter is opened at registration, so
# it also works inside containers). Idempotent; does nothing on an arm64
# machine. Where the kernel or sandbox refuses, it says so and goes on: the
# arm64 suite then fails naming what to enable.
set -euo pipefail
case "$(uname -m)" in aarch64 | arm64) exit 0 ;; esac
entry=/proc/sys/fs/binfmt_misc/qemu-aarch64
if [ -f "$entry" ] && head -n 1 "$entry" | grep -qx enabled; then
  exit 0
fi
warn() { echo "setup-arm64: $* (arm64 images will not run here; see docs/container.md, arm64)" >&2; }
command -v update-binfmts >/dev/null || { warn "update-binfmts is missing: apt-get install binfmt-support"; exit 0; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ! -f /proc/sys/fs/binfmt_misc/status ]; then
  $sudo mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
    { warn "cannot mount binfmt_misc on /proc/sys/fs/binfmt_misc"; exit 0; }
fi
$sudo update-binfmts --enable qemu-aarch64 2>/dev/null ||
  { warn "update-binfmts --enable qemu-aarch64 failed"; exit 0; }
echo "setup-arm64: qemu-aarch64 registered with binfmt_misc"
