# Unit tests: mocked provider.
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/hello-dev-github-deploy" }
  }
}

variables {
  name                    = "hello-dev"
  tags                    = { Project = "hello" }
  repository              = "my-org/hello-server"
  github_environments     = ["dev"]
  github_branches         = ["main"]
  ecr_repository_arn      = "arn:aws:ecr:us-east-1:123456789012:repository/hello"
  state_bucket_name       = "hello-tfstate"
  platform_state_key      = "platform/dev.tfstate"
  service_state_key       = "service/dev.tfstate"
  ecs_service_arn         = "arn:aws:ecs:us-east-1:123456789012:service/hello-dev/hello-dev"
  task_definition_family  = "hello-dev"
  task_role_arns          = ["arn:aws:iam::123456789012:role/hello-dev-task-execution", "arn:aws:iam::123456789012:role/hello-dev-task"]
  image_tag_parameter_arn = "arn:aws:ssm:us-east-1:123456789012:parameter/hello/dev/image-tag"
}

run "trust_is_pinned_and_permissions_are_narrow" {
  command = apply

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 1 && aws_iam_openid_connect_provider.github[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The OIDC provider must be created for sts.amazonaws.com."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    error_message = "The trust must require aud sts.amazonaws.com."
  }
  assert {
    condition = toset(jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]) == toset([
    "repo:my-org/hello-server:environment:dev", "repo:my-org/hello-server:ref:refs/heads/main"])
    error_message = "The trust must list exactly the repository's allowed environment and branch."
  }
  assert {
    condition     = !strcontains(aws_iam_role.deploy.assume_role_policy, "StringLike") && !strcontains(aws_iam_role.deploy.assume_role_policy, "*")
    error_message = "The trust must use exact matches, no wildcards."
  }
  assert {
    condition     = alltrue(flatten([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : [for a in s.Action : a != "*" && !endswith(a, ":*")]]))
    error_message = "No wildcard actions."
  }
  # Resource "*" only on the documented actions without resource-level permissions.
  assert {
    condition = alltrue([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Resource != "*" || contains([
    "EcrLoginNoResourceLevel", "TaskDefinitionsNoResourceLevel", "AutoscalingReadNoResourceLevel"], s.Sid)])
    error_message = "Resource \"*\" is allowed only for actions without resource-level permissions."
  }
  assert {
    condition = toset(flatten([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Action if s.Resource == "*"])) == toset([
      "ecr:GetAuthorizationToken", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition",
    "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies"])
    error_message = "Unexpected actions on Resource \"*\"."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Resource if s.Sid == "PushPullThisRepository"]) == [var.ecr_repository_arn]
    error_message = "ECR push must be limited to the repository."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Resource if s.Sid == "ReadPlatformState"]) == ["arn:aws:s3:::hello-tfstate/platform/dev.tfstate"]
    error_message = "Platform state must be read-only and exact."
  }
  assert {
    condition = toset(one([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Resource if s.Sid == "ReadWriteServiceStateAndLock"])) == toset([
    "arn:aws:s3:::hello-tfstate/service/dev.tfstate", "arn:aws:s3:::hello-tfstate/service/dev.tfstate.tflock"])
    error_message = "Service state and lock must be the only writable objects."
  }
  assert {
    condition     = length(flatten([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Resource if contains(s.Action, "s3:PutObject") && contains(flatten([s.Resource]), "arn:aws:s3:::hello-tfstate/platform/dev.tfstate")])) == 0
    error_message = "The deploy must never write the platform state."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Condition.StringEquals["s3:prefix"] if s.Sid == "ListOnlyTheStateObjects"]) != null
    error_message = "ListBucket must carry a prefix condition."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Resource if s.Sid == "UpdateThisService"]) == [var.ecs_service_arn]
    error_message = "UpdateService must be limited to the service."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Condition.StringEquals["iam:PassedToService"] if s.Sid == "PassOnlyTheTaskRoles"]) == "ecs-tasks.amazonaws.com"
    error_message = "PassRole must be limited to ECS tasks."
  }
  assert {
    condition     = toset(one([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Resource if s.Sid == "PassOnlyTheTaskRoles"])) == toset(var.task_role_arns)
    error_message = "PassRole must be limited to the two task roles."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Resource if s.Sid == "ImageTagParameter"]) == [var.image_tag_parameter_arn]
    error_message = "SSM access must be limited to the image-tag parameter."
  }
  assert {
    condition     = contains(one([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Resource if s.Sid == "TagThisFamilyAndService"]), "arn:aws:ecs:us-east-1:123456789012:task-definition/hello-dev:*")
    error_message = "Tagging must be limited to this family."
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s if s.Sid == "StateBucketKey"]) == 0
    error_message = "No KMS permission without a state key."
  }
  assert {
    condition     = aws_iam_role.deploy.tags["Project"] == "hello"
    error_message = "Tags must be applied."
  }
}

run "reuses_existing_provider_with_kms_state" {
  command = apply

  variables {
    create_oidc_provider       = false
    existing_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    github_environments        = []
    github_branches            = ["main", "release/v1"]
    state_kms_key_arn          = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && output.oidc_provider_arn == var.existing_oidc_provider_arn
    error_message = "An existing provider must be reused, not created."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Principal.Federated == var.existing_oidc_provider_arn
    error_message = "The trust must name the existing provider."
  }
  assert {
    condition     = toset(output.subjects) == toset(["repo:my-org/hello-server:ref:refs/heads/main", "repo:my-org/hello-server:ref:refs/heads/release/v1"])
    error_message = "Branch subjects must be built from the list."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.deploy.policy).Statement : s.Resource if s.Sid == "StateBucketKey"]) == [var.state_kms_key_arn]
    error_message = "KMS permission must be on exactly the state key."
  }
}

run "rejects_reuse_without_arn" {
  command = plan
  variables { create_oidc_provider = false }
  expect_failures = [aws_iam_role.deploy]
}

run "rejects_no_subjects" {
  command = plan
  variables {
    github_environments = []
    github_branches     = []
  }
  expect_failures = [aws_iam_role.deploy]
}

run "rejects_bad_name" {
  command = plan
  variables { name = "X" }
  expect_failures = [var.name]
}

run "rejects_bad_provider_arn" {
  command = plan
  variables { existing_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/example.com" }
  expect_failures = [var.existing_oidc_provider_arn]
}

run "rejects_wildcard_repository" {
  command = plan
  variables { repository = "my-org/*" }
  expect_failures = [var.repository]
}

run "rejects_wildcard_environment" {
  command = plan
  variables { github_environments = ["*"] }
  expect_failures = [var.github_environments]
}

run "rejects_wildcard_branch" {
  command = plan
  variables { github_branches = ["feature/*"] }
  expect_failures = [var.github_branches]
}

run "rejects_bad_session" {
  command = plan
  variables { max_session_duration = 60 }
  expect_failures = [var.max_session_duration]
}

run "rejects_bad_repository_arn" {
  command = plan
  variables { ecr_repository_arn = "*" }
  expect_failures = [var.ecr_repository_arn]
}

run "rejects_bad_bucket" {
  command = plan
  variables { state_bucket_name = "Bad_Bucket" }
  expect_failures = [var.state_bucket_name]
}

run "rejects_bad_state_kms" {
  command = plan
  variables { state_kms_key_arn = "*" }
  expect_failures = [var.state_kms_key_arn]
}

run "rejects_wildcard_state_keys" {
  command = plan
  variables {
    platform_state_key = "*"
    service_state_key  = "service/*"
  }
  expect_failures = [var.platform_state_key, var.service_state_key]
}

run "rejects_bad_service_arn" {
  command = plan
  variables { ecs_service_arn = "arn:aws:ecs:us-east-1:123456789012:service/hello-dev/*" }
  expect_failures = [var.ecs_service_arn]
}

run "rejects_bad_family" {
  command = plan
  variables { task_definition_family = "hello:*" }
  expect_failures = [var.task_definition_family]
}

run "rejects_wildcard_roles" {
  command = plan
  variables { task_role_arns = ["arn:aws:iam::123456789012:role/*"] }
  expect_failures = [var.task_role_arns]
}

run "rejects_bad_parameter" {
  command = plan
  variables { image_tag_parameter_arn = "arn:aws:ssm:us-east-1:123456789012:parameter/*" }
  expect_failures = [var.image_tag_parameter_arn]
}
