# shellcheck shell=bash
# Source me: `source scripts/terraform-env.sh`.
# Points Terraform at a provider mirror when there is one, and at a shared
# plugin cache: writes build/terraform/cli.tfrc and exports TF_CLI_CONFIG_FILE,
# TF_PLUGIN_CACHE_DIR, TF_IN_AUTOMATION and CHECKPOINT_DISABLE.
#
# TF_PLUGIN_MIRROR  unset: the first of the known places that holds
#                   registry.terraform.io/hashicorp/aws (TF_PLUGIN_MIRROR_SEARCH,
#                   colon-separated; default /opt/tf-plugins and Terraform's
#                   own local mirror folders), else the public registry;
#                   a folder: that mirror (it must hold registry.terraform.io/);
#                   none: the public registry.
# A machine with internet access needs no setting; an offline one names its
# mirror or keeps it in a known place. Nothing searches the filesystem.
_tfenv_main() {
  local root dir mirror place places
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || return 1
  dir="${TF_ENV_DIR:-$root/build/terraform}"
  mirror="${TF_PLUGIN_MIRROR:-}"
  if [ -z "$mirror" ]; then
    mirror=none
    places=${TF_PLUGIN_MIRROR_SEARCH:-/opt/tf-plugins:/usr/local/share/terraform/plugins:/usr/share/terraform/plugins:${HOME:-/root}/.terraform.d/plugins}
    while IFS= read -r -d : place; do
      if [ -n "$place" ] && [ -d "$place/registry.terraform.io/hashicorp/aws" ]; then mirror=$place; break; fi
    done <<<"$places:"
  elif [ "$mirror" != none ] && [ ! -d "$mirror/registry.terraform.io" ]; then
    echo "terraform-env: no offline provider mirror at TF_PLUGIN_MIRROR=$mirror (it must hold registry.terraform.io/;" \
      "terraform providers mirror DIR makes one); unset it, or set none, to install from the registry" >&2
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
