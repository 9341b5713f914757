#!/usr/bin/env bash
# `make down`: removes what `make up` started, in reverse order: the ECS
# agent, HAProxy and every task container, the emulator, and the stack's
# local state. No `terraform destroy`: the emulator holds the whole emulated
# stack and both states in memory, and stopping it removes them (a destroy
# took about 150 s for nothing; the infra-emulator suite tests destroys). Safe to run when
# nothing (or only part) is up. Exits 1 if something is still running after.
# Settings: STACK_DIR, STACK_CONTAINER (scripts/stack/lib.sh).
set -euo pipefail
STACK_NAME=down STACK_STEPS=3
# shellcheck source=scripts/stack/lib.sh
source "$(dirname "$0")/stack/lib.sh"
cd "$ROOT"

# The ECS agent first (so it replaces nothing), then HAProxy, then the tasks:
# SIGTERM, the app drains (20 s at most), removal. Also a container an older
# `make up` ran under the name STACK_CONTAINER.
step_tasks() {
  # shellcheck source=/dev/null
  source "$ROOT/scripts/container/env.sh"
  local pid what=() names
  for pid_file in "$LOCAL_ECS_DIR/agent.pid" "$LOCAL_ECS_DIR/haproxy.pid"; do
    pid=$(cat "$pid_file" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      what+=("$(basename "$pid_file" .pid) (pid $pid)")
    fi
    rm -f "$pid_file"
  done
  mapfile -t names < <("$CONTAINER_ENGINE" ps -a --format '{{.Names}}' \
    --filter "label=hello-server.stack=$LOCAL_ECS_DIR" 2>/dev/null)
  if "$CONTAINER_ENGINE" container exists "$STACK_CONTAINER" 2>/dev/null; then names+=("$STACK_CONTAINER"); fi
  if [ "${#names[@]}" -gt 0 ]; then
    "$CONTAINER_ENGINE" stop -t 30 "${names[@]}" >/dev/null || true
    "$CONTAINER_ENGINE" rm -f "${names[@]}" >/dev/null
    what+=("${#names[@]} task container(s)")
  fi
  if [ "${#what[@]}" -gt 0 ]; then step_result "stopped ${what[*]}"
  else step_result "no tasks, no load balancer"; fi
}

step_emulator() {
  if ! stack_emulator_running; then
    step_result "not running"
    return 0
  fi
  if [ -x "$ROOT/scripts/emulator.sh" ]; then
    "$ROOT/scripts/emulator.sh" stop "$EMULATOR_DIR"
  fi
  if [ -f "$EMULATOR_DIR/pid" ] && kill -0 "$(cat "$EMULATOR_DIR/pid")" 2>/dev/null; then
    echo "the emulator (pid $(cat "$EMULATOR_DIR/pid")) is still running" >&2
    return 1
  fi
  step_result "stopped"
}

# The emulator kept the state bucket and both states in memory; the local
# pieces (bootstrap state, Terraform working dirs) now point at nothing.
step_clean() {
  rm -rf "$TF_WORK_DIR" "$EMULATOR_DIR" "$LOCAL_ECS_DIR" "$STACK_DIR/tls"
  rm -f "$STACK_DIR"/{tag,build-tag,image-name,manifest.json,platform.json,service.json,summary.txt,outputs.json}
  step_result "removed ${STACK_DIR#"$ROOT"/} state (logs kept in ${STACK_DIR#"$ROOT"/}/logs)"
}

run_step tasks "Stop them by hand: podman ps -a --filter label=hello-server.stack=$LOCAL_ECS_DIR; kill \$(cat ${LOCAL_ECS_DIR#"$ROOT"/}/agent.pid ${LOCAL_ECS_DIR#"$ROOT"/}/haproxy.pid)" step_tasks
run_step emulator "Stop it by hand: kill \$(cat ${EMULATOR_DIR#"$ROOT"/}/pid)" step_emulator
run_step clean "Remove ${STACK_DIR#"$ROOT"/} by hand." step_clean
stack_say "everything make up started is stopped and removed"
