# shellcheck shell=bash
# Source me: `source scripts/terraform-env.sh`.
# Points Terraform at the offline provider mirror and a shared plugin cache:
# writes build/terraform/cli.tfrc and exports TF_CLI_CONFIG_FILE,
# TF_PLUGIN_CACHE_DIR, TF_IN_AUTOMATION and CHECKPOINT_DISABLE.
# The mirror is TF_PLUGIN_MIRROR if set, else /opt/tf-plugins, else the folder
# holding registry.terraform.io above any terraform-provider-aws_* binary.
# With internet access and no mirror, set TF_PLUGIN_MIRROR=none to install
# from the registry (the cache still applies).

_tfenv_main() {
  local root dir mirror found
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || return 1
  dir="${TF_ENV_DIR:-$root/build/terraform}"
  mirror="${TF_PLUGIN_MIRROR:-}"
  if [ -z "$mirror" ]; then
    if [ -d /opt/tf-plugins/registry.terraform.io ]; then
      mirror=/opt/tf-plugins
    else
      found=$(find / -xdev \( -path /proc -o -path /sys -o -path "$root" \) -prune -o \
        -name 'terraform-provider-aws_*' -type f -print -quit 2>/dev/null)
      # <mirror>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/<binary>
      [ -n "$found" ] && mirror=$(cd "$(dirname "$found")/../../../../.." && pwd)
    fi
  fi
  if [ -n "${TF_PLUGIN_MIRROR:-}" ] && [ "$mirror" != none ] && [ ! -d "$mirror/registry.terraform.io" ]; then
    echo "terraform-env: no offline provider mirror at TF_PLUGIN_MIRROR=$mirror (it must hold registry.terraform.io/)" >&2
    return 1
  fi
  if [ "$mirror" != none ] && [ ! -d "$mirror/registry.terraform.io" ]; then
    echo "terraform-env: no offline provider mirror found (looked for /opt/tf-plugins and any" \
      "terraform-provider-aws_* binary); set TF_PLUGIN_MIRROR=<folder holding registry.terraform.io>," \
      "or TF_PLUGIN_MIRROR=none to install from the registry" >&2
    return 1
  fi
  command -v terraform >/dev/null || { echo "terraform-env: terraform is not on PATH" >&2; return 1; }

  mkdir -p "$dir/plugin-cache" || return 1
  {
    echo "# Written by scripts/terraform-env.sh; do not edit."
    echo "plugin_cache_dir = \"$dir/plugin-cache\""
    if [ "$mirror" != none ]; then
      cat <<CONF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
CONF
    fi
  } >"$dir/cli.tfrc.$$" && mv "$dir/cli.tfrc.$$" "$dir/cli.tfrc" # $$: two runs at once never share the temporary file

  export TF_CLI_CONFIG_FILE="$dir/cli.tfrc"
  export TF_PLUGIN_CACHE_DIR="$dir/plugin-cache"
  export TF_IN_AUTOMATION=1
  export CHECKPOINT_DISABLE=1
}

_tfenv_main
_tfenv_rc=$?
unset -f _tfenv_main
# shellcheck disable=SC2317  # `exit` is reached only when executed, not sourced
return "$_tfenv_rc" 2>/dev/null || exit "$_tfenv_rc"
