#!/usr/bin/env bash
# Prints the container platform (linux/amd64 or linux/arm64) that an image
# must have to run on a given target:
#   scripts/container/platform.sh ENV    the CPU architecture of ENV's ECS tasks
#                                        (service.cpu_architecture in infra/envs/ENV.tfvars)
#   scripts/container/platform.sh host   this machine's own CPU
# One source of truth: the tfvars the platform is applied with.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
envs() { find "$root/infra/envs" -maxdepth 1 -name '*.tfvars' -printf '%f\n' | sed -n 's/^\([a-z0-9-]*\)\.tfvars$/\1/p' | sort | xargs; }
usage() { echo "usage: scripts/container/platform.sh ENV|host   (ENV: one of $(envs))" >&2; exit 2; }
if [ "$#" -ne 1 ] || [ -z "$1" ]; then usage; fi

if [ "$1" = host ]; then
  case "$(uname -m)" in
    x86_64 | amd64) echo linux/amd64 ;;
    aarch64 | arm64) echo linux/arm64 ;;
    *) echo "platform: this machine's CPU ($(uname -m)) is neither x86_64 nor aarch64" >&2; exit 1 ;;
  esac
  exit 0
fi

[[ $1 =~ ^[a-z0-9-]+$ ]] || usage
tfvars="$root/infra/envs/$1.tfvars"
[ -f "$tfvars" ] || usage
# The `service = { ... cpu_architecture = "X" ... }` block; the platform's
# default (ARM64, infra/platform/variables.tf) applies when the key is absent.
arch=$(awk '/^service[[:space:]]*=/ { inside = 1 } inside && /^}/ { inside = 0 }
  inside && match($0, /cpu_architecture[[:space:]]*=[[:space:]]*"[A-Z0-9_]+"/) {
    split(substr($0, RSTART, RLENGTH), parts, "\""); print parts[2]; exit }' "$tfvars")
case "${arch:-ARM64}" in
  ARM64) echo linux/arm64 ;;
  X86_64) echo linux/amd64 ;;
  *) echo "platform: $tfvars sets cpu_architecture = \"$arch\"; expected ARM64 or X86_64" >&2; exit 1 ;;
esac
