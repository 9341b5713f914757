# local: the AWS emulator (scripts/emulator.sh; moto). Every flag the
# emulator supports is on; see "Emulator gaps" in infra/README.md.
environment = "local"
region      = "us-east-1"
max_retries = 3 # an unsupported call fails fast (not after minutes); transient errors still retried

nat_mode             = "single"
enable_vpc_endpoints = true
enable_flow_logs     = true

enable_alb   = true
enable_https = false # the integration test imports a self-signed certificate and turns it on
enable_waf   = true
waf_logging  = true

alb_access_logs             = true
alb_access_logs_enforce_tls = false # moto applies Deny statements without their conditions

enable_database = false # on in infra/tests/test_emulator.py; off here so `make up` stays quick

create_github_oidc          = true # roles local: plan, infra, deploy (outputs *_role_arn)
create_github_oidc_provider = true # the emulator's account: one environment
github_repository           = "my-org/hello-server"

ecr_force_delete = true
alarm_emails     = ["ops@example.com"]

enable_autoscaling = true
service = {
  cpu                   = 256
  memory                = 512
  cpu_architecture      = "X86_64"
  desired_count         = 2 # = MOTO_ECS_SERVICE_RUNNING, so the steady-state wait ends
  min_capacity          = 1
  max_capacity          = 2
  wait_for_steady_state = true
}
