data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  github_host  = "token.actions.githubusercontent.com"
  provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.existing_oidc_provider_arn

  # Exact `sub` claims allowed to assume the role (no wildcards).
  subjects = concat(
    [for e in var.github_environments : "repo:${var.repository}:environment:${e}"],
    [for b in var.github_branches : "repo:${var.repository}:ref:refs/heads/${b}"],
  )

  arn_prefix          = "arn:${data.aws_partition.current.partition}"
  region_account      = "${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
  task_definition_arn = "${local.arn_prefix}:ecs:${local.region_account}:task-definition/${var.task_definition_family}:*"
  bucket_arn          = "${local.arn_prefix}:s3:::${var.state_bucket_name}"
  service_lock_key    = "${var.service_state_key}.tflock"
}

####  OIDC provider  ####

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.github_host}"
  client_id_list = ["sts.amazonaws.com"]
  # AWS no longer checks these for GitHub (it trusts its own CA store), but
  # the API still accepts them and older accounts expect them.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
  tags            = var.tags
}

####  Deploy role  ####

resource "aws_iam_role" "deploy" {
  name                 = "${var.name}-github-deploy"
  description          = "GitHub Actions deploys of ${var.repository} (docs/decisions/0001)"
  max_session_duration = var.max_session_duration
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubActionsOidc"
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.provider_arn }
      Condition = {
        StringEquals = {
          "${local.github_host}:aud" = "sts.amazonaws.com"
          "${local.github_host}:sub" = local.subjects
        }
      }
    }]
  })
  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.create_oidc_provider || var.existing_oidc_provider_arn != null
      error_message = "create_oidc_provider = false needs existing_oidc_provider_arn."
    }
    precondition {
      condition     = length(local.subjects) > 0
      error_message = "Give at least one of github_environments or github_branches: a role nobody may assume is a mistake."
    }
  }
}

# Built with jsonencode so that the unit tests (mocked provider) see the real
# document. Resource "*" appears only where AWS offers no resource-level
# permission for the action (each such statement says so).
locals {
  deploy_statements = concat([
    {
      Sid      = "EcrLoginNoResourceLevel"
      Effect   = "Allow"
      Action   = ["ecr:GetAuthorizationToken"]
      Resource = "*"
    },
    {
      Sid    = "PushPullThisRepository"
      Effect = "Allow"
      Action = [
        "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages",
        "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
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
      Sid      = "UpdateThisService"
      Effect   = "Allow"
      Action   = ["ecs:DescribeServices", "ecs:UpdateService"]
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
      Sid      = "ImageTagParameter"
      Effect   = "Allow"
      Action   = ["ssm:GetParameter", "ssm:PutParameter"]
      Resource = [var.image_tag_parameter_arn]
    },
    ],
    var.state_kms_key_arn == null ? [] : [{
      Sid      = "StateBucketKey"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource = [var.state_kms_key_arn]
    }],
  )
}

resource "aws_iam_role_policy" "deploy" {
  name   = "${var.name}-github-deploy"
  role   = aws_iam_role.deploy.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.deploy_statements })
}
