#!/usr/bin/env bash
# Checks, before anything changes, that an env can take a deploy (the model:
# kayac/ecspresso's `verify`). Read-only; run by scripts/deploy.sh first, or alone:
#
#   scripts/preflight.sh --env ENV [--tag TAG] [--digest sha256:HEX]
#
#   platform   infra/platform is applied: its outputs, the SSM image-tag parameter,
#              the ECS cluster
#   image      the image is in the env's ECR repository for the task's CPU
#              architecture: an image index must list linux/<arch>; a single
#              image's config must name <arch>. The image: TAG, or DIGEST, or
#              TAG which must point to DIGEST (a promoted image); without
#              either, the one deployed last (by digest when SSM records it)
#   roles      the task execution role and the task role exist
#   secrets    every secret the task definition names exists
#
# One line per check (ok / FAIL / note), each FAIL saying what is wrong and how
# to fix it. A check the caller's role may not perform (iam:GetRole,
# secretsmanager:DescribeSecret, ecr:GetDownloadUrlForLayer) is a note, not a failure.
# Exit: 0 every check passed; 1 at least one failed; 2 bad input.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
label=preflight
# shellcheck source=scripts/lib/deploy-steps.sh
source "$root/scripts/lib/deploy-steps.sh"
usage="usage: scripts/preflight.sh --env ENV [--tag TAG] [--digest sha256:HEX]   (ENV: $(known_envs .tfvars))"

parse_env .tfvars "$@"
set -- ${args[@]+"${args[@]}"}
tag="" digest=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --tag) [ "$#" -ge 2 ] || bad_input "--tag needs a value"; tag=$2; shift 2 ;;
    --digest) [ "$#" -ge 2 ] || bad_input "--digest needs a value"; digest=$2; shift 2 ;;
    *) bad_input "unknown argument '$1'" ;;
  esac
done
[ -z "$tag" ] || valid_tag "$tag" ||
  bad_input "invalid image tag '$tag': up to 128 of A-Z a-z 0-9 _ . - , not starting with . or -"
[ -z "$digest" ] || valid_digest "$digest" || bad_input "invalid --digest '$digest': sha256: and 64 lowercase hex digits"

failures=0
ok() { echo "preflight: ok    $*"; }
note() { echo "preflight: note  $*"; }
fail() { echo "preflight: FAIL  $*" >&2; failures=$((failures + 1)); }
finish() {
  if [ "$failures" -gt 0 ]; then echo "preflight: $failures check(s) failed for env $env" >&2; exit 1; fi
  echo "preflight: env $env is ready"
  exit 0
}

# ---- platform ---------------------------------------------------------------
if ! outputs=$("$root/scripts/tf.sh" platform "$env" output -json 2>&1) || [ "$(jq -r 'length' <<<"$outputs" 2>/dev/null)" = 0 ]; then
  fail "cannot read the platform's Terraform outputs for env $env: apply infra/platform first (scripts/tf.sh platform $env apply), with AWS credentials set. $(tail -n 3 <<<"$outputs" | tr '\n' ' ')"
  finish
fi
out() { jq -r --arg k "$1" '.[$k].value // empty' <<<"$outputs"; }
repo=$(out ecr_repository_name) cluster=$(out cluster_name) service=$(out service_name)
param=$(out image_tag_parameter_name) region=$(out region)
arch=$(jq -r '.service_inputs.value.settings.cpu_architecture // "ARM64"' <<<"$outputs")
export AWS_REGION=$region AWS_DEFAULT_REGION=$region
aws_() { aws --output text "$@"; }

if deployed=$(aws_ ssm get-parameter --name "$param" --query Parameter.Value 2>&1); then
  ok "SSM parameter $param exists (deployed tag: $deployed)"
else
  case "$deployed" in
    *ParameterNotFound*) fail "SSM parameter $param is missing: apply infra/platform (scripts/tf.sh platform $env apply)" ;;
    *) fail "cannot read SSM parameter $param: $deployed" ;;
  esac
  deployed=none
fi

if status=$(aws_ ecs describe-services --cluster "$cluster" --services "$service" --query 'services[0].status' 2>&1); then
  case "$status" in
    ACTIVE) ok "ECS cluster $cluster and service $service are ACTIVE" ;;
    None | INACTIVE) ok "ECS cluster $cluster exists; service $service does not yet (the first deploy creates it)" ;;
    *) fail "ECS service $service in cluster $cluster is $status" ;;
  esac
else
  case "$status" in
    *ClusterNotFound*) fail "ECS cluster '$cluster' not found in $region: apply infra/platform for env $env (scripts/tf.sh platform $env apply)" ;;
    *) fail "cannot describe ECS service $service in cluster $cluster: $status" ;;
  esac
fi

# ---- image ------------------------------------------------------------------
want=$(case "$arch" in X86_64) echo amd64 ;; *) echo arm64 ;; esac)
if [ -z "$tag$digest" ] && [ "$deployed" != none ]; then
  tag=$(image_ref_tag "$deployed")
  digest=$(image_ref_digest "$deployed") || digest=""
  # The digest names the image; the tag may be gone (ECR's lifecycle policy).
  [ -z "$digest" ] || tag=""
fi
if [ -z "$tag$digest" ]; then
  fail "no image tag given and none deployed to $env yet: pass --tag <tag> (scripts/deploy.sh --env $env --tag <git sha>)"
else
  # What the messages call the image, and how ECR is asked for it.
  ref="$repo${tag:+:$tag}${digest:+@$digest}"
  if [ -n "$tag" ]; then id="imageTag=$tag"; else id="imageDigest=$digest"; fi
  media='application/vnd.oci.image.index.v1+json application/vnd.docker.distribution.manifest.list.v2+json application/vnd.oci.image.manifest.v1+json application/vnd.docker.distribution.manifest.v2+json'
  # shellcheck disable=SC2086  # one media type per word
  if ! got=$(aws --output json ecr batch-get-image --repository-name "$repo" --image-ids "$id" \
    --accepted-media-types $media 2>&1); then
    fail "cannot read image $ref from ECR: $got"
  elif [ "$(jq '.images | length' <<<"$got")" = 0 ] && [ -n "$tag" ]; then
    fail "image tag '$tag' not found in ECR repository $repo: build and push it first (the deploy workflow does; by hand: docker buildx build --platform linux/$want --push -t $(out ecr_repository_url):$tag app)"
  elif [ "$(jq '.images | length' <<<"$got")" = 0 ]; then
    fail "image digest $digest not found in ECR repository $repo: deploy a tag that exists (scripts/deploy.sh --env $env --tag <git sha>)"
  elif found=$(jq -r '.images[0].imageId.imageDigest // empty' <<<"$got") && [ -n "$digest" ] && [ -n "$found" ] && [ "$found" != "$digest" ]; then
    fail "image $repo:$tag is $found, not $digest: the tag points to another image than the one expected (was it pushed again?); deploy by the tag's own digest or copy the expected image again (scripts/ci/promote-image.sh)"
  else
    manifest=$(jq -r '.images[0].imageManifest' <<<"$got")
    type=$(jq -r '.mediaType // empty' <<<"$manifest")
    [ -n "$type" ] || type=$(jq -r '.images[0].imageManifestMediaType // empty' <<<"$got")
    case "$type" in
      *index* | *manifest.list*)
        platforms=$(jq -r '[.manifests[]?.platform | select(. != null) | "\(.os)/\(.architecture)"] | unique | join(" ")' <<<"$manifest")
        if [[ " $platforms " == *" linux/$want "* ]]; then
          ok "image $ref is an index with linux/$want (task cpu_architecture $arch); platforms: $platforms"
        else
          fail "image $ref has platforms '${platforms:-none}', not linux/$want which the task runs (cpu_architecture $arch): build for linux/$want (docker buildx build --platform linux/amd64,linux/arm64 ...), or change service.cpu_architecture in infra/envs/$env.tfvars"
        fi
        ;;
      *)
        config=$(jq -r '.config.digest // empty' <<<"$manifest")
        if url=$(aws_ ecr get-download-url-for-layer --repository-name "$repo" --layer-digest "$config" --query downloadUrl 2>&1) &&
          image_arch=$(curl --silent --show-error --fail --max-time 20 "$url" | jq -r '.architecture // empty') && [ -n "$image_arch" ]; then
          if [ "$image_arch" = "$want" ]; then ok "image $ref is linux/$image_arch (task cpu_architecture $arch)"
          else fail "image $ref is built for $image_arch, the task runs $want (cpu_architecture $arch): build for linux/$want, or change service.cpu_architecture in infra/envs/$env.tfvars"; fi
        else
          note "image $ref is in ECR (a single-platform image); its architecture could not be read from its config (${url:0:160}): make sure it is linux/$want"
        fi
        ;;
    esac
  fi
fi

# ---- roles and secrets --------------------------------------------------------
for key in task_execution_role_arn task_role_arn; do
  arn=$(out "$key")
  [ -n "$arn" ] || { fail "the platform has no $key output: apply infra/platform"; continue; }
  if r=$(aws_ iam get-role --role-name "${arn##*/}" --query Role.Arn 2>&1); then ok "role ${arn##*/} exists"
  else
    case "$r" in
      *NoSuchEntity*) fail "role $arn does not exist: apply infra/platform (scripts/tf.sh platform $env apply)" ;;
      *AccessDenied* | *not\ authorized*) note "role ${arn##*/} not checked: this identity may not call iam:GetRole" ;;
      *) fail "cannot check role $arn: $r" ;;
    esac
  fi
done
while read -r ref; do
  [ -n "$ref" ] || continue
  # valueFrom is <secret ARN>[:json-key:version-stage:version-id]
  secret=$(cut -d: -f1-7 <<<"$ref")
  if r=$(aws_ secretsmanager describe-secret --secret-id "$secret" --query ARN 2>&1); then ok "secret ${secret##*:} exists"
  else
    case "$r" in
      *ResourceNotFound*) fail "secret $secret (for the task) does not exist: apply infra/platform, or fix the reference" ;;
      *AccessDenied* | *not\ authorized*) note "secret ${secret##*:} not checked: this identity may not call secretsmanager:DescribeSecret" ;;
      *) fail "cannot check secret $secret: $r" ;;
    esac
  fi
done < <(jq -r '.service_inputs.value.secrets // {} | .[]' <<<"$outputs" | sort -u)

finish
