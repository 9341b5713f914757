#!/usr/bin/env bash
# Installs what the project needs on Debian/Ubuntu, idempotently:
#   1. the Debian packages listed in deps/apt-*.txt (one per line, # comments),
#      only those missing, with one `apt-get update` first;
#   2. then each deps/setup-*.sh hook in name order (npm tools, container
#      config, ...). Hooks must be idempotent and fast when already done.
# Elsewhere it prints the package list and stops.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mapfile -t wanted < <(cat deps/apt-*.txt 2>/dev/null | sed -e 's/#.*//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u)

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup: not a Debian/Ubuntu machine; install these packages (or their equivalents): ${missing[*]}" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all ${#wanted[@]} Debian packages present"
fi

for hook in deps/setup-*.sh; do
  [ -e "$hook" ] || continue
  echo "setup: $hook"
  bash "$hook"
done
