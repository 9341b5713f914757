# The service as a Lambda function behind a function URL: no VPC, no load
# balancer, nothing billed at rest. Independent of infra/platform, so an
# account can run the function without the ECS stack (and its NAT and ALB).

locals {
  name = "${var.name}-${var.environment}"
  tags = merge(var.tags, { Project = var.name, Environment = var.environment, ManagedBy = "terraform" })
  f    = var.function
  # Read only when the function is created (the module ignores later changes).
  package_path = coalesce(var.package_path, abspath("${path.root}/../../build/function/bootstrap-${local.f.architecture}.zip"))
}

module "function" {
  source = "../modules/lambda-function"

  name                 = local.name
  tags                 = local.tags
  package_path         = local.package_path
  architecture         = local.f.architecture
  memory_mb            = local.f.memory_mb
  timeout_seconds      = local.f.timeout_seconds
  reserved_concurrency = local.f.reserved_concurrency == -1 ? null : local.f.reserved_concurrency
  log_level            = local.f.log_level
  environment          = local.f.environment
  url_auth_type        = local.f.url_auth_type
  cors                 = local.f.cors
  log_retention_days   = local.f.log_retention_days
  kms_key_arn          = local.f.kms_key_arn
  alarm_emails         = local.f.alarm_emails
  # As the ECS stack: prod refuses to plan until its alarms reach a person.
  require_alarm_recipient = var.environment == "prod"
  alarms                  = local.f.alarms
  service_metrics         = module.service_metrics.metrics

  permissions_boundary_arn = var.permissions_boundary_arn
}

# EMF (app/src/emf.hpp): metrics_namespace against CloudWatch's and the
# binary's rule (a bad one fails here, naming the variable). Service
# "<name>-<env>-function" keeps it apart from the ECS service of the same
# name in the same namespace.
module "service_metrics" {
  source = "../modules/emf-metrics"

  metrics = var.metrics_namespace == "" ? null : {
    namespace   = coalesce(var.metrics_namespace, var.name)
    service     = "${local.name}-function"
    environment = var.environment
  }
}
