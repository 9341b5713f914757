#!/usr/bin/env bash
# `make up`: the whole stack on this machine, through the same paths as AWS.
#   1 setup      install missing Debian packages (make setup)
#   2 image      build the service image (make image)
#   3 emulator   start (or reuse) the local AWS emulator
#   4 bootstrap  the Terraform state bucket (infra/bootstrap)
#   5 platform   apply infra/platform for env "local"
#   6 ecr        register the image's real manifest in the emulated ECR
#   7 container  run the image on localhost (read-only, non-root, no capabilities)
#   8 deploy     scripts/deploy.sh --env local --tag <tag>, smoke test on the container
#   9 summary
# Safe to run again: every step reuses what is already there.
# Settings: STACK_DIR, STACK_PORT, STACK_CONTAINER (scripts/stack/lib.sh).
set -euo pipefail
STACK_NAME=up STACK_STEPS=8
# shellcheck source=scripts/stack/lib.sh
source "$(dirname "$0")/stack/lib.sh"
cd "$ROOT"

url="http://localhost:$STACK_PORT"
check_url="http://127.0.0.1:$STACK_PORT"  # what podman publishes

# The image tag is a commit, as in CI, and the image reports it on /version
# (the deploy's smoke test checks that): the last commit that changed app/
# (the image's whole build context), so commits elsewhere do not rebuild or
# redeploy. With uncommitted changes under app/ the tag also names their
# content, because ECR tags are immutable: the same content keeps its tag
# (make up stays idempotent), new content gets a new one. BUILD_TIME is that
# commit's time, so an unchanged app/ rebuilds from cache into the same image.
commit=$(git log -1 --format=%h --abbrev=12 -- app 2>/dev/null || true)
commit=${commit:-nogit}
if [ -n "$(git status --porcelain -- app 2>/dev/null)" ]; then
  content=$(git ls-files -co --exclude-standard -z -- app | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-8)
  tag="$commit-dirty-$content"
else
  tag=$commit
fi
build_time=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ -- app 2>/dev/null || true)
build_time=${build_time:-1970-01-01T00:00:00Z}

step_setup() {
  "$ROOT/scripts/setup.sh"
  step_result "packages and tools present"
}

step_image() {
  require_file mk/20-container.mk "the container part (make image)"
  # The local tasks run on this machine: build for its own CPU.
  IMAGE_TAG=$tag GIT_SHA=$tag BUILD_TIME=$build_time PLATFORM=host make --no-print-directory image
  # shellcheck source=/dev/null
  source "$ROOT/scripts/container/env.sh"
  echo "$tag" >"$STACK_DIR/tag"
  step_result "$IMAGE_NAME:$tag ($("$CONTAINER_ENGINE" image inspect --format '{{.Size}}' "$IMAGE_NAME:$tag" |
    awk '{printf "%.1f MB", $1/1e6}'))"
}

step_emulator() {
  require_file scripts/emulator.sh "the emulator (infra part)"
  if stack_emulator_running; then
    step_result "reused $("$ROOT/scripts/emulator.sh" status "$EMULATOR_DIR" | sed 's/^emulator: //')"
    return 0
  fi
  MOTO_ECS_SERVICE_RUNNING=$(desired_count) "$ROOT/scripts/emulator.sh" start "$EMULATOR_DIR"
  step_result "started, $("$ROOT/scripts/emulator.sh" status "$EMULATOR_DIR" | sed 's/^emulator: //')"
}

# The ECS service's desired count in env local: the emulator reports that
# many running tasks, so the deploy's wait for a stable service can finish.
desired_count() {
  local n
  n=$(sed -nE 's/^[[:space:]]*(desired_count|service_desired_count)[[:space:]]*=[[:space:]]*([0-9]+).*/\2/p' \
    "$ROOT/infra/envs/local.tfvars" 2>/dev/null | head -n 1)
  echo "${n:-1}"
}

step_bootstrap() {
  require_file infra/bootstrap "the state bucket root (infra part)"
  stack_emulator_env
  tf_twice "$ROOT/scripts/tf.sh" bootstrap "$STACK_ENV" apply -auto-approve -input=false -no-color
  step_result "state bucket $(sed -nE 's/^[[:space:]]*bucket[[:space:]]*=[[:space:]]*"?([^"]*)"?.*/\1/p' \
    "$ROOT/infra/envs/$STACK_ENV.s3.tfbackend")"
}

step_platform() {
  require_file infra/platform "the platform root (infra part)"
  stack_emulator_env
  tf_twice "$ROOT/scripts/tf.sh" platform "$STACK_ENV" apply -auto-approve -input=false -no-color
  "$ROOT/scripts/tf.sh" platform "$STACK_ENV" output -json >"$STACK_DIR/platform.json"
  step_result "$(grep -E '^Apply complete' "$STACK_DIR/logs/platform.log" | tail -n 1)"
}

platform_output() { jq -er --arg k "$1" '.[$k].value' "$STACK_DIR/platform.json"; }

# moto cannot receive a registry push, so the image's manifest (as stored
# locally) is registered with put-image under its own digest: the digest in
# ECR is the one `podman images --digests` shows.
step_ecr() {
  stack_emulator_env
  # shellcheck source=/dev/null
  source "$ROOT/scripts/container/env.sh"
  local tag repo manifest digest media existing
  tag=$(cat "$STACK_DIR/tag")
  repo=$(platform_output ecr_repository_name)
  manifest="$STACK_DIR/manifest.json"
  if [ "$CONTAINER_ENGINE" = podman ]; then
    skopeo inspect --raw "containers-storage:localhost/$IMAGE_NAME:$tag" >"$manifest"
  else
    skopeo inspect --raw "docker-daemon:$IMAGE_NAME:$tag" >"$manifest"
  fi
  digest="sha256:$(sha256sum "$manifest" | cut -d' ' -f1)"
  media=$(jq -r '.mediaType // "application/vnd.oci.image.manifest.v1+json"' "$manifest")
  existing=$(aws ecr describe-images --repository-name "$repo" --image-ids "imageTag=$tag" \
    --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true)
  if [ "$existing" = "$digest" ]; then
    step_result "$repo:$tag already registered ($digest)"
    return 0
  fi
  if [ -n "$existing" ] && [ "$existing" != None ]; then
    echo "ECR tag $repo:$tag already holds $existing, not $digest (tags are immutable);" \
      "commit your change (new tag) or run 'make down' to start from an empty emulator" >&2
    return 1
  fi
  aws ecr put-image --repository-name "$repo" --image-tag "$tag" --image-digest "$digest" \
    --image-manifest "file://$manifest" --image-manifest-media-type "$media" >/dev/null
  step_result "registered $repo:$tag ($digest)"
}

# Runs the container (scripts/container/run.sh: read-only, no capabilities,
# no privilege gain, uid 65532) unless ours already runs this image.
step_container() {
  # shellcheck source=/dev/null
  source "$ROOT/scripts/container/env.sh"
  local image running i
  image="$IMAGE_NAME:$(cat "$STACK_DIR/tag")"
  running=$("$CONTAINER_ENGINE" inspect --format '{{.Image}} {{.State.Running}}' "$STACK_CONTAINER" 2>/dev/null || true)
  if [ "$running" = "$("$CONTAINER_ENGINE" image inspect --format '{{.Id}}' "$image") true" ] &&
    curl -fsS -o /dev/null "$check_url/readyz"; then
    step_result "reused container $STACK_CONTAINER ($image) on $url"
    return 0
  fi
  "$CONTAINER_ENGINE" rm -f "$STACK_CONTAINER" >/dev/null 2>&1 || true
  if ! python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$STACK_PORT" 2>/dev/null; then
    echo "port $STACK_PORT is in use by another process: stop it, or choose another port: make up STACK_PORT=5001" >&2
    return 1
  fi
  IMAGE=$image CONTAINER_NAME=$STACK_CONTAINER HOST_PORT=$STACK_PORT HOST_ADDR=127.0.0.1 DETACH=1 REMOVE=0 \
    "$ROOT/scripts/container/run.sh"
  for i in $(seq 1 100); do
    curl -fsS -o /dev/null "$check_url/readyz" 2>/dev/null && break
    if [ "$("$CONTAINER_ENGINE" inspect --format '{{.State.Running}}' "$STACK_CONTAINER")" != true ]; then
      "$CONTAINER_ENGINE" logs "$STACK_CONTAINER" >&2 || true
      echo "the container exited; its logs are above" >&2
      return 1
    fi
    sleep 0.1
  done
  curl -fsS -o /dev/null "$check_url/readyz" || { echo "$url/readyz did not answer 200 within 10 s" >&2; return 1; }
  step_result "container $STACK_CONTAINER ($image) ready on $url"
}

step_deploy() {
  require_file scripts/deploy.sh "the deploy script (pipeline part)"
  stack_emulator_env
  local tag
  tag=$(cat "$STACK_DIR/tag")
  SMOKE_URL="http://127.0.0.1:$STACK_PORT" "$ROOT/scripts/deploy.sh" --env "$STACK_ENV" --tag "$tag"
  "$ROOT/scripts/tf.sh" service "$STACK_ENV" output -json >"$STACK_DIR/service.json"
  step_result "deployed $tag: $(jq -r '.task_definition_arn.value' "$STACK_DIR/service.json" | sed 's#.*/##')"
}

run_step setup "Install the packages it names by hand, or run 'make setup' to see the error." step_setup
run_step image "Fix the build error above, then run 'make up' again ('make image' alone rebuilds the image)." step_image
run_step emulator "See ${EMULATOR_DIR#"$ROOT"/}/moto.log; 'make down' then 'make up' starts a fresh emulator." step_emulator
run_step bootstrap "Check the emulator is up (scripts/emulator.sh status ${EMULATOR_DIR#"$ROOT"/}); 'make down' then 'make up' starts clean." step_bootstrap
run_step platform "Fix the Terraform error above; 'make up' again resumes from the current state." step_platform
run_step ecr "The image could not be registered in the emulated ECR; see the message above." step_ecr
run_step container "See the container logs above; 'make run' runs the image in the foreground." step_container
run_step deploy "The deploy path failed against the emulator; the message above says which part." step_deploy

stack_emulator_env
# shellcheck source=/dev/null
source "$ROOT/scripts/container/env.sh"
svc() { jq -er --arg k "$1" '.[$k].value' "$STACK_DIR/service.json"; }
{
  echo
  echo "The stack is up (env local, $(stack_elapsed)s)."
  echo "  URL:                  $url  (try $url/version)"
  echo "  ALB DNS name:         $(platform_output alb_dns_name) (emulated)"
  echo "  ECS service:          $(svc service_name) in cluster $(svc cluster_name)"
  echo "  Task definition:      $(svc task_definition_arn | sed 's#.*/##')"
  echo "  ECR repository:       $(platform_output ecr_repository_url) (tag $(cat "$STACK_DIR/tag"))"
  echo "  Emulator:             $AWS_ENDPOINT_URL (source ${EMULATOR_DIR#"$ROOT"/}/env to use the aws CLI)"
  echo "  Logs:                 $CONTAINER_ENGINE logs -f $STACK_CONTAINER  (JSON lines; emulated log group $(platform_output log_group_name))"
  echo "  Metrics:              $url/metrics"
  echo "  Stop everything:      make down"
} | tee "$STACK_DIR/summary.txt"
