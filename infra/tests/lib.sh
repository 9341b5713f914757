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
