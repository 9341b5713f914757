####  For people and scripts (docs/INTERFACES)  ####

output "region" {
  description = "Region of the stack."
  value       = var.region
}

output "ecr_repository_url" {
  description = "Repository to push images to."
  value       = module.registry.repository_url
}

output "ecr_repository_name" {
  description = "Name of the ECR repository."
  value       = module.registry.repository_name
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.cluster.cluster_name
}

output "service_name" {
  description = "ECS service (created by infra/service)."
  value       = local.service_name
}

output "alb_dns_name" {
  description = "DNS name of the ALB (null without an ALB)."
  value       = var.enable_alb ? module.load_balancer[0].alb_dns_name : null
}

output "app_url" {
  description = "URL of the service: https://<domain_name> with HTTPS, http://<domain_name> or http://<ALB DNS name> without (null without an ALB). What the deploy smoke-tests."
  value       = local.app_url
}

output "certificate_arn" {
  description = "Certificate of the HTTPS listener (null without HTTPS)."
  value       = var.enable_https ? local.certificate_arn : null
}

output "image_tag_parameter_name" {
  description = "SSM parameter holding the image tag deployed last."
  value       = aws_ssm_parameter.image_tag.name
}

output "task_execution_role_arn" {
  description = "Task execution role."
  value       = module.cluster.task_execution_role_arn
}

output "task_role_arn" {
  description = "Task role."
  value       = module.cluster.task_role_arn
}

output "deploy_role_arn" {
  description = "Role deploy.yml assumes (GitHub environment variable AWS_DEPLOY_ROLE_ARN); null when create_github_oidc is off."
  value       = one(module.github_oidc[*].role_arn)
}

output "infra_role_arn" {
  description = "Role infra.yml's applies assume (GitHub environment variable AWS_INFRA_ROLE_ARN); null when create_github_oidc is off."
  value       = one(module.github_oidc[*].role_arns.infra)
}

output "plan_role_arn" {
  description = "Role infra.yml's pull-request plans assume (repository variable AWS_PLAN_ROLE_ARN_<ENV>, e.g. AWS_PLAN_ROLE_ARN_DEV); null when create_github_oidc is off."
  value       = one(module.github_oidc[*].role_arns.plan)
}

output "workload_boundary_arn" {
  description = "Permissions boundary of every workload role (null without the pipeline roles): infra/function's permissions_boundary_arn."
  value       = local.workload_boundary_arn
}

output "log_group_name" {
  description = "Log group of the containers."
  value       = module.cluster.log_group_name
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms (null when off)."
  value       = module.observability.sns_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard (null when off)."
  value       = module.observability.dashboard_name
}

output "database_endpoint" {
  description = "Database endpoint (null when off)."
  value       = var.enable_database ? module.database[0].endpoint : null
}

####  For infra/service (terraform_remote_state)  ####

output "service_inputs" {
  description = "Everything infra/service needs, in one object."
  value = {
    name                    = local.prefix
    environment             = var.environment
    tags                    = local.tags
    max_retries             = var.max_retries
    cluster_name            = module.cluster.cluster_name
    cluster_arn             = module.cluster.cluster_arn
    service_name            = local.service_name
    private_subnet_ids      = module.network.private_subnet_ids
    security_group_ids      = [module.tasks_security_group.security_group_id]
    ecr_repository_name     = module.registry.repository_name
    ecr_repository_url      = module.registry.repository_url
    image_tag_parameter     = aws_ssm_parameter.image_tag.name
    task_execution_role_arn = module.cluster.task_execution_role_arn
    task_role_arn           = module.cluster.task_role_arn
    log_group_name          = module.cluster.log_group_name
    container_name          = local.container_name
    container_port          = local.container_port
    enable_load_balancer    = var.enable_alb
    target_group_arn        = var.enable_alb ? module.load_balancer[0].target_group_arn : null
    listener_arn            = var.enable_alb ? module.load_balancer[0].listener_arn : null
    alb_arn_suffix          = var.enable_alb ? module.load_balancer[0].alb_arn_suffix : null
    target_group_arn_suffix = var.enable_alb ? module.load_balancer[0].target_group_arn_suffix : null
    enable_autoscaling      = var.enable_autoscaling
    service_metrics         = local.service_metrics
    settings                = var.service
    capacity_provider_strategy = concat(
      [{ capacity_provider = "FARGATE", weight = 1, base = 1 }],
      var.service.fargate_spot_weight > 0 ? [{ capacity_provider = "FARGATE_SPOT", weight = var.service.fargate_spot_weight, base = 0 }] : [],
    )
    # Database connection: plain settings as environment, credentials as ECS secrets.
    environment = var.enable_database ? {
      DATABASE_HOST = module.database[0].address
      DATABASE_PORT = tostring(module.database[0].port)
      DATABASE_NAME = module.database[0].db_name
    } : {}
    secrets = var.enable_database ? {
      DATABASE_USER     = "${module.database[0].master_user_secret_arn}:username::"
      DATABASE_PASSWORD = "${module.database[0].master_user_secret_arn}:password::"
    } : {}
  }
}
