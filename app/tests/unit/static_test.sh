#!/usr/bin/env bash
# Proves the release binary is fully static and serves from an empty root
# filesystem (what the FROM scratch image gives it): no interpreter, no
# shared libraries, no /proc, /etc or /dev.
# Usage: static_test.sh <server binary>
set -uo pipefail
bin=$(readlink -f "$1")
pass=0 fail=0
ok() { echo "ok: $1"; pass=$((pass + 1)); }
bad() { echo "FAILED: $1"; fail=$((fail + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

root=$(mktemp -d) log=$(mktemp) pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$root" "$log"
}
trap cleanup EXIT

check "file(1) says static (static-pie) linked" bash -c "file -b '$bin' | grep -Eq 'static-pie linked|statically linked'"
check "no program interpreter (PT_INTERP)" bash -c "! readelf -lW '$bin' | grep -q INTERP"
check "no shared library dependencies (NEEDED)" bash -c "! readelf -dW '$bin' 2>/dev/null | grep -q NEEDED"
check "ldd: no shared libraries" bash -c "ldd '$bin' 2>&1 | grep -Eq 'statically linked|not a dynamic executable'"
check "position independent, so ASLR applies (ELF type DYN)" bash -c "readelf -hW '$bin' | grep -q 'Type: *DYN'"

cp "$bin" "$root/server"
check "--version runs in an empty root" bash -c "chroot '$root' /server --version | grep -q '^server '"

PORT=0 METRICS_PORT=0 HOST=127.0.0.1 chroot "$root" /server >"$log" 2>&1 &
pid=$!
port=
for _ in $(seq 1 100); do
  port=$(grep '"event":"listening"' "$log" | grep -oE '[,{]"port":[0-9]+' | grep -oE '[0-9]+$' | head -n 1)
  mport=$(grep '"event":"listening"' "$log" | grep -oE '"metrics_port":[0-9]+' | grep -oE '[0-9]+$' | head -n 1)
  [ -n "$port" ] && break
  sleep 0.05
done
if [ -n "$port" ]; then ok "serves in an empty root (port $port)"; else bad "serves in an empty root"; cat "$log"; fi
if [ -n "$port" ]; then
  check "GET /healthz from outside is 200" \
    bash -c "curl -fsS --max-time 2 'http://127.0.0.1:$port/healthz' | grep -q '\"status\":\"ok\"'"
  check "GET /metrics (METRICS_PORT) works without /proc" \
    bash -c "curl -fsS --max-time 2 'http://127.0.0.1:$mport/metrics' | grep -q '^app_build_info'"
  check "--healthcheck inside the empty root exits 0" chroot "$root" /server --healthcheck --port "$port"
  kill -TERM "$pid"
  wait "$pid"
  rc=$?
  pid=
  check "SIGTERM exits 0" test "$rc" -eq 0
  check "--healthcheck against a dead port exits 1" \
    bash -c "chroot '$root' /server --healthcheck --port '$port' 2>/dev/null; [ \$? -eq 1 ]"
fi
echo "binary size: $(stat -c %s "$bin") bytes"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
