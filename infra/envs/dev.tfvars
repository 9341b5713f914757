# dev: cheap and disposable. Settings of infra/platform (and, via its
# outputs, of infra/service). See infra/README.md for every flag.
environment = "dev"
region      = "us-east-1"

nat_mode             = "single"
enable_vpc_endpoints = false
enable_flow_logs     = true

enable_alb   = true
enable_https = false # with domain_name + hosted_zone_id: see envs/prod.tfvars
enable_waf   = true

enable_database = false

create_github_oidc          = true                  # roles dev: plan, infra, deploy (outputs *_role_arn)
create_github_oidc_provider = true                  # dev is applied first: it creates the account's GitHub OIDC provider
github_repository           = "my-org/hello-server" # change to your repository

ecr_force_delete   = true
log_retention_days = 14

enable_autoscaling = true
service = {
  cpu                 = 256
  memory              = 512
  cpu_architecture    = "ARM64"
  desired_count       = 1
  min_capacity        = 1
  max_capacity        = 3
  fargate_spot_weight = 1 # half the tasks beyond the first on Spot
}
