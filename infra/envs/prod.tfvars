# prod: resilient. Settings of infra/platform (and, via its outputs, of
# infra/service). See infra/README.md for every flag.
environment = "prod"
region      = "us-east-1"

nat_mode                  = "per_az"
az_count                  = 3
enable_vpc_endpoints      = true
interface_endpoints_extra = ["secretsmanager", "ssm"]
enable_flow_logs          = true
flow_logs_retention_days  = 90

enable_alb              = true
enable_https            = true
certificate_arn         = "arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000" # your certificate
alb_access_logs         = true
alb_deletion_protection = true
enable_waf              = true
waf_logging             = true

enable_database = false
database = {
  instance_class        = "db.t4g.small"
  multi_az              = true
  backup_retention_days = 14
  deletion_protection   = true
}

create_github_oidc          = true                  # roles prod: plan, infra, deploy (outputs *_role_arn)
create_github_oidc_provider = false                 # the provider dev created (one per account); true if prod has its own account
github_repository           = "my-org/hello-server" # change to your repository

log_retention_days = 90
alarm_emails       = [] # e.g. ["oncall@example.com"]

enable_autoscaling = true
service = {
  cpu              = 512
  memory           = 1024
  cpu_architecture = "ARM64"
  desired_count    = 2
  min_capacity     = 2
  max_capacity     = 10
}
