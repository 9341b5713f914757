# The platform's outputs (same bucket, key platform/<env>.tfstate).
data "terraform_remote_state" "platform" {
  backend = "s3"

  config = {
    bucket = var.state_bucket
    key    = "platform/${var.environment}.tfstate"
    region = var.state_region
  }
}

locals {
  platform_region = data.terraform_remote_state.platform.outputs.region
  p               = data.terraform_remote_state.platform.outputs.service_inputs
  s               = local.p.settings
}

####  Which image  ####

# The image deployed last, used when no image_tag is given. scripts/deploy.sh
# records TAG@sha256:DIGEST there (a value without '@' is a tag recorded before
# deploys went by digest; "none" is what infra/platform creates it with).
data "aws_ssm_parameter" "image_tag" {
  count = var.image_tag == null ? 1 : 0

  name = local.p.image_tag_parameter
}

locals {
  deployed     = var.image_tag == null ? split("@", nonsensitive(data.aws_ssm_parameter.image_tag[0].value)) : []
  image_tag    = var.image_tag != null ? var.image_tag : local.deployed[0]
  want_digest  = var.image_tag != null ? var.image_digest : (length(local.deployed) > 1 ? local.deployed[1] : null)
  image_digest = data.aws_ecr_image.this.image_digest
}

# The tag's image in the repository: fails the plan, with a clear message, when
# the tag is missing, or when it points to another digest than the one
# expected (a deploy's -var image_digest, or the one recorded in SSM).
data "aws_ecr_image" "this" {
  repository_name = local.p.ecr_repository_name
  image_tag       = local.image_tag

  lifecycle {
    precondition {
      condition     = local.image_tag != "none"
      error_message = "No image was ever deployed to ${var.environment}: pass -var image_tag=<tag> (scripts/deploy.sh --env ${var.environment} --tag <tag>)."
    }
    postcondition {
      condition     = local.want_digest == null || self.image_digest == local.want_digest
      error_message = "Image ${local.p.ecr_repository_name}:${local.image_tag} is ${self.image_digest}, not ${coalesce(local.want_digest, "-")} which was deployed: the tag was pushed again. Deploy by digest again (scripts/deploy.sh --env ${var.environment} --tag <tag>)."
    }
  }
}

####  Task definition, service, autoscaling  ####

module "service" {
  source = "../modules/ecs-service"

  name               = local.p.service_name
  tags               = local.p.tags
  cluster_name       = local.p.cluster_name
  cluster_arn        = local.p.cluster_arn
  private_subnet_ids = local.p.private_subnet_ids
  security_group_ids = local.p.security_group_ids
  # By digest: what runs is exactly the image that was tested, whatever
  # happens to the tag later. The tag stays recorded in SSM and the outputs.
  image                   = "${local.p.ecr_repository_url}@${local.image_digest}"
  container_name          = local.p.container_name
  container_port          = local.p.container_port
  cpu                     = local.s.cpu
  memory                  = local.s.memory
  cpu_architecture        = local.s.cpu_architecture
  log_level               = local.s.log_level
  environment             = local.p.environment
  secrets                 = local.p.secrets
  task_execution_role_arn = local.p.task_execution_role_arn
  task_role_arn           = local.p.task_role_arn
  log_group_name          = local.p.log_group_name
  # try(): a platform state applied before EMF existed has no such output.
  # The module checks the names again (modules/emf-metrics).
  service_metrics = try(local.p.service_metrics, null)

  desired_count                     = local.s.desired_count
  wait_for_steady_state             = local.s.wait_for_steady_state
  health_check_grace_period_seconds = local.s.health_check_grace_period_seconds
  capacity_provider_strategy        = local.p.capacity_provider_strategy

  enable_load_balancer    = local.p.enable_load_balancer
  target_group_arn        = local.p.target_group_arn
  listener_arn            = local.p.listener_arn
  alb_arn_suffix          = local.p.alb_arn_suffix
  target_group_arn_suffix = local.p.target_group_arn_suffix

  enable_autoscaling = local.p.enable_autoscaling
  autoscaling = {
    min_capacity        = local.s.min_capacity
    max_capacity        = local.s.max_capacity
    cpu_target_percent  = local.s.cpu_target_percent
    requests_per_target = local.s.requests_per_target
  }
}
