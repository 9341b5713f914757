#!/usr/bin/env bash
# Packages the static server binary as a Lambda custom runtime zip:
#
#   scripts/package-function.sh ARCH BINARY OUT.zip      a binary on disk
#   scripts/package-function.sh ARCH image:REF OUT.zip   /server of a local image
#
# `make function` passes the image that `make image` builds for ARCH (or
# IMAGE=REF): the zip then holds the very binary the ECS tasks run, from the
# same static build (cross-compiled for arm64, app/Dockerfile).
# The zip holds one file, `bootstrap` (mode 0755, fixed timestamp: the same
# binary always gives the same zip and CodeSha256). Fails when the binary is
# missing or built for another architecture than ARCH (its ELF e_machine).
# Exit: 0 written; 1 missing or wrong binary; 2 bad arguments.
set -euo pipefail
usage="usage: scripts/package-function.sh <arm64|x86_64> (BINARY | image:REF) OUT.zip"
[ "$#" -eq 3 ] || { echo "package-function: $usage" >&2; exit 2; }
arch=$1 bin=$2 out=$3
case "$arch" in
  arm64) machine=183 ;;  # EM_AARCH64
  x86_64) machine=62 ;;  # EM_X86_64
  *) echo "package-function: ARCH must be arm64 or x86_64 (got '$arch'); $usage" >&2; exit 2 ;;
esac
[[ "$out" == *.zip ]] || { echo "package-function: OUT must end in .zip (got '$out'); $usage" >&2; exit 2; }

if [[ "$bin" == image:* ]]; then
  ref=${bin#image:}
  [ -n "$ref" ] || { echo "package-function: image: needs a reference, e.g. image:hello-server:dev; $usage" >&2; exit 2; }
  # shellcheck source=scripts/container/env.sh
  source "$(dirname "$0")/container/env.sh"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # A container is created (never started) only to copy the file out; a
  # local image only (--pull=never), as the pipeline packages what it built.
  if ! cid=$("$CONTAINER_ENGINE" create --pull=never "$ref" /server 2>"$tmp/err"); then
    echo "package-function: cannot use image $ref ($(tail -n 1 "$tmp/err")); build it with make image PLATFORM=linux/<arch>" >&2
    exit 1
  fi
  copied=0
  "$CONTAINER_ENGINE" cp "$cid:/server" "$tmp/server" 2>"$tmp/err" || copied=$?
  "$CONTAINER_ENGINE" rm "$cid" >/dev/null 2>&1 || true  # podman complains of healthcheck timers it never started
  [ "$copied" -eq 0 ] || { echo "package-function: image $ref has no /server ($(tail -n 1 "$tmp/err"))" >&2; exit 1; }
  bin=$tmp/server
elif [ ! -f "$bin" ]; then
  echo "package-function: no $arch binary at $bin (make function builds the image for ARCH; or pass BIN=<path>)" >&2
  exit 1
fi

python3 - "$bin" "$out" "$machine" "$arch" "$2" <<'PY'
import os, struct, sys, zipfile
binary, out, machine, arch, source = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
with open(binary, "rb") as f:
    head = f.read(20)
if head[:4] != b"\x7fELF":
    sys.exit(f"package-function: {source} is not an ELF executable")
found = struct.unpack("<H", head[18:20])[0]
if found != machine:
    names = {62: "x86_64", 183: "arm64"}
    sys.exit(f"package-function: {source} is built for {names.get(found, f'e_machine {found}')}, not {arch}")
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0))
info.external_attr = (0o100755 << 16)  # regular file, rwxr-xr-x: Lambda executes it
info.compress_type = zipfile.ZIP_DEFLATED
tmp = out + ".tmp"
with open(binary, "rb") as f, zipfile.ZipFile(tmp, "w") as z:
    z.writestr(info, f.read(), compresslevel=9)
os.replace(tmp, out)
print(f"package-function: {out} ({os.path.getsize(out)} bytes, {arch}) from {source}")
PY
