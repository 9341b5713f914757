#!/usr/bin/env bash
# Promotes an image without rebuilding it: copies the image index that TAG
# names in another env's ECR repository (prod: dev's, which dev deployed and
# tested) into ENV's repository under the same TAG, by digest:
#
#   scripts/ci/promote-image.sh --env ENV --tag TAG --from REPOSITORY_URL[@sha256:HEX]
#
# 1. the source repository holds TAG (at that digest, when one is given);
#    otherwise exit 1 before anything is written: only what dev has is promoted;
# 2. ENV's repository holds TAG already: at the same digest there is nothing
#    to copy; at another, exit 1 (ECR tags are immutable: TAG was built twice);
# 3. logs docker in to both registries and copies the index, its manifests and
#    blobs at registry level (`docker buildx imagetools create`), then checks
#    that ENV's repository holds TAG at the source's digest.
# ECR's PutImage alone is no copy: on AWS it fails when the target repository
# lacks the layers (moto accepts it), so it is not used here.
# The deploy follows: scripts/deploy.sh --env ENV --tag TAG --digest <digest>.
#
# Prints GitHub step outputs (also to $GITHUB_OUTPUT when set):
#   image=<ENV repository URL>:TAG  digest=sha256:...  copied=true|false
# Exit: 0 ENV's repository holds the image; 1 it does not (nothing was written
# when the source lacks it); 2 bad input.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
label=promote-image
# shellcheck source=scripts/lib/deploy-steps.sh
source "$root/scripts/lib/deploy-steps.sh"
usage="usage: scripts/ci/promote-image.sh --env ENV --tag TAG --from REPOSITORY_URL[@sha256:HEX]   (ENV: $(known_envs .tfvars))"

parse_env .tfvars "$@"
set -- ${args[@]+"${args[@]}"}
tag="" from=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --tag) [ "$#" -ge 2 ] || bad_input "--tag needs a value"; tag=$2; shift 2 ;;
    --from) [ "$#" -ge 2 ] || bad_input "--from needs a value"; from=$2; shift 2 ;;
    *) bad_input "unknown argument '$1'" ;;
  esac
done
[ -n "$tag" ] || bad_input "missing --tag (the image tag to promote, the full git SHA)"
valid_tag "$tag" || bad_input "invalid image tag '$tag': up to 128 of A-Z a-z 0-9 _ . - , not starting with . or -"
[ -n "$from" ] || bad_input "missing --from (the source repository URL, e.g. dev's: <account>.dkr.ecr.<region>.amazonaws.com/<name>)"
ecr_url='^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/([a-z0-9][a-z0-9._/-]*)$'
src_url=${from%%@*} want=""
[[ "$from" != *@* ]] || want=${from#*@}
[[ "$src_url" =~ $ecr_url ]] || bad_input "--from '$from' is not an ECR repository URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>[@sha256:HEX])"
src_account=${BASH_REMATCH[1]} src_region=${BASH_REMATCH[2]} src_name=${BASH_REMATCH[4]}
[ -z "$want" ] || valid_digest "$want" || bad_input "invalid digest in --from '$from': sha256: and 64 lowercase hex digits"
require_emulator_for_local "$env"

fail() { step "FAILED: $*" >&2; exit 1; }
# digest_of REGISTRY_ID REGION REPOSITORY TAG: the digest TAG points to; empty when absent.
digest_of() {
  local out
  if out=$(aws --output text --region "$2" ecr describe-images --registry-id "$1" --repository-name "$3" \
    --image-ids "imageTag=$4" --query 'imageDetails[0].imageDigest' 2>&1); then echo "$out"
  elif [[ "$out" == *ImageNotFound* ]]; then echo ""
  else fail "cannot read $3:$4 in registry $1 ($2): $out"; fi
}

# ---- 1. the source holds TAG (read only) -------------------------------------
step "promoting $src_url:$tag${want:+ ($want)} to env $env, no rebuild"
digest=$(digest_of "$src_account" "$src_region" "$src_name" "$tag")
[ -n "$digest" ] ||
  fail "$src_url has no image tagged $tag: it was never built there (deploy this commit to dev first: push it to main, or run the deploy workflow with environment dev); nothing was changed in $env"
[ -z "$want" ] || [ "$digest" = "$want" ] ||
  fail "$src_url:$tag is $digest, not $want which was expected; nothing was changed in $env"
step "source $src_url:$tag is $digest"

# ---- 2. the target ----------------------------------------------------------
outputs=$("$root/scripts/tf.sh" platform "$env" output -json 2>&1) ||
  fail "cannot read the platform's Terraform outputs for env $env (is infra/platform applied?): $(tail -n 3 <<<"$outputs")"
dst_url=$(jq -r '.ecr_repository_url.value // empty' <<<"$outputs")
[[ "$dst_url" =~ $ecr_url ]] || fail "the platform of env $env has no ECR repository URL output (got '$dst_url')"
dst_account=${BASH_REMATCH[1]} dst_region=${BASH_REMATCH[2]} dst_name=${BASH_REMATCH[4]}
[ "$dst_url" != "$src_url" ] || fail "source and target are the same repository ($dst_url)"

copied=false
have=$(digest_of "$dst_account" "$dst_region" "$dst_name" "$tag")
if [ "$have" = "$digest" ]; then
  step "$dst_url:$tag is already $digest: nothing to copy"
elif [ -n "$have" ]; then
  fail "$dst_url:$tag is already $have, not $digest (tags are immutable: this commit was built into $env separately); delete that image or deploy it by its own digest"
else
  # ---- 3. registry-level copy ------------------------------------------------
  for host_region in "${src_url%%/*} $src_region" "${dst_url%%/*} $dst_region"; do
    read -r host region <<<"$host_region"
    [ "$host" != "${done_host:-}" ] || continue
    step "docker login $host"
    aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$host" >/dev/null ||
      fail "docker login to $host failed"
    done_host=$host
  done
  step "copying $src_url@$digest to $dst_url:$tag (index, manifests and blobs)"
  docker buildx imagetools create --tag "$dst_url:$tag" "$src_url@$digest" ||
    fail "copying $src_url@$digest to $dst_url:$tag failed"
  have=$(digest_of "$dst_account" "$dst_region" "$dst_name" "$tag")
  [ "$have" = "$digest" ] || fail "after the copy $dst_url:$tag is '${have:-missing}', not $digest"
  copied=true
fi

for kv in "image=$dst_url:$tag" "digest=$digest" "copied=$copied"; do
  echo "$kv"
  gh_output "${kv%%=*}" "${kv#*=}"
done
step "env $env holds $dst_url:$tag at $digest"
