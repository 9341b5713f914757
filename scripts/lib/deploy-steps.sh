# shellcheck shell=bash
# Helpers of the deploy scripts (scripts/deploy-function.sh; scripts/deploy.sh
# has the same ones inline): timed step lines, bad input (usage, exit 2), the
# GitHub Actions outputs and job summary, and the emulator guard.
# Source after setting `root` and `label` (e.g. label=deploy-function); set
# `usage` before calling bad_input.
# shellcheck disable=SC2154  # root, label and usage are the caller's

deploy_started=$(date +%s)

# step MESSAGE: "[HH:MM:SS +  12s] <label>: MESSAGE"
step() { printf '[%s +%3ss] %s: %s\n' "$(date -u +%H:%M:%S)" "$(($(date +%s) - deploy_started))" "$label" "$*"; }
elapsed() { echo "$(($(date +%s) - deploy_started))"; }
bad_input() { echo "$label: $*" >&2; echo "$usage" >&2; exit 2; }

# gh_output KEY VALUE: a step output in GitHub Actions, nothing elsewhere.
gh_output() { [ -z "${GITHUB_OUTPUT:-}" ] || echo "$1=$2" >>"$GITHUB_OUTPUT"; }
# gh_summary TEXT: to GitHub's job summary when set, and to stdout.
gh_summary() {
  [ -z "${GITHUB_STEP_SUMMARY:-}" ] || printf '%s\n\n' "$1" >>"$GITHUB_STEP_SUMMARY"
  printf '%s\n' "$1"
}

# known_envs SUFFIX: the envs with an infra/envs/<env>SUFFIX file, space separated.
known_envs() {
  local f name
  for f in "$root"/infra/envs/*"$1"; do
    [ -e "$f" ] || continue
    name=$(basename "$f" "$1")
    [[ "$name" == *.* ]] || printf '%s ' "$name"
  done
}

# require_emulator_for_local ENV: env `local` is the AWS emulator and must
# never fall through to a real account.
require_emulator_for_local() {
  [ "$1" = local ] && [ -z "${AWS_ENDPOINT_URL:-}" ] || return 0
  local emu_env="${EMULATOR_DIR:-$root/build/emulator}/env"
  # shellcheck disable=SC1090
  [ -f "$emu_env" ] && source "$emu_env"
  [ -n "${AWS_ENDPOINT_URL:-}" ] || bad_input "env 'local' is the AWS emulator: run scripts/emulator.sh start (or set AWS_ENDPOINT_URL)"
}
