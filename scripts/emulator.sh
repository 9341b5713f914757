#!/usr/bin/env bash
# The local AWS emulator: moto's server plus the handlers it lacks
# (infra/tests/emulator/moto_launcher.py), on a free loopback port.
#
#   scripts/emulator.sh start  [DIR]  start (or reuse) an emulator; prints and writes DIR/env
#   scripts/emulator.sh stop   [DIR]  stop it
#   scripts/emulator.sh status [DIR]  exit 0 and print the endpoint if running, else exit 1
#   scripts/emulator.sh env    [DIR]  print DIR/env (export lines) of a running emulator
#
# DIR (default build/emulator) holds pid, port, env and moto.log, so several
# emulators can run side by side. `eval "$(scripts/emulator.sh env)"` or
# `source DIR/env` points the AWS CLI, boto3 and Terraform at it.
# Environment: EMULATOR_REGION (default us-east-1), MOTO_ECS_SERVICE_RUNNING
# (tasks each ECS service reports running; default 1, match the desired count;
# `desired`: each service's own desired count).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-}
dir=${2:-$root/build/emulator}
python=${PYTHON:-python3}
launcher="$root/infra/tests/emulator/moto_launcher.py"

die() { echo "emulator: $*" >&2; exit 1; }

running() {
  [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null
}

free_port() {
  "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits until the server answers on its port (moto's own API path).
wait_ready() {
  local port=$1 pid=$2 i
  for i in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/data.json" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

write_env() {
  local port=$1 region=${EMULATOR_REGION:-us-east-1}
  cat >"$dir/env" <<ENV
export AWS_ENDPOINT_URL=http://127.0.0.1:$port
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
unset AWS_SESSION_TOKEN AWS_PROFILE
export AWS_REGION=$region
export AWS_DEFAULT_REGION=$region
export AWS_EC2_METADATA_DISABLED=true
export MOTO_ECS_SERVICE_RUNNING=${MOTO_ECS_SERVICE_RUNNING:-1}
ENV
}

start() {
  mkdir -p "$dir"
  if running; then
    cat "$dir/env"
    return 0
  fi
  "$python" -c 'import moto.server' 2>/dev/null ||
    die "$python cannot import moto (install moto[server] for that interpreter, or set PYTHON=)"
  local attempt port pid
  for attempt in 1 2 3; do
    port=$(free_port)
    # setsid: the server outlives this script and ignores the caller's Ctrl-C.
    MOTO_IAM_LOAD_MANAGED_POLICIES=true \
    MOTO_ECS_SERVICE_RUNNING="${MOTO_ECS_SERVICE_RUNNING:-1}" \
      setsid "$python" "$launcher" -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$dir/pid"
    if wait_ready "$port" "$pid"; then
      echo "$port" >"$dir/port"
      write_env "$port"
      cat "$dir/env"
      return 0
    fi
    kill "$pid" 2>/dev/null || true
    rm -f "$dir/pid"
    echo "emulator: start attempt $attempt on port $port failed (see $dir/moto.log)" >&2
  done
  tail -n 20 "$dir/moto.log" >&2 || true
  die "could not start the emulator"
}

stop() {
  if running; then
    local pid i
    pid=$(cat "$dir/pid")
    kill "$pid"
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "emulator: stopped (pid $pid)"
  else
    echo "emulator: not running"
  fi
  rm -f "$dir/pid" "$dir/port" "$dir/env"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status)
    if running; then echo "emulator: running at http://127.0.0.1:$(cat "$dir/port") (pid $(cat "$dir/pid"))"
    else echo "emulator: not running"; exit 1; fi ;;
  env) running || die "not running in $dir (scripts/emulator.sh start first)"; cat "$dir/env" ;;
  *) die "usage: scripts/emulator.sh start|stop|status|env [DIR]" ;;
esac
