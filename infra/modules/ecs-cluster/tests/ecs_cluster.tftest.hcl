# Unit tests: mocked provider, plan/apply only in memory.
mock_provider "aws" {
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/hello-test" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { arn = "arn:aws:ecs:us-east-1:123456789012:cluster/hello-test" }
  }
}

variables {
  name               = "hello-test"
  tags               = { Project = "hello" }
  ecr_repository_arn = "arn:aws:ecr:us-east-1:123456789012:repository/hello"
}

run "defaults_are_secure" {
  command = apply

  assert {
    condition     = one([for s in aws_ecs_cluster.this.setting : s.value if s.name == "containerInsights"]) == "enabled"
    error_message = "Container Insights must be on by default."
  }
  assert {
    condition     = toset(aws_ecs_cluster_capacity_providers.this.capacity_providers) == toset(["FARGATE", "FARGATE_SPOT"])
    error_message = "Both Fargate capacity providers must be registered."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 30 && aws_cloudwatch_log_group.this.kms_key_id == null
    error_message = "Log group must keep 30 days and use default encryption by default."
  }
  assert {
    condition     = aws_ecs_cluster.this.tags["Project"] == "hello" && aws_iam_role.execution.tags["Project"] == "hello" && aws_cloudwatch_log_group.this.tags["Project"] == "hello"
    error_message = "Tags must be applied."
  }
  # Least privilege: the only "*" is ecr:GetAuthorizationToken (no resource-level form).
  assert {
    condition = alltrue([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement :
    s.Resource != "*" || s.Action == ["ecr:GetAuthorizationToken"]])
    error_message = "Only ecr:GetAuthorizationToken may use Resource \"*\"."
  }
  assert {
    condition = alltrue(flatten([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement :
    [for a in s.Action : !endswith(a, "*")]]))
    error_message = "No wildcard actions in the execution policy."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "PullThisRepository"]) == [var.ecr_repository_arn]
    error_message = "Image pull must be limited to exactly the repository."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "WriteThisLogGroup"]) == ["arn:aws:logs:us-east-1:123456789012:log-group:/ecs/hello-test:log-stream:*"]
    error_message = "Log writes must be limited to exactly the log group."
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s if startswith(s.Sid, "ReadThese") || startswith(s.Sid, "DecryptThese")]) == 0
    error_message = "Without secrets the execution role must have no secrets or KMS permission."
  }
  assert {
    condition     = length(aws_iam_role_policy.task) == 0
    error_message = "The task role must have no permissions by default."
  }
  assert {
    condition     = jsondecode(aws_iam_role.task.assume_role_policy).Statement[0].Principal.Service == "ecs-tasks.amazonaws.com"
    error_message = "Roles must be assumable only by ECS tasks."
  }
}

run "secrets_kms_spot_and_task_policy" {
  command = apply

  variables {
    container_insights   = "disabled"
    log_retention_days   = 365
    log_kms_key_arn      = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    secret_arns          = ["arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"]
    secrets_kms_key_arns = ["arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-2222-3333-4444-555555555555"]
    default_capacity_provider_strategy = [
      { capacity_provider = "FARGATE", base = 1, weight = 1 },
      { capacity_provider = "FARGATE_SPOT", weight = 3 },
    ]
    task_role_policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}"
  }

  assert {
    condition     = one([for s in aws_ecs_cluster.this.setting : s.value if s.name == "containerInsights"]) == "disabled"
    error_message = "container_insights must be passed through."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.log_kms_key_arn && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "KMS key and retention must be passed through."
  }
  assert {
    condition     = toset(one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "ReadTheseSecrets"])) == toset(var.secret_arns)
    error_message = "Secrets must be readable on exactly the given ARNs."
  }
  assert {
    condition     = toset(one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "DecryptTheseSecrets"])) == toset(var.secrets_kms_key_arns)
    error_message = "kms:Decrypt must be on exactly the given keys."
  }
  assert {
    condition     = length(aws_ecs_cluster_capacity_providers.this.default_capacity_provider_strategy) == 2
    error_message = "The strategy must be passed through."
  }
  assert {
    condition     = length(aws_iam_role_policy.task) == 1
    error_message = "The task role policy must be attached when given."
  }
}

run "rejects_bad_name" {
  command = plan
  variables { name = "Hello_World" }
  expect_failures = [var.name]
}

run "rejects_bad_insights" {
  command = plan
  variables { container_insights = "on" }
  expect_failures = [var.container_insights]
}

run "rejects_bad_strategy" {
  command = plan
  variables { default_capacity_provider_strategy = [{ capacity_provider = "EC2" }] }
  expect_failures = [var.default_capacity_provider_strategy]
}

run "rejects_bad_retention" {
  command = plan
  variables { log_retention_days = 10 }
  expect_failures = [var.log_retention_days]
}

run "rejects_bad_kms_key" {
  command = plan
  variables { log_kms_key_arn = "alias/aws/logs" }
  expect_failures = [var.log_kms_key_arn]
}

run "rejects_bad_repository_arn" {
  command = plan
  variables { ecr_repository_arn = "hello" }
  expect_failures = [var.ecr_repository_arn]
}

run "rejects_bad_secret_arn" {
  command = plan
  variables { secret_arns = ["*"] }
  expect_failures = [var.secret_arns]
}

run "rejects_bad_secret_kms_arn" {
  command = plan
  variables { secrets_kms_key_arns = ["*"] }
  expect_failures = [var.secrets_kms_key_arns]
}

run "rejects_bad_task_policy" {
  command = plan
  variables { task_role_policy_json = "not json" }
  expect_failures = [var.task_role_policy_json]
}
