#!/usr/bin/env bash
# Packages the static server binary as a Lambda custom runtime zip:
#
#   scripts/package-function.sh ARCH BINARY OUT.zip      (make function ARCH=arm64|x86_64)
#
# The zip holds one file, `bootstrap` (mode 0755, fixed timestamp: the same
# binary always gives the same zip and CodeSha256). Fails when BINARY is
# missing or built for another architecture than ARCH (its ELF e_machine).
# Exit: 0 written; 1 missing or wrong binary; 2 bad arguments.
set -euo pipefail
usage="usage: scripts/package-function.sh <arm64|x86_64> BINARY OUT.zip"
[ "$#" -eq 3 ] || { echo "package-function: $usage" >&2; exit 2; }
arch=$1 bin=$2 out=$3
case "$arch" in
  arm64) machine=183 ;;  # EM_AARCH64
  x86_64) machine=62 ;;  # EM_X86_64
  *) echo "package-function: ARCH must be arm64 or x86_64 (got '$arch'); $usage" >&2; exit 2 ;;
esac
[[ "$out" == *.zip ]] || { echo "package-function: OUT must end in .zip (got '$out'); $usage" >&2; exit 2; }
[ -f "$bin" ] || { echo "package-function: no $arch binary at $bin (make build for x86_64, the cross build for arm64, or pass BIN=<path>)" >&2; exit 1; }

python3 - "$bin" "$out" "$machine" "$arch" <<'PY'
import os, struct, sys, zipfile
binary, out, machine, arch = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(binary, "rb") as f:
    head = f.read(20)
if head[:4] != b"\x7fELF":
    sys.exit(f"package-function: {binary} is not an ELF executable")
found = struct.unpack("<H", head[18:20])[0]
if found != machine:
    names = {62: "x86_64", 183: "arm64"}
    sys.exit(f"package-function: {binary} is built for {names.get(found, f'e_machine {found}')}, not {arch}")
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0))
info.external_attr = (0o100755 << 16)  # regular file, rwxr-xr-x: Lambda executes it
info.compress_type = zipfile.ZIP_DEFLATED
tmp = out + ".tmp"
with open(binary, "rb") as f, zipfile.ZipFile(tmp, "w") as z:
    z.writestr(info, f.read(), compresslevel=9)
os.replace(tmp, out)
print(f"package-function: {out} ({os.path.getsize(out)} bytes, {arch}) from {binary}")
PY
