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

enable_alb = true
# HTTPS needs a name a certificate can cover (never the ALB's own DNS name).
# Set your name and the Route 53 public zone that holds it, then enable_https:
# an ACM certificate is requested and validated in that zone, an alias record
# points the name at the ALB, app_url becomes https://<domain_name> and every
# deploy smoke-tests it with certificate verification. (A certificate you
# already have: certificate_arn instead of hosted_zone_id, DNS is then yours.)
# Until then prod serves plain HTTP on the ALB's name: set these before real traffic.
domain_name             = null # e.g. "app.example.com"
hosted_zone_id          = null # e.g. "Z0123456789ABCDEFGHIJ"
enable_https            = false
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
promote_from_ecr_repository = "hello-dev"           # prod deploys the image dev tested, copied from dev's repository (an ARN if dev is another account)

log_retention_days = 90
alarm_emails       = ["replace-with-your-oncall@example.com"] # placeholder: prod refuses to plan until this is your on-call address(es)

enable_autoscaling = true
service = {
  cpu              = 512
  memory           = 1024
  cpu_architecture = "ARM64"
  desired_count    = 2
  min_capacity     = 2
  max_capacity     = 10
}
