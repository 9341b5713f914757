#!/usr/bin/env bash
# Plans infra/platform and infra/service for one env and renders both plans
# into the job summary ($GITHUB_STEP_SUMMARY, else stdout):
#   scripts/ci/tf-plan.sh ENV
# Runs with -lock=false: the plan role is read-only and cannot write the S3
# lock file; a plan changes nothing, so it needs no lock. Exit 1 when a plan
# fails (a plan with changes is a success). Before the first deploy
# infra/service has no image to plan: it is skipped, with a line saying so.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
env=${1:?usage: scripts/ci/tf-plan.sh ENV}
out=${GITHUB_STEP_SUMMARY:-/dev/stdout}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
max=60000 # characters of plan per root in the summary (GitHub allows 1 MiB per step)

status=0
echo "## Terraform plan: \`$env\`" >>"$out"
for stack in platform service; do
  if [ "$stack" = service ]; then
    if ! tag=$("$root/scripts/ci/deployed-tag.sh" "$env"); then
      printf '\n### infra/service: **not planned**: the deployed image tag cannot be read (is infra/platform applied?)\n' >>"$out"
      status=1
      break
    fi
    if [ "$tag" = none ]; then
      # shellcheck disable=SC2016  # backticks are Markdown
      printf '\n### infra/service: skipped (no image deployed to `%s` yet; the first deploy creates the service)\n' "$env" >>"$out"
      break
    fi
  fi
  echo "::group::plan $stack ($env)"
  "$root/scripts/tf.sh" "$stack" "$env" plan -lock=false -input=false -no-color \
    -detailed-exitcode -out="$work/$stack.tfplan" 2>&1 | tee "$work/$stack.log"
  rc=${PIPESTATUS[0]}
  echo "::endgroup::"
  case "$rc" in
    0) verdict="no changes" ;;
    2) verdict="changes"; "$root/scripts/tf.sh" "$stack" "$env" show -no-color "$work/$stack.tfplan" >"$work/$stack.log" 2>&1 ;;
    *) verdict="**plan failed**"; status=1 ;;
  esac
  summary_line=$(grep -E '^(Plan:|No changes\.)' "$work/$stack.log" | tail -n 1)
  {
    echo
    echo "### infra/$stack: $verdict${summary_line:+ ($summary_line)}"
    echo
    echo "<details><summary>plan output</summary>"
    echo
    echo '```terraform'
    head -c "$max" "$work/$stack.log"
    [ "$(wc -c <"$work/$stack.log")" -le "$max" ] || printf '\n... (truncated; the full plan is in the job log)'
    echo
    echo '```'
    echo "</details>"
  } >>"$out"
done
exit "$status"
