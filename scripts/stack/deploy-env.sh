# shellcheck shell=bash
# Sourced by scripts/deploy.sh for env local when no emulator is named
# (neither AWS_ENDPOINT_URL nor EMULATOR_DIR): `make deploy ENV=local TAG=...`
# then deploys to the stack `make up` runs (STACK_DIR, default build/stack):
# its emulator and Terraform state, its ECS stand-in (the rollout deploy.sh
# waits for), and a smoke test through its load balancer's HTTPS URL,
# verified against its local CA.
stack_dir=${STACK_DIR:-$root/build/stack}
export EMULATOR_DIR="$stack_dir/emulator"
export TF_WORK_DIR="$stack_dir/terraform"
if [ -f "$stack_dir/ecs/state.json" ]; then
  export LOCAL_ECS_DIR="$stack_dir/ecs"
fi
if [ -z "${SMOKE_URL:-}" ] && [ -f "$stack_dir/outputs.json" ]; then
  SMOKE_URL=$(jq -r .lb_https_url "$stack_dir/outputs.json")
  export CURL_CA_BUNDLE="$stack_dir/tls/ca.pem"
fi
