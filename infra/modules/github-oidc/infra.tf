####  Infra role: terraform apply of infra/platform and infra/service (scripts/ci/tf-apply.sh)  ####

locals {
  # Resources of this environment are named <name>-...; the pipeline's own
  # roles are <name>-github-*, which the infra role may read but not change,
  # and every other role it creates or grants to must carry the workload
  # boundary (boundary.tf), which it cannot change either: so it cannot widen
  # its own permissions, nor give a role it can pass more than the boundary.
  own_roles         = "${local.arn_prefix}:iam::${local.account_id}:role/${var.name}-*"
  pipeline_roles    = "${local.arn_prefix}:iam::${local.account_id}:role/${var.name}-github-*"
  workload_boundary = "${local.arn_prefix}:iam::${local.account_id}:policy/${var.name}-workload-boundary"
  state_objects = [
    var.platform_state_key, local.platform_lock_key, var.service_state_key, local.service_lock_key,
  ]

  infra_statements = concat([
    {
      # Services whose ARNs carry no name of ours (ids, or random suffixes):
      # action level. Separate accounts per environment isolate these fully.
      Sid    = "NetworkLoadBalancerWafAlarmsNoNameInArn"
      Effect = "Allow"
      Action = [
        "acm:*", "cloudwatch:*", "ec2:*", "elasticloadbalancing:*", "kms:*", "logs:*", "rds:*",
        "route53:*", "secretsmanager:*", "sns:*", "wafv2:*",
        "application-autoscaling:*",
        "ecr:GetAuthorizationToken", "ssm:DescribeParameters",
        "ecs:DeregisterTaskDefinition", "ecs:DescribeCapacityProviders", "ecs:DescribeTaskDefinition",
        "ecs:ListClusters", "ecs:ListServices", "ecs:ListTaskDefinitions", "ecs:RegisterTaskDefinition",
        "iam:ListOpenIDConnectProviders", "iam:ListPolicies", "iam:ListRoles",
      ]
      Resource = "*"
    },
    {
      Sid    = "ThisEnvironmentsEcsEcrSsm"
      Effect = "Allow"
      Action = ["ecs:*", "ecr:*", "ssm:*"]
      Resource = [
        "${local.arn_prefix}:ecs:${local.region_account}:cluster/${var.name}",
        "${local.arn_prefix}:ecs:${local.region_account}:service/${var.name}/*",
        "${local.arn_prefix}:ecs:${local.region_account}:task-definition/${var.name}:*",
        var.ecr_repository_arn,
        "${local.arn_prefix}:ssm:${local.region_account}:parameter${var.parameter_path}*",
      ]
    },
    {
      # Managed policies of this environment: attaching one to a role needs
      # the boundary (below), so a policy alone grants nothing.
      Sid      = "ThisEnvironmentsPolicies"
      Effect   = "Allow"
      Action   = ["iam:*"]
      Resource = ["${local.arn_prefix}:iam::${local.account_id}:policy/${var.name}-*"]
    },
    {
      # What cannot add a permission to a role (a trust change leaves the
      # role inside its boundary).
      Sid    = "ThisEnvironmentsRolesReadDeleteTag"
      Effect = "Allow"
      Action = [
        "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:Get*", "iam:List*",
        "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription",
      ]
      Resource = [local.own_roles]
    },
    {
      # Every call that creates a role or adds to its permissions: only for a
      # role whose permissions boundary is the workload boundary.
      Sid       = "GrantOnlyWithinTheWorkloadBoundary"
      Effect    = "Allow"
      Action    = ["iam:AttachRolePolicy", "iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"]
      Resource  = [local.own_roles]
      Condition = { StringEquals = { "iam:PermissionsBoundary" = local.workload_boundary } }
    },
    {
      Sid      = "NotThePipelinesOwnRolesNorTheBoundary"
      Effect   = "Deny"
      Action   = ["iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Set*", "iam:Tag*", "iam:Untag*", "iam:Update*"]
      Resource = [local.pipeline_roles, local.workload_boundary]
    },
    {
      Sid      = "KeepTheBoundary"
      Effect   = "Deny"
      Action   = ["iam:DeleteRolePermissionsBoundary"]
      Resource = ["*"]
    },
    {
      Sid       = "PassOnlyThisEnvironmentsRoles"
      Effect    = "Allow"
      Action    = ["iam:PassRole"]
      Resource  = [local.own_roles]
      Condition = { StringEquals = { "iam:PassedToService" = ["ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com", "monitoring.rds.amazonaws.com"] } }
    },
    {
      Sid      = "ReadTheGitHubProvider"
      Effect   = "Allow"
      Action   = ["iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviderTags"]
      Resource = ["${local.arn_prefix}:iam::${local.account_id}:oidc-provider/${local.github_host}"]
    },
    {
      Sid      = "ServiceLinkedRoles"
      Effect   = "Allow"
      Action   = ["iam:CreateServiceLinkedRole"]
      Resource = ["${local.arn_prefix}:iam::${local.account_id}:role/aws-service-role/*"]
      Condition = { StringEquals = { "iam:AWSServiceName" = [
        "ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com", "rds.amazonaws.com",
      ] } }
    },
    {
      Sid       = "ListOnlyThisEnvironmentsState"
      Effect    = "Allow"
      Action    = ["s3:ListBucket"]
      Resource  = [local.bucket_arn]
      Condition = { StringEquals = { "s3:prefix" = local.state_objects } }
    },
    {
      Sid      = "ReadWriteThisEnvironmentsStateAndLocks"
      Effect   = "Allow"
      Action   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
      Resource = [for k in local.state_objects : "${local.bucket_arn}/${k}"]
    },
    {
      # The access-log buckets (<name>-alb-logs-<random>).
      Sid      = "ThisEnvironmentsBuckets"
      Effect   = "Allow"
      Action   = ["s3:*"]
      Resource = ["${local.arn_prefix}:s3:::${var.name}-*"]
    },
  ], local.state_key_statement)
}
