data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  prefix         = "${var.name}-${var.environment}"
  container_name = "app"
  container_port = 5000
  tags = merge(var.tags, {
    Project     = var.name
    Environment = var.environment
    ManagedBy   = "terraform"
  })
  # The service infra/service creates; known here so the deploy role and the
  # alarms can name it before it exists.
  service_name = local.prefix
  service_arn  = "arn:${data.aws_partition.current.partition}:ecs:${var.region}:${data.aws_caller_identity.current.account_id}:service/${local.prefix}/${local.service_name}"
  # The service's EMF metrics (app/src/emf.hpp): infra/service passes them to
  # the tasks, the alarms here watch them.
  service_metrics = module.service_metrics.metrics
}

# metrics_namespace against CloudWatch's and the binary's rule (a bad one
# fails here, naming the variable).
module "service_metrics" {
  source = "../modules/emf-metrics"

  metrics = var.metrics_namespace == "" ? null : {
    namespace   = coalesce(var.metrics_namespace, var.name)
    service     = local.service_name
    environment = var.environment
  }
}

# Combinations the flags do not allow, reported before anything is created.
resource "terraform_data" "flag_checks" {
  input = null

  lifecycle {
    precondition {
      condition     = !var.enable_waf || var.enable_alb
      error_message = "enable_waf needs enable_alb (the web ACL protects the ALB)."
    }
    precondition {
      condition     = !var.enable_https || (var.enable_alb && var.domain_name != null && (var.certificate_arn != null || var.hosted_zone_id != null))
      error_message = "enable_https needs enable_alb, domain_name (a certificate cannot cover the ALB's own DNS name, so clients could not verify it), and hosted_zone_id (a new ACM certificate validated in Route 53) or certificate_arn (yours, covering domain_name)."
    }
    precondition {
      condition     = var.domain_name == null || var.enable_alb
      error_message = "domain_name needs enable_alb (the name points at the ALB)."
    }
    precondition {
      condition     = var.hosted_zone_id == null || var.domain_name != null
      error_message = "hosted_zone_id needs domain_name (the name to create in the zone)."
    }
    precondition {
      condition     = var.nat_mode != "none" || var.enable_vpc_endpoints
      error_message = "nat_mode = \"none\" needs enable_vpc_endpoints, or the tasks cannot pull images or write logs."
    }
  }
}

####  Network  ####

# Every role this root creates carries the pipeline's workload boundary
# (modules/github-oidc/boundary.tf): the infra role can create roles only
# with it. Without the pipeline roles there is no boundary.
locals {
  workload_boundary_arn = var.create_github_oidc ? module.github_oidc[0].workload_boundary_arn : null
}

module "network" {
  source = "../modules/network"

  name                      = local.prefix
  tags                      = local.tags
  cidr_block                = var.vpc_cidr
  az_count                  = var.az_count
  nat_mode                  = var.nat_mode
  enable_vpc_endpoints      = var.enable_vpc_endpoints
  interface_endpoints_extra = var.interface_endpoints_extra
  enable_flow_logs          = var.enable_flow_logs
  flow_logs_retention_days  = var.flow_logs_retention_days

  permissions_boundary_arn = local.workload_boundary_arn
}

####  Images  ####

module "registry" {
  source = "../modules/registry"

  name                 = local.prefix
  tags                 = local.tags
  keep_tagged_images   = var.ecr_keep_tagged_images
  untagged_expire_days = var.ecr_untagged_expire_days
  force_delete         = var.ecr_force_delete
}

# The image tag deployed last. scripts/deploy.sh writes it after a deploy is
# stable; infra/service reads it when no image_tag is given. Terraform only
# creates it ("none" = nothing deployed yet).
resource "aws_ssm_parameter" "image_tag" {
  name        = "/${var.name}/${var.environment}/image-tag"
  description = "Image tag of ${local.prefix} deployed last (written by scripts/deploy.sh)"
  type        = "String"
  value       = "none"

  lifecycle {
    ignore_changes = [value]
  }
}

####  Cluster, logs, roles  ####

module "cluster" {
  source = "../modules/ecs-cluster"

  name               = local.prefix
  tags               = local.tags
  container_insights = var.container_insights
  log_retention_days = var.log_retention_days
  log_kms_key_arn    = var.log_kms_key_arn
  ecr_repository_arn = module.registry.repository_arn
  secret_arns        = var.enable_database ? [module.database[0].master_user_secret_arn] : []
  default_capacity_provider_strategy = concat(
    [{ capacity_provider = "FARGATE", weight = 1, base = 1 }],
    var.service.fargate_spot_weight > 0 ? [{ capacity_provider = "FARGATE_SPOT", weight = var.service.fargate_spot_weight, base = 0 }] : [],
  )
  permissions_boundary_arn = local.workload_boundary_arn
}

module "tasks_security_group" {
  source = "../modules/ecs-service/modules/tasks-security-group"

  name                       = local.prefix
  tags                       = local.tags
  vpc_id                     = module.network.vpc_id
  container_port             = local.container_port
  allow_from_alb             = var.enable_alb
  alb_security_group_id      = var.enable_alb ? module.load_balancer[0].alb_security_group_id : null
  ingress_cidr_blocks        = var.enable_alb ? [] : [var.vpc_cidr]
  metrics_cidr_blocks        = [var.vpc_cidr] # /metrics: a scraper inside the VPC, never the ALB
  allow_to_database          = var.enable_database
  database_security_group_id = var.enable_database ? module.database[0].security_group_id : null
}

####  Load balancer and WAF  ####

module "load_balancer" {
  source = "../modules/load-balancer"
  count  = var.enable_alb ? 1 : 0

  name                       = local.prefix
  tags                       = local.tags
  vpc_id                     = module.network.vpc_id
  vpc_cidr_block             = module.network.vpc_cidr_block
  public_subnet_ids          = module.network.public_subnet_ids
  container_port             = local.container_port
  health_check_path          = "/readyz"
  enable_https               = var.enable_https && (var.certificate_arn != null || local.manage_domain) # else flag_checks says why
  certificate_arn            = local.certificate_arn
  ingress_cidr_blocks        = var.alb_ingress_cidr_blocks
  enable_access_logs         = var.alb_access_logs
  access_logs_force_destroy  = var.ecr_force_delete
  access_logs_enforce_tls    = var.alb_access_logs_enforce_tls
  enable_deletion_protection = var.alb_deletion_protection
}

# The service's name: an ACM certificate validated in Route 53 (unless one is
# given) and an alias record to the ALB.
module "domain" {
  source = "../modules/domain"
  count  = local.manage_domain ? 1 : 0

  tags               = local.tags
  domain_name        = var.domain_name
  hosted_zone_id     = var.hosted_zone_id
  create_certificate = var.enable_https && var.certificate_arn == null
  alb_dns_name       = module.load_balancer[0].alb_dns_name
  alb_zone_id        = module.load_balancer[0].alb_zone_id
}

locals {
  manage_domain = var.enable_alb && var.domain_name != null && var.hosted_zone_id != null
  # module.domain[0].<output>, never module.domain[*]: a whole-module reference
  # would make the listener wait for the alias record, which waits for the ALB.
  certificate_arn = var.certificate_arn != null ? var.certificate_arn : (local.manage_domain ? module.domain[0].certificate_arn : null)
  # Only URLs a client can verify: https only with the domain the certificate covers.
  app_url = !var.enable_alb ? null : (
    var.domain_name != null ? "${var.enable_https ? "https" : "http"}://${var.domain_name}" : "http://${module.load_balancer[0].alb_dns_name}"
  )
}

module "waf" {
  source = "../modules/waf"
  count  = var.enable_alb && var.enable_waf ? 1 : 0

  name                = local.prefix
  tags                = local.tags
  alb_arn             = module.load_balancer[0].alb_arn
  rate_limit_per_5min = var.waf_rate_limit_per_5min
  enable_logging      = var.waf_logging
}

####  Database (optional)  ####

module "database" {
  source = "../modules/database"
  count  = var.enable_database ? 1 : 0

  name                       = local.prefix
  tags                       = local.tags
  vpc_id                     = module.network.vpc_id
  private_subnet_ids         = module.network.private_subnet_ids
  allowed_security_group_ids = [module.tasks_security_group.security_group_id]
  engine_version             = var.database.engine_version
  instance_class             = var.database.instance_class
  multi_az                   = var.database.multi_az
  backup_retention_days      = var.database.backup_retention_days
  deletion_protection        = var.database.deletion_protection
  skip_final_snapshot        = var.database.skip_final_snapshot

  permissions_boundary_arn = local.workload_boundary_arn
}

####  Alarms and dashboard  ####

module "observability" {
  source = "../modules/observability"

  name                        = local.prefix
  tags                        = local.tags
  cluster_name                = module.cluster.cluster_name
  service_name                = local.service_name
  enable_load_balancer_alarms = var.enable_alb
  alb_arn_suffix              = var.enable_alb ? module.load_balancer[0].alb_arn_suffix : null
  target_group_arn_suffix     = var.enable_alb ? module.load_balancer[0].target_group_arn_suffix : null
  create_sns_topic            = var.create_alarm_topic
  alarm_emails                = var.alarm_emails
  require_alarm_recipient     = var.environment == "prod"
  enable_dashboard            = var.enable_dashboard
  service_metrics             = local.service_metrics
}

####  GitHub Actions roles: plan, infra, deploy  ####

module "github_oidc" {
  source = "../modules/github-oidc"
  count  = var.create_github_oidc ? 1 : 0

  name                    = local.prefix
  tags                    = local.tags
  create_oidc_provider    = var.create_github_oidc_provider
  repository              = var.github_repository
  github_environment      = coalesce(var.github_environment, var.environment)
  ecr_repository_arn      = module.registry.repository_arn
  state_bucket_name       = var.state_bucket
  state_kms_key_arn       = var.state_kms_key_arn
  platform_state_key      = "platform/${var.environment}.tfstate"
  service_state_key       = "service/${var.environment}.tfstate"
  ecs_service_arn         = local.service_arn
  task_definition_family  = local.service_name
  task_role_arns          = [module.cluster.task_execution_role_arn, module.cluster.task_role_arn]
  parameter_path          = "/${var.name}/${var.environment}/"
  image_tag_parameter_arn = aws_ssm_parameter.image_tag.arn
  # infra/function names its function <name>-<env>, its state function/<env>.tfstate (scripts/tf.sh).
  deploy_function = var.github_deploys_function ? { name = local.prefix, state_key = "function/${var.environment}.tfstate" } : null
  # A name is a repository of this account and region; an ARN, of another account.
  promote_source_repository_arns = var.promote_from_ecr_repository == null ? [] : [
    startswith(var.promote_from_ecr_repository, "arn:") ? var.promote_from_ecr_repository :
    "arn:${data.aws_partition.current.partition}:ecr:${var.region}:${data.aws_caller_identity.current.account_id}:repository/${var.promote_from_ecr_repository}"
  ]
}
