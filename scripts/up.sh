#!/usr/bin/env bash
# `make up`: the whole stack on this machine, through the same paths as AWS.
#   1 setup      install missing Debian packages (make setup)
#   2 image      build the service image (make image)
#   3 emulator   start (or reuse) the local AWS emulator
#   4 bootstrap  the Terraform state bucket (infra/bootstrap)
#   5 certificate  a local CA and the HTTPS listener's certificate, imported into ACM
#   6 platform   apply infra/platform for env "local" (HTTPS on, with that certificate)
#   7 ecr        register the image's real manifest in the emulated ECR
#   8 lb         HAProxy in the ALB's place, configured from the emulated target
#                group and listeners, and the ECS scheduler's stand-in
#                (local/ecs_agent.py) that runs the service's tasks as containers
#   9 deploy     scripts/deploy.sh --env local --tag <tag>: a rolling deploy of the
#                tasks, smoke test through the load balancer's HTTPS URL
#  10 summary, and build/stack/outputs.json for scripts
# Safe to run again: every step reuses what is already there.
# Settings: STACK_DIR, STACK_PORT, STACK_HTTPS_PORT, STACK_CONTAINER (scripts/stack/lib.sh).
set -euo pipefail
STACK_NAME=up STACK_STEPS=9
# shellcheck source=scripts/stack/lib.sh
source "$(dirname "$0")/stack/lib.sh"
cd "$ROOT"

http_url="http://localhost:$STACK_PORT"
url="https://localhost:$STACK_HTTPS_PORT"
# HTTPS needs a name the certificate covers (infra/platform refuses the ALB's
# own DNS name): this one, with no Route 53 zone; clients here use localhost.
local_domain="hello.localhost"
tls_dir="$STACK_DIR/tls"

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

# The ALB's HTTPS listener needs an ACM certificate: one signed by a local CA
# (local/tls-cert.sh) for the names a local client uses, imported once.
step_certificate() {
  stack_emulator_env
  "$ROOT/local/tls-cert.sh" "$tls_dir" localhost 127.0.0.1 "$local_domain" "*.$AWS_REGION.elb.amazonaws.com"
  local arn
  arn=$(cat "$tls_dir/certificate_arn" 2>/dev/null || true)
  if [ -n "$arn" ] && aws acm describe-certificate --certificate-arn "$arn" >/dev/null 2>&1; then
    step_result "reused $arn"
    return 0
  fi
  aws acm import-certificate --certificate "fileb://$tls_dir/server.crt" --private-key "fileb://$tls_dir/server.key" \
    --certificate-chain "fileb://$tls_dir/ca.pem" --query CertificateArn --output text >"$tls_dir/certificate_arn"
  step_result "imported $(cat "$tls_dir/certificate_arn") (CA: ${tls_dir#"$ROOT"/}/ca.pem)"
}

step_platform() {
  require_file infra/platform "the platform root (infra part)"
  stack_emulator_env
  # local.tfvars keeps HTTPS off (no certificate in a bare emulator); here
  # there is one, so the listeners are the production shape: 443 + redirect.
  tf_twice "$ROOT/scripts/tf.sh" platform "$STACK_ENV" apply -auto-approve -input=false -no-color \
    -var enable_https=true -var "domain_name=$local_domain" -var "certificate_arn=$(cat "$tls_dir/certificate_arn")"
  "$ROOT/scripts/tf.sh" platform "$STACK_ENV" output -json >"$STACK_DIR/platform.json"
  step_result "$(grep -E '^Apply complete' "$STACK_DIR/logs/platform.log" | tail -n 1)"
}

platform_output() { jq -er --arg k "$1" '.[$k].value' "$STACK_DIR/platform.json"; }

# The image's manifest in the emulated ECR (scripts/stack/ecr-register.sh).
step_ecr() {
  stack_emulator_env
  step_result "$("$ROOT/scripts/stack/ecr-register.sh" "$(platform_output ecr_repository_name)" "$(cat "$STACK_DIR/tag")")"
}

# The ALB and ECS stand-ins: local/ecs_agent.py renders HAProxy's config from
# the emulated listeners and target group, then runs the ECS service's tasks
# from the task definition registered in the emulator. Reused when it runs
# with the same settings.
step_lb() {
  stack_emulator_env
  # shellcheck source=/dev/null
  source "$ROOT/scripts/container/env.sh"
  mkdir -p "$LOCAL_ECS_DIR"
  local args pid
  args=(--dir "$LOCAL_ECS_DIR" --cluster "$(platform_output cluster_name)" --service "$(platform_output service_name)"
    --alb-dns "$(platform_output alb_dns_name)" --http-port "$STACK_PORT" --https-port "$STACK_HTTPS_PORT"
    --cert "$tls_dir/server.pem" --image-name "$IMAGE_NAME" --container-prefix "$STACK_CONTAINER")
  pid=$(cat "$LOCAL_ECS_DIR/agent.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat "$LOCAL_ECS_DIR/agent.args")" = "${args[*]}" ] &&
    [ "$(cat "$LOCAL_ECS_DIR/agent.code")" = "$(cat "$ROOT"/local/*.py | sha256sum)" ]; then
    step_result "reused the load balancer (HAProxy) and the ECS agent (pid $pid)"
    return 0
  fi
  [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null || { kill "$pid"; sleep 1; }
  local port
  for port in "$STACK_PORT" "$STACK_HTTPS_PORT"; do
    if ! python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null &&
      ! grep -q "127.0.0.1:$port\b" "$LOCAL_ECS_DIR/haproxy.cfg" 2>/dev/null; then
      echo "port $port is in use by another process: stop it, or choose other ports: make up STACK_PORT=5001 STACK_HTTPS_PORT=5444" >&2
      return 1
    fi
  done
  echo "${args[*]}" >"$LOCAL_ECS_DIR/agent.args"
  cat "$ROOT"/local/*.py | sha256sum >"$LOCAL_ECS_DIR/agent.code"
  # Its own session, output to a log, no inherited descriptors: it outlives make up.
  setsid python3 "$ROOT/local/ecs_agent.py" "${args[@]}" </dev/null >>"$STACK_DIR/logs/ecs-agent.log" 2>&1 3>&- &
  echo $! >"$LOCAL_ECS_DIR/agent.pid"
  for _ in $(seq 1 100); do
    [ -S "$LOCAL_ECS_DIR/haproxy.sock" ] && [ -f "$LOCAL_ECS_DIR/state.json" ] &&
      [ "$(jq -r .pid "$LOCAL_ECS_DIR/state.json")" = "$!" ] && break
    kill -0 "$!" 2>/dev/null || { tail -n 20 "$STACK_DIR/logs/ecs-agent.log" >&2; echo "the ECS agent exited" >&2; return 1; }
    sleep 0.2
  done
  [ "$(jq -r .pid "$LOCAL_ECS_DIR/state.json" 2>/dev/null)" = "$!" ] ||
    { echo "the ECS agent did not report within 20 s; see ${STACK_DIR#"$ROOT"/}/logs/ecs-agent.log" >&2; return 1; }
  step_result "HAProxy on $http_url and $url; ECS agent pid $! (log ${STACK_DIR#"$ROOT"/}/logs/ecs-agent.log)"
}

step_deploy() {
  require_file scripts/deploy.sh "the deploy script (pipeline part)"
  stack_emulator_env
  local tag
  tag=$(cat "$STACK_DIR/tag")
  # The smoke test verifies the certificate against the local CA, as a client would.
  SMOKE_URL=$url CURL_CA_BUNDLE="$tls_dir/ca.pem" "$ROOT/scripts/deploy.sh" --env "$STACK_ENV" --tag "$tag"
  "$ROOT/scripts/tf.sh" service "$STACK_ENV" output -json >"$STACK_DIR/service.json"
  step_result "deployed $tag: $(jq -r '.task_definition_arn.value' "$STACK_DIR/service.json" | sed 's#.*/##')"
}

run_step setup "Install the packages it names by hand, or run 'make setup' to see the error." step_setup
run_step image "Fix the build error above, then run 'make up' again ('make image' alone rebuilds the image)." step_image
run_step emulator "See ${EMULATOR_DIR#"$ROOT"/}/moto.log; 'make down' then 'make up' starts a fresh emulator." step_emulator
run_step bootstrap "Check the emulator is up (scripts/emulator.sh status ${EMULATOR_DIR#"$ROOT"/}); 'make down' then 'make up' starts clean." step_bootstrap
run_step certificate "See the openssl or ACM error above; 'make down' then 'make up' starts clean." step_certificate
run_step platform "Fix the Terraform error above; 'make up' again resumes from the current state." step_platform
run_step ecr "The image could not be registered in the emulated ECR; see the message above." step_ecr
run_step lb "See ${STACK_DIR#"$ROOT"/}/logs/ecs-agent.log; 'make down' then 'make up' starts clean." step_lb
run_step deploy "The deploy path failed against the emulator; the message above says which part." step_deploy

stack_emulator_env
# shellcheck source=/dev/null
source "$ROOT/scripts/container/env.sh"
svc() { jq -er --arg k "$1" '.[$k].value' "$STACK_DIR/service.json"; }
jq -n --arg http "$http_url" --arg https "$url" --arg ca "$tls_dir/ca.pem" --arg dns "$(platform_output alb_dns_name)" \
  --arg td "$(svc task_definition_arn)" --arg tag "$(cat "$STACK_DIR/tag")" --arg endpoint "$AWS_ENDPOINT_URL" \
  --slurpfile state "$LOCAL_ECS_DIR/state.json" \
  '{lb_http_url: $http, lb_https_url: $https, ca_cert: $ca, alb_dns_name: $dns, task_definition_arn: $td,
    image_tag: $tag, aws_endpoint_url: $endpoint, tasks: [$state[0].tasks[] | {name, url, state, target_health, image}]}' \
  >"$STACK_DIR/outputs.json"
{
  echo
  echo "The stack is up (env local, $(stack_elapsed)s)."
  echo "  URL:                  $url  (try: curl --cacert ${tls_dir#"$ROOT"/}/ca.pem $url/version)"
  echo "  HTTP URL:             $http_url  (redirects to HTTPS, as the ALB's port 80 listener)"
  echo "  ALB DNS name:         $(platform_output alb_dns_name) (emulated; HAProxy stands in)"
  echo "  ECS service:          $(svc service_name) in cluster $(svc cluster_name)"
  echo "  Task definition:      $(svc task_definition_arn | sed 's#.*/##')"
  jq -r '.tasks[] | "  Task:                 \(.name) \(.url) \(.target_health)"' "$STACK_DIR/outputs.json"
  echo "  ECR repository:       $(platform_output ecr_repository_url) (tag $(cat "$STACK_DIR/tag"))"
  echo "  Emulator:             $AWS_ENDPOINT_URL (source ${EMULATOR_DIR#"$ROOT"/}/env to use the aws CLI)"
  echo "  Logs:                 $CONTAINER_ENGINE logs -f <task>  (JSON lines); ECS agent: ${STACK_DIR#"$ROOT"/}/logs/ecs-agent.log"
  echo "  Metrics:              on each task's METRICS_PORT, never through the load balancer (not published here)"
  echo "  Outputs for scripts:  ${STACK_DIR#"$ROOT"/}/outputs.json"
  echo "  Stop everything:      make down"
} | tee "$STACK_DIR/summary.txt"
