# shellcheck shell=bash
# Helpers of the deploy scripts (scripts/deploy.sh, scripts/preflight.sh,
# scripts/deploy-function.sh): timed step lines, bad input (usage, exit 2),
# the --env option, the GitHub Actions outputs and job summary, and the
# emulator guard.
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

# parse_env SUFFIX ARGS...: takes `--env ENV` (or `--env=ENV`) out of ARGS and
# checks it names an env with infra/envs/<env>SUFFIX; sets `env`, and `args` to
# the other arguments in order (the caller parses those). -h/--help prints
# $usage and exits 0.
parse_env() {
  local suffix=$1
  shift
  env="" args=()
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --env) [ "$#" -ge 2 ] || bad_input "--env needs a value"; env=$2; shift 2 ;;
      --env=*) env=${1#--env=}; shift ;;
      -h | --help) echo "$usage"; exit 0 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  [ -n "$env" ] || bad_input "missing --env"
  { [[ "$env" =~ ^[a-z][a-z0-9-]*$ ]] && [ -f "$root/infra/envs/$env$suffix" ]; } ||
    bad_input "unknown env '$env': there is no infra/envs/$env$suffix"
}

# valid_tag TAG: Docker's rule for a tag, [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
valid_tag() { [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; }
# valid_digest DIGEST: sha256:<64 lowercase hex>, the form ECR gives.
valid_digest() { [[ "$1" =~ ^sha256:[a-f0-9]{64}$ ]]; }

# The SSM image parameter holds TAG@sha256:HEX since deploys go by digest
# (TAG alone before, `none` before the first deploy). The tag cannot hold '@'.
# image_ref_tag VALUE: the tag part. image_ref_digest VALUE: the digest part,
# or status 1 when there is none.
image_ref_tag() { printf '%s\n' "${1%%@*}"; }
image_ref_digest() { [[ "$1" == *@sha256:* ]] && printf '%s\n' "${1#*@}"; }

# require_emulator_for_local ENV: env `local` is the AWS emulator and must
# never fall through to a real account.
require_emulator_for_local() {
  [ "$1" = local ] && [ -z "${AWS_ENDPOINT_URL:-}" ] || return 0
  local emu_env="${EMULATOR_DIR:-$root/build/emulator}/env"
  # shellcheck disable=SC1090
  [ -f "$emu_env" ] && source "$emu_env"
  [ -n "${AWS_ENDPOINT_URL:-}" ] || bad_input "env 'local' is the AWS emulator: run scripts/emulator.sh start (or set AWS_ENDPOINT_URL)"
}
