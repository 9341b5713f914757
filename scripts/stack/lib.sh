# shellcheck shell=bash
# Shared by scripts/up.sh and scripts/down.sh: where the local stack keeps its
# state, and the step runner that prints one timed progress line per step.
#
# Settings (environment):
#   STACK_DIR        state of this stack (default build/stack): emulator, Terraform
#                    working dirs and local state, step logs, summary
#   STACK_PORT       the load balancer's HTTP port (default 5000; redirects to HTTPS)
#   STACK_HTTPS_PORT the load balancer's HTTPS port (default 5443)
#   STACK_CONTAINER  name prefix of the task containers (default hello-server-stack)
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
STACK_DIR=${STACK_DIR:-$ROOT/build/stack}
case "$STACK_DIR" in /*) ;; *) STACK_DIR="$ROOT/$STACK_DIR" ;; esac
STACK_PORT=${STACK_PORT:-5000}
STACK_HTTPS_PORT=${STACK_HTTPS_PORT:-5443}
STACK_CONTAINER=${STACK_CONTAINER:-hello-server-stack}
STACK_ENV=local
export ROOT STACK_DIR STACK_PORT STACK_HTTPS_PORT STACK_CONTAINER
# The ECS and ALB stand-ins (local/ecs_agent.py: tasks, HAProxy) keep their
# state here; deploy.sh waits there for a local rollout's verdict.
export LOCAL_ECS_DIR="$STACK_DIR/ecs"
# tf.sh and deploy.sh read these: this stack's emulator and Terraform state
# stay apart from any other run on the machine.
export EMULATOR_DIR="$STACK_DIR/emulator"
export TF_WORK_DIR="$STACK_DIR/terraform"

STACK_T0=$(date +%s)
STACK_STEP=0
STACK_STEPS=${STACK_STEPS:-0}
STACK_NAME=${STACK_NAME:-up}
mkdir -p "$STACK_DIR/logs"

stack_elapsed() { echo $(($(date +%s) - STACK_T0)); }

# Prints one progress line: "[up  12s] 3/9 emulator: <message>".
stack_say() { printf '[%s %4ss] %s\n' "$STACK_NAME" "$(stack_elapsed)" "$*"; }

# run_step NAME HINT COMMAND...: runs COMMAND with its output in
# STACK_DIR/logs/NAME.log; the command may print a one-line result on fd 3.
# On failure prints the log's tail, what failed and HINT, and exits 1.
run_step() {
  local name=$1 hint=$2 log="$STACK_DIR/logs/$1.log" start rc result
  shift 2
  STACK_STEP=$((STACK_STEP + 1))
  start=$(date +%s)
  : >"$log.result"
  set +e
  (set -e; "$@") >"$log" 2>&1 3>"$log.result"
  rc=$?
  set -e
  result=$(tail -n 1 "$log.result")
  rm -f "$log.result"
  if [ "$rc" -ne 0 ]; then
    stack_say "$STACK_STEP/$STACK_STEPS $name: FAILED after $(($(date +%s) - start))s (exit $rc)"
    echo "----- last lines of ${log#"$ROOT"/} -----" >&2
    tail -n 25 "$log" >&2
    echo "-----" >&2
    echo "$STACK_NAME: step '$name' failed. $hint" >&2
    echo "$STACK_NAME: full log: ${log#"$ROOT"/}" >&2
    exit 1
  fi
  stack_say "$STACK_STEP/$STACK_STEPS $name: ${result:-done} ($(($(date +%s) - start))s)"
}

# Prints the one-line result of a step (see run_step).
step_result() { echo "$*" >&3; }

# Loads the emulator's environment (AWS_ENDPOINT_URL, fake keys, region).
stack_emulator_env() {
  # shellcheck disable=SC1091
  source "$EMULATOR_DIR/env"
}

stack_emulator_running() {
  [ -x "$ROOT/scripts/emulator.sh" ] && "$ROOT/scripts/emulator.sh" status "$EMULATOR_DIR" >/dev/null 2>&1
}

# Fails with a clear message when a script another part provides is missing.
require_file() {
  local path=$1 what=$2
  [ -e "$ROOT/$path" ] || { echo "$path is missing: $what is not in this checkout yet" >&2; return 1; }
}

# Runs a Terraform command again once if it fails: the emulator now and then
# drops a connection under load ("use of closed network connection"), and
# apply/destroy are safe to repeat.
tf_twice() {
  "$@" && return 0
  echo "$STACK_NAME: '$*' failed; trying once more (the emulator drops a connection now and then)" >&2
  sleep 2
  "$@"
}
