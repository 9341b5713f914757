#!/usr/bin/env bash
# Checks what the Terraform suites need beyond Debian packages (idempotent,
# read-only): Terraform >= 1.10 on PATH, the hashicorp/aws provider mirror
# (or TF_PLUGIN_MIRROR=none with registry access), and a python3 with moto and
# boto3 for the emulator. Neither is in Debian's archive, so this reports
# what is missing instead of installing it.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
missing=0

if ! command -v terraform >/dev/null; then
  echo "setup-infra: terraform is not on PATH (install Terraform >= 1.10 from releases.hashicorp.com, or OpenTofu >= 1.9 as terraform)" >&2
  missing=1
else
  version=$(terraform version -json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])' 2>/dev/null)
  case "$version" in
    1.[0-9].* | 0.*) echo "setup-infra: terraform $version is too old (need >= 1.10 for S3 native locking)" >&2; missing=1 ;;
  esac
fi

if ! (source "$root/scripts/terraform-env.sh") >/dev/null; then
  missing=1
fi

if ! python3 -c 'import moto.server, boto3' 2>/dev/null; then
  echo "setup-infra: python3 lacks moto[server] and boto3 (pip install 'moto[server]==5.2.1' boto3) for the emulator" >&2
  missing=1
fi

if [ "$missing" -eq 0 ]; then
  echo "setup-infra: terraform ${version:-?}, provider mirror and moto present"
fi
# Reporting only: a missing tool makes the infra suites fail with this message.
exit 0
