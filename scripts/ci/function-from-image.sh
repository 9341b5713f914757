#!/usr/bin/env bash
# Deploys the Lambda function from the container image the pipeline built: the
# function's bootstrap is the image's own /server, byte for byte, so the
# service and the function run the same build (deploy.yml's function jobs).
#
#   scripts/ci/function-from-image.sh --env ENV --image REF --commit SHA [--arch arm64|x86_64]
#
# REF: URI@sha256:<digest> (the build's multi-arch index or a manifest), or
#      URI:TAG, which is pulled once and pinned to its digest before use.
# 1. `docker create --platform linux/<arch> URI@sha256:...` and `docker cp`
#    of /server (a scratch image has no shell to run anything in);
# 2. scripts/package-function.sh <arch> server bootstrap-<arch>.zip (in a
#    temporary folder; fails if the binary is for another architecture);
# 3. scripts/deploy-function.sh --env ENV --zip ... --commit SHA (publish a
#    version, move the live alias, smoke test, roll back on failure).
# --arch: the function's architecture (infra/envs/<env>.function.tfvars;
# default arm64); deploy-function.sh refuses a zip for another one.
# Exit: deploy-function.sh's (0 deployed, 1 failed); 1 the image could not be
# read; 2 bad input.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
usage="usage: scripts/ci/function-from-image.sh --env ENV --image URI@sha256:DIGEST|URI:TAG --commit SHA [--arch arm64|x86_64]"
die() { echo "function-from-image: $*" >&2; exit 1; }
bad_input() { echo "function-from-image: $*" >&2; echo "$usage" >&2; exit 2; }

env="" image="" commit="" arch=arm64
while [ "$#" -gt 0 ]; do
  case "$1" in
    --env | --image | --commit | --arch)
      [ "$#" -ge 2 ] || bad_input "$1 needs a value"
      declare "${1#--}=$2"
      shift 2
      ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) bad_input "unknown argument '$1'" ;;
  esac
done
[ -n "$env" ] || bad_input "missing --env"
{ [[ "$env" =~ ^[a-z][a-z0-9-]*$ ]] && [ -f "$root/infra/envs/$env.function.tfvars" ]; } ||
  bad_input "unknown env '$env': there is no infra/envs/$env.function.tfvars"
[ -n "$image" ] || bad_input "missing --image (the image the build pushed, by digest)"
[ -n "$commit" ] || bad_input "missing --commit (the git SHA the image was built from)"
[[ "$commit" =~ ^[0-9a-f]{7,40}$ ]] || bad_input "invalid --commit '$commit': 7-40 lowercase hex digits"
case "$arch" in
  arm64) platform=linux/arm64 ;;
  x86_64) platform=linux/amd64 ;;
  *) bad_input "--arch must be arm64 or x86_64 (got '$arch')" ;;
esac
# name[:port]/path[:tag] or ...@sha256:<64 hex>; nothing a shell would interpret.
[[ "$image" =~ ^[a-z0-9][a-z0-9.:-]*(/[a-z0-9._-]+)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$ ]] ||
  bad_input "invalid --image '$image': expected URI@sha256:<64 hex digits> or URI:TAG"

if [[ "$image" != *@sha256:* ]]; then
  # A tag can move; the digest it names now is what gets deployed.
  docker pull --quiet --platform "$platform" "$image" >/dev/null || die "cannot pull $image for $platform"
  pinned=$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$image" | grep -m1 "^${image%:*}@sha256:") ||
    die "docker reports no digest for $image"
  echo "function-from-image: $image is $pinned"
  image=$pinned
fi

work=$(mktemp -d)
container=""
cleanup() {
  [ -z "$container" ] || docker rm --force "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "function-from-image: /server of $image ($platform)"
container=$(docker create --platform "$platform" "$image") || die "cannot create a container from $image for $platform"
docker cp "$container:/server" "$work/server" || die "$image has no /server"
zip="$work/bootstrap-$arch.zip"
"$root/scripts/package-function.sh" "$arch" "$work/server" "$zip"
"$root/scripts/deploy-function.sh" --env "$env" --zip "$zip" --commit "$commit"
