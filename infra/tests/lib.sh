# shellcheck shell=bash
# Shared by static.sh and unit.sh: a scratch copy of infra/ (so init never
# writes lock files or .terraform folders into the source tree, and runs in
# parallel do not collide), the list of Terraform dirs, and pass/fail counts.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/terraform-env.sh
source "$root/scripts/terraform-env.sh"

# copy_infra DIR: copies infra/ into DIR (fresh), without working files.
copy_infra() {
  rm -rf "$1" && mkdir -p "$1"
  tar -C "$root/infra" --exclude=.terraform --exclude='*.tfstate' --exclude='*.tfstate.*' -cf - . | tar -C "$1" -xf -
}

# tf_dirs: every module, sub-module and root, relative to infra/.
tf_dirs() {
  (cd "$root/infra" && for d in modules/*/ modules/*/modules/*/ bootstrap/ platform/ service/ function/; do
    [ -d "$d" ] && ls "$d"*.tf >/dev/null 2>&1 && echo "${d%/}"
  done)
}

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# share_provider DATA_DIR: once a dir's init (TF_DATA_DIR DATA_DIR) has
# installed the AWS provider, starts that provider once (in its -debug mode)
# and exports TF_REATTACH_PROVIDERS, so every later terraform command here
# talks to that process instead of starting its own. Terraform starts a
# provider for each run block of a `terraform test` (about 0.35 s of CPU to
# load the AWS provider's schema): that was four fifths of infra-unit's time.
# Does nothing when already shared, or when DATA_DIR has no AWS provider (a
# module without resources). The process stops when the script exits.
share_provider() {
  local bins bin out
  [ -z "${TF_REATTACH_PROVIDERS:-}" ] || return 0
  bins=("$1"/providers/registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws_*)
  bin=${bins[0]}
  [ -e "$bin" ] || return 0
  out=$(mktemp)
  "$bin" -debug >"$out" 2>&1 &
  _shared_provider_pid=$!
  trap 'kill "$_shared_provider_pid" 2>/dev/null; rm -f "'"$out"'"' EXIT
  for _ in $(seq 1 600); do # up to 60 s: a loaded machine starts it slowly
    TF_REATTACH_PROVIDERS=$(sed -nE "s/^[[:space:]]*TF_REATTACH_PROVIDERS='(.*)'$/\1/p" "$out")
    if [ -n "$TF_REATTACH_PROVIDERS" ]; then
      export TF_REATTACH_PROVIDERS
      echo "one AWS provider (pid $_shared_provider_pid) serves every terraform command from here on"
      return 0
    fi
    kill -0 "$_shared_provider_pid" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$out" >&2
  echo "share_provider: $bin -debug printed no TF_REATTACH_PROVIDERS line" >&2
  return 1
}
