#!/usr/bin/env bash
# Runs Terraform in one root for one environment:
#
#   scripts/tf.sh <platform|service|function|bootstrap> <env> <terraform command> [args...]
#   e.g. scripts/tf.sh platform dev plan
#        scripts/tf.sh service prod apply -var image_tag=3f2c1ab -auto-approve
#
# - sources scripts/terraform-env.sh (offline provider mirror, plugin cache);
# - keeps each root+env's working dir apart (TF_DATA_DIR under
#   ${TF_WORK_DIR:-build/terraform/work}), so envs never share backend settings;
# - runs `terraform init` when the root, its lock file or the backend config
#   changed: backend settings from infra/envs/<env>.s3.tfbackend, state key
#   <root>/<env>.tfstate (TF_STATE_BUCKET overrides the file's bucket);
# - for plan/apply/destroy/import/refresh/console adds
#   platform:  -var-file=infra/envs/<env>.tfvars -var state_bucket=<bucket>
#   service:   -var environment=<env> -var state_bucket=<bucket> -var state_region=<region>
#   function:  -var-file=infra/envs/<env>.function.tfvars -var environment=<env>
#   bootstrap: -var-file=infra/envs/<env>.bootstrap.tfvars (if present)
#              -var state_bucket_name=<bucket> -var region=<region>; its state is local:
#              infra/envs/<env>.bootstrap.tfstate (git-ignored; outside build/, which
#              make clean deletes), or ${TF_WORK_DIR}/bootstrap-<env>.tfstate when
#              TF_WORK_DIR is set (tests, the local stack) or the env is local;
# - for plan/apply/destroy/import/refresh adds -lock-timeout=$TF_LOCK_TIMEOUT
#   (default 0s): the workflows wait for each other's state lock instead of failing;
# - env "local" is the emulator: it refuses to run unless AWS_ENDPOINT_URL is set
#   (it sources ${EMULATOR_DIR:-build/emulator}/env when that exists), so it can
#   never touch a real account.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: scripts/tf.sh <platform|service|function|bootstrap> <env> <terraform command> [args...]"
die() { echo "tf.sh: $*" >&2; exit 2; }

[ "$#" -ge 3 ] || die "$usage"
stack=$1 env=$2 cmd=$3
shift 3
case "$stack" in platform | service | function | bootstrap) ;; *) die "unknown root '$stack'; $usage" ;; esac
[[ "$env" =~ ^[a-z][a-z0-9-]*$ ]] || die "bad env name '$env'"
dir="$root/infra/$stack"
envs="$root/infra/envs"
backend_file="$envs/$env.s3.tfbackend"
[ -f "$envs/$env.tfvars" ] || die "unknown env '$env': no infra/envs/$env.tfvars (envs: $(cd "$envs" && ls -- *.tfvars | sed 's/\.tfvars$//' | grep -v '\.' | tr '\n' ' '))"
[ -f "$backend_file" ] || die "no backend config infra/envs/$env.s3.tfbackend"
lock_timeout=${TF_LOCK_TIMEOUT:-0s}
[[ "$lock_timeout" =~ ^[0-9]+[smh]$ ]] || die "TF_LOCK_TIMEOUT must be a duration like 30s, 20m or 1h (got '$lock_timeout')"

# shellcheck source=scripts/terraform-env.sh
source "$root/scripts/terraform-env.sh"

if [ "$env" = local ] && [ -z "${AWS_ENDPOINT_URL:-}" ]; then
  emu_env="${EMULATOR_DIR:-$root/build/emulator}/env"
  # shellcheck disable=SC1090
  [ -f "$emu_env" ] && source "$emu_env"
  [ -n "${AWS_ENDPOINT_URL:-}" ] || die "env 'local' is the AWS emulator: run scripts/emulator.sh start (or set AWS_ENDPOINT_URL)"
fi

# `key = "value"` from the backend file.
backend_value() { sed -nE "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"?([^\"]*)\"?[[:space:]]*$/\1/p" "$backend_file" | tail -n 1; }
bucket=${TF_STATE_BUCKET:-$(backend_value bucket)}
region=$(backend_value region)
[ -n "$bucket" ] && [ -n "$region" ] || die "infra/envs/$env.s3.tfbackend must set bucket and region"

work="${TF_WORK_DIR:-$root/build/terraform/work}"
export TF_DATA_DIR="$work/$stack-$env"
mkdir -p "$TF_DATA_DIR"

tf() { terraform -chdir="$dir" "$@"; }

# Re-init only when something init depends on changed: the root, its lock
# file and backend, and the local modules (a module call added inside a
# module needs init too, or Terraform says "Module not installed").
stamp=$( { cat "$dir"/*.tf "$dir/.terraform.lock.hcl" "$backend_file" 2>/dev/null
  find "$root/infra/modules" -name '*.tf' -not -path '*/tests/*' -print0 | sort -z | xargs -0 cat; } |
  sha256sum | cut -c1-16)
stamp="$stamp-$bucket"
if [ "$cmd" != init ] && [ "$(cat "$TF_DATA_DIR/h5-init-stamp" 2>/dev/null)" != "$stamp" ]; then
  if [ "$stack" = bootstrap ]; then
    tf init -input=false >"$TF_DATA_DIR/init.log" 2>&1 || { cat "$TF_DATA_DIR/init.log" >&2; die "init of $stack failed"; }
  else
    tf init -input=false -reconfigure \
      -backend-config="$backend_file" -backend-config="bucket=$bucket" \
      -backend-config="key=$stack/$env.tfstate" >"$TF_DATA_DIR/init.log" 2>&1 ||
      { cat "$TF_DATA_DIR/init.log" >&2; die "init of $stack ($env) failed"; }
  fi
  echo "$stamp" >"$TF_DATA_DIR/h5-init-stamp"
fi

extra=()
case "$cmd" in
  plan | apply | destroy | import | refresh) extra=(-lock-timeout="$lock_timeout") ;;
esac
case "$cmd" in
  plan | apply | destroy | import | refresh | console)
    case "$stack" in
      platform) extra+=(-var-file="$envs/$env.tfvars" -var "state_bucket=$bucket") ;;
      service) extra+=(-var "environment=$env" -var "state_bucket=$bucket" -var "state_region=$region") ;;
      function)
        [ -f "$envs/$env.function.tfvars" ] || die "no infra/envs/$env.function.tfvars (the function's settings for env $env)"
        extra+=(-var-file="$envs/$env.function.tfvars" -var "environment=$env")
        ;;
      bootstrap)
        [ -f "$envs/$env.bootstrap.tfvars" ] && extra+=(-var-file="$envs/$env.bootstrap.tfvars")
        extra+=(-var "state_bucket_name=$bucket" -var "region=$region")
        ;;
    esac
    ;;
esac
case "$stack:$cmd" in
  bootstrap:plan | bootstrap:apply | bootstrap:destroy | bootstrap:import | bootstrap:refresh | bootstrap:output | bootstrap:console)
    # Local state, one file per env. A real account's must survive
    # `make clean` (it is the only record of the state bucket); the
    # emulator's and the tests' go with their working dirs.
    state="$root/infra/envs/$env.bootstrap.tfstate"
    old_state="$work/bootstrap-$env.tfstate"
    if [ -n "${TF_WORK_DIR:-}" ] || [ "$env" = local ]; then
      state=$old_state
    elif [ ! -f "$state" ] && [ -f "$old_state" ]; then
      # Before, it lived in build/: move it once.
      mv "$old_state" "$state" && echo "tf.sh: moved the bootstrap state to infra/envs/$env.bootstrap.tfstate" >&2
    fi
    extra+=(-state="$state")
    ;;
esac
if [ "$cmd" = init ]; then
  if [ "$stack" = bootstrap ]; then exec terraform -chdir="$dir" init -input=false "$@"; fi
  exec terraform -chdir="$dir" init -input=false -reconfigure -backend-config="$backend_file" \
    -backend-config="bucket=$bucket" -backend-config="key=$stack/$env.tfstate" "$@"
fi
exec terraform -chdir="$dir" "$cmd" "${extra[@]}" "$@"
