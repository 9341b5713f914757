####  Deploy role: terraform apply of infra/service (docs/decisions/0001), first deploy included  ####

locals {
  deploy_statements = concat([
    {
      Sid      = "EcrLoginNoResourceLevel"
      Effect   = "Allow"
      Action   = ["ecr:GetAuthorizationToken"]
      Resource = "*"
    },
    {
      # DescribeRepositories: data "aws_ecr_image" calls it besides DescribeImages.
      Sid    = "PushPullThisRepository"
      Effect = "Allow"
      Action = [
        "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages",
        "ecr:DescribeRepositories", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
        "ecr:UploadLayerPart",
      ]
      Resource = [var.ecr_repository_arn]
    },
    {
      Sid       = "ListOnlyTheStateObjects"
      Effect    = "Allow"
      Action    = ["s3:ListBucket"]
      Resource  = [local.bucket_arn]
      Condition = { StringEquals = { "s3:prefix" = [var.platform_state_key, var.service_state_key, local.service_lock_key] } }
    },
    {
      Sid      = "ReadPlatformState"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = ["${local.bucket_arn}/${var.platform_state_key}"]
    },
    {
      Sid      = "ReadWriteServiceStateAndLock"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = ["${local.bucket_arn}/${var.service_state_key}", "${local.bucket_arn}/${local.service_lock_key}"]
    },
    {
      Sid      = "ReleaseServiceStateLock"
      Effect   = "Allow"
      Action   = ["s3:DeleteObject"]
      Resource = ["${local.bucket_arn}/${local.service_lock_key}"]
    },
    {
      # ECS has no resource-level permissions for these three.
      Sid      = "TaskDefinitionsNoResourceLevel"
      Effect   = "Allow"
      Action   = ["ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"]
      Resource = "*"
    },
    {
      Sid      = "TagThisFamilyAndService"
      Effect   = "Allow"
      Action   = ["ecs:ListTagsForResource", "ecs:TagResource"]
      Resource = [local.task_definition_arn, var.ecs_service_arn]
    },
    {
      # CreateService: the first deploy creates the service (and only this one).
      Sid      = "CreateAndUpdateThisService"
      Effect   = "Allow"
      Action   = ["ecs:CreateService", "ecs:DescribeServices", "ecs:UpdateService"]
      Resource = [var.ecs_service_arn]
    },
    {
      Sid       = "PassOnlyTheTaskRoles"
      Effect    = "Allow"
      Action    = ["iam:PassRole"]
      Resource  = var.task_role_arns
      Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
    },
    {
      # Describe* of Application Auto Scaling has no resource-level permissions.
      Sid      = "AutoscalingReadNoResourceLevel"
      Effect   = "Allow"
      Action   = ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies"]
      Resource = "*"
    },
    {
      # A scalable target's ARN ends in a random id, so the narrowest form is
      # "scalable targets of this account and region"; the ECS calls above
      # already limit what the deploy can touch to this service.
      Sid    = "AutoscalingThisAccountRegion"
      Effect = "Allow"
      Action = [
        "application-autoscaling:ListTagsForResource", "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:RegisterScalableTarget", "application-autoscaling:TagResource",
      ]
      Resource = ["${local.arn_prefix}:application-autoscaling:${local.region_account}:scalable-target/*"]
    },
    {
      # The first RegisterScalableTarget for ECS in an account creates this
      # service-linked role; without it the first deploy fails after
      # CreateService. (ECS's own role already exists: the platform's
      # CreateCluster made it.)
      Sid       = "AutoscalingServiceLinkedRole"
      Effect    = "Allow"
      Action    = ["iam:CreateServiceLinkedRole"]
      Resource  = ["${local.arn_prefix}:iam::${local.account_id}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"]
      Condition = { StringEquals = { "iam:AWSServiceName" = "ecs.application-autoscaling.amazonaws.com" } }
    },
    {
      Sid      = "ImageTagParameter"
      Effect   = "Allow"
      Action   = ["ssm:GetParameter", "ssm:PutParameter"]
      Resource = [var.image_tag_parameter_arn]
    },
  ], local.state_key_statement, local.promote_source_statement)

  # Promotion (scripts/ci/promote-image.sh): prod copies the image dev tested
  # from dev's repository, read-only. In two accounts, dev's repository policy
  # must also allow this role (docs/pipeline.md).
  promote_source_statement = length(var.promote_source_repository_arns) == 0 ? [] : [{
    Sid      = "PullPromotionSource"
    Effect   = "Allow"
    Action   = ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]
    Resource = var.promote_source_repository_arns
  }]
}
