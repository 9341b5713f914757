#!/usr/bin/env bash
# Checks that an env's ECS service runs what Terraform last applied:
#
#   scripts/service-check.sh ENV [TAG | sha256:DIGEST | TAG@sha256:DIGEST]
#
# The provider's steady-state wait also returns when the deployment circuit
# breaker has rolled the service back to the previous task definition, so a
# green `terraform apply` of infra/service proves nothing by itself. This
# compares the service's task definition with infra/service's output
# task_definition_arn, checks the primary deployment did not fail, and that
# the task definition's image is that digest (repository@DIGEST; with a
# TAG@DIGEST value as the SSM parameter holds it, the digest part), or with
# TAG alone that it carries that tag. Used by
# scripts/deploy.sh and scripts/ci/tf-apply.sh.
# Prints the image the service runs (stdout, one line); errors on stderr.
# Exit: 0 runs it; 1 does not (the message says what runs instead); 2 bad input.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: scripts/service-check.sh ENV [TAG | sha256:DIGEST | TAG@sha256:DIGEST]"
{ [ "$#" -ge 1 ] && [ "$#" -le 2 ]; } || { echo "service-check: $usage" >&2; exit 2; }
env=$1 tag=${2:-}
{ [[ "$env" =~ ^[a-z][a-z0-9-]*$ ]] && [ -f "$root/infra/envs/$env.tfvars" ]; } ||
  { echo "service-check: unknown env '$env': there is no infra/envs/$env.tfvars; $usage" >&2; exit 2; }
fail() { echo "service-check: $*" >&2; exit 1; }

outputs=$("$root/scripts/tf.sh" service "$env" output -json 2>&1) ||
  fail "cannot read infra/service's outputs for env $env: $(tail -n 3 <<<"$outputs")"
out() { jq -r --arg k "$1" '.[$k].value // empty' <<<"$outputs"; }
cluster=$(out cluster_name) service=$(out service_name) applied=$(out task_definition_arn) region=$(out region)
[ -n "$applied" ] || fail "infra/service for env $env has no task_definition_arn output (never applied?)"

described=$(aws --region "$region" --output json ecs describe-services --cluster "$cluster" --services "$service" 2>&1) ||
  fail "cannot describe ECS service $service in cluster $cluster: $described"
running=$(jq -r '.services[0].taskDefinition // empty' <<<"$described")
rollout=$(jq -r '[.services[0].deployments[]? | select(.status == "PRIMARY")][0].rolloutState // empty' <<<"$described")
[ "$running" = "$applied" ] ||
  fail "service $service runs ${running:-nothing}, not $applied which Terraform applied: the deployment circuit breaker rolled it back (see the service's events: aws ecs describe-services --cluster $cluster --services $service)"
[ "$rollout" != FAILED ] || fail "the primary deployment of service $service is FAILED"

images=$(aws --region "$region" --output text ecs describe-task-definition --task-definition "$running" \
  --query 'taskDefinition.containerDefinitions[].image' 2>&1) || fail "cannot describe task definition $running: $images"
image=$(tr '\t' '\n' <<<"$images" | head -n 1)
case "$tag" in
  "") ;;
  *sha256:*)
    digest=sha256:${tag#*sha256:}
    image=$(tr '\t' '\n' <<<"$images" | grep -m1 -F -- "@$digest" || true)
    [ -n "$image" ] || fail "service $service runs $running with image(s) $images, none with digest $digest"
    ;;
  *)
    image=$(tr '\t' '\n' <<<"$images" | grep -m1 -- ":$tag\$" || true)
    [ -n "$image" ] || fail "service $service runs $running with image(s) $images, none with tag $tag"
    ;;
esac
echo "$image"
