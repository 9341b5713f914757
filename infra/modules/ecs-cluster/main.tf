####  Cluster  ####

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  dynamic "default_capacity_provider_strategy" {
    for_each = var.default_capacity_provider_strategy
    content {
      capacity_provider = default_capacity_provider_strategy.value.capacity_provider
      weight            = default_capacity_provider_strategy.value.weight
      base              = default_capacity_provider_strategy.value.base
    }
  }
}

####  Logs  ####

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

####  Task execution role: what ECS itself needs to start the task  ####

# Policies are built with jsonencode (not aws_iam_policy_document) so that the
# unit tests, which mock the provider, can assert on their real content.
locals {
  ecs_tasks_assume_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EcsTasksAssume"
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })

  execution_statements = concat(
    [
      # ecr:GetAuthorizationToken has no resource-level permissions: AWS only
      # accepts "*" for it. The token alone grants nothing; the pull actions
      # below are limited to one repository.
      {
        Sid      = "EcrAuthToken"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = "*"
      },
      {
        Sid      = "PullThisRepository"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = [var.ecr_repository_arn]
      },
      {
        Sid      = "WriteThisLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${aws_cloudwatch_log_group.this.arn}:log-stream:*"]
      },
    ],
    length(var.secret_arns) == 0 ? [] : [{
      Sid      = "ReadTheseSecrets"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = var.secret_arns
    }],
    length(var.secrets_kms_key_arns) == 0 ? [] : [{
      Sid      = "DecryptTheseSecrets"
      Effect   = "Allow"
      Action   = ["kms:Decrypt"]
      Resource = var.secrets_kms_key_arns
    }],
  )
  execution_policy = jsonencode({ Version = "2012-10-17", Statement = local.execution_statements })
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-task-execution"
  description        = "ECS pulls ${var.name}'s image, writes its logs and reads its secrets."
  assume_role_policy = local.ecs_tasks_assume_policy
  tags               = var.tags

  # The workload boundary: the infra role can create this role only with it.
  permissions_boundary = var.permissions_boundary_arn
}

resource "aws_iam_role_policy" "execution" {
  name   = "${var.name}-task-execution"
  role   = aws_iam_role.execution.id
  policy = local.execution_policy
}

####  Task role: what the application may call (nothing by default)  ####

resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  description        = "The ${var.name} application's own AWS permissions (none unless given)."
  assume_role_policy = local.ecs_tasks_assume_policy
  tags               = var.tags

  # The workload boundary: the infra role can create this role only with it.
  permissions_boundary = var.permissions_boundary_arn
}

resource "aws_iam_role_policy" "task" {
  count = var.task_role_policy_json == null ? 0 : 1

  name   = "${var.name}-task"
  role   = aws_iam_role.task.id
  policy = var.task_role_policy_json
}
