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
  mock_data "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
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
  github_environment      = "dev"
  ecr_repository_arn      = "arn:aws:ecr:us-east-1:123456789012:repository/hello-dev"
  state_bucket_name       = "hello-tfstate"
  platform_state_key      = "platform/dev.tfstate"
  service_state_key       = "service/dev.tfstate"
  ecs_service_arn         = "arn:aws:ecs:us-east-1:123456789012:service/hello-dev/hello-dev"
  task_definition_family  = "hello-dev"
  task_role_arns          = ["arn:aws:iam::123456789012:role/hello-dev-task-execution", "arn:aws:iam::123456789012:role/hello-dev-task"]
  parameter_path          = "/hello/dev/"
  image_tag_parameter_arn = "arn:aws:ssm:us-east-1:123456789012:parameter/hello/dev/image-tag"
}

run "trust_is_exactly_the_subjects_the_workflows_present" {
  command = apply

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 1 && aws_iam_openid_connect_provider.github[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The OIDC provider must be created for sts.amazonaws.com."
  }
  assert {
    condition     = toset(keys(aws_iam_role.this)) == toset(["deploy", "infra", "plan"])
    error_message = "Three roles: deploy, infra, plan."
  }
  assert {
    condition     = alltrue([for r in aws_iam_role.this : jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"])
    error_message = "Every trust must require aud sts.amazonaws.com."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this["deploy"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:my-org/hello-server:environment:dev"
    error_message = "The deploy role must trust exactly a job with environment dev."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this["infra"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:my-org/hello-server:environment:dev"
    error_message = "The infra role must trust exactly a job with environment dev."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this["plan"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:my-org/hello-server:pull_request"
    error_message = "The plan role must trust exactly the repository's pull requests."
  }
  assert {
    condition     = alltrue([for r in aws_iam_role.this : !strcontains(r.assume_role_policy, "StringLike") && !strcontains(r.assume_role_policy, "*")])
    error_message = "Trusts must use exact matches, no wildcards."
  }
  assert {
    condition     = alltrue([for r in aws_iam_role.this : jsondecode(r.assume_role_policy).Statement[0].Principal.Federated == output.oidc_provider_arn])
    error_message = "Every role must trust the GitHub provider."
  }
  assert {
    condition     = aws_iam_role.this["deploy"].tags["Project"] == "hello"
    error_message = "Tags must be applied."
  }
}

run "deploy_role_can_make_the_first_deploy_and_no_more" {
  command = apply

  assert {
    condition     = alltrue(flatten([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : [for a in s.Action : a != "*" && !endswith(a, ":*")]]))
    error_message = "No wildcard actions."
  }
  # data "aws_ecr_image" calls DescribeImages and DescribeRepositories.
  assert {
    condition = alltrue([for a in ["ecr:DescribeImages", "ecr:DescribeRepositories"] : contains(
    one([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s.Action if s.Sid == "PushPullThisRepository"]), a)])
    error_message = "The deploy role needs ecr:DescribeImages and ecr:DescribeRepositories on the repository (data \"aws_ecr_image\")."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s.Resource if s.Sid == "PushPullThisRepository"]) == [var.ecr_repository_arn]
    error_message = "ECR access must be limited to the repository."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s.Resource if contains(s.Action, "ecs:CreateService")]) == [var.ecs_service_arn]
    error_message = "The first deploy creates the service: CreateService on exactly that service."
  }
  assert {
    condition = alltrue([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s.Resource != "*" || contains([
    "EcrLoginNoResourceLevel", "TaskDefinitionsNoResourceLevel", "AutoscalingReadNoResourceLevel"], s.Sid)])
    error_message = "Resource \"*\" is allowed only for actions without resource-level permissions."
  }
  assert {
    condition     = length(flatten([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s.Resource if contains(s.Action, "s3:PutObject") && contains(flatten([s.Resource]), "arn:aws:s3:::hello-tfstate/platform/dev.tfstate")])) == 0
    error_message = "The deploy must never write the platform state."
  }
  assert {
    condition = toset(one([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s.Resource if s.Sid == "ReadWriteServiceStateAndLock"])) == toset([
    "arn:aws:s3:::hello-tfstate/service/dev.tfstate", "arn:aws:s3:::hello-tfstate/service/dev.tfstate.tflock"])
    error_message = "Service state and lock must be the only writable objects."
  }
  assert {
    condition     = toset(one([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s.Resource if s.Sid == "PassOnlyTheTaskRoles"])) == toset(var.task_role_arns) && one([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s.Condition.StringEquals["iam:PassedToService"] if s.Sid == "PassOnlyTheTaskRoles"]) == "ecs-tasks.amazonaws.com"
    error_message = "PassRole must be limited to the two task roles, passed to ECS tasks."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s.Resource if s.Sid == "ImageTagParameter"]) == [var.image_tag_parameter_arn]
    error_message = "SSM access must be limited to the image-tag parameter."
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s if anytrue([for a in s.Action : startswith(a, "ec2:") || startswith(a, "elasticloadbalancing:")])]) == 0
    error_message = "The deploy role must not touch the network or the load balancer."
  }
}

run "deploy_role_pulls_nothing_else_by_default" {
  command = apply

  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s if s.Sid == "PullPromotionSource"]) == 0
    error_message = "Without a promotion source the deploy role reads no other repository."
  }
}

run "prod_deploy_role_pulls_read_only_from_dev" {
  command = apply

  variables {
    promote_source_repository_arns = ["arn:aws:ecr:us-east-1:210987654321:repository/hello-dev"]
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s if s.Sid == "PullPromotionSource"]) == {
      Sid    = "PullPromotionSource", Effect = "Allow", Resource = ["arn:aws:ecr:us-east-1:210987654321:repository/hello-dev"]
      Action = ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]
    }
    error_message = "The promotion source must be readable (BatchGetImage, DescribeImages, GetDownloadUrlForLayer), on that repository only."
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s if contains(flatten([s.Resource]), "arn:aws:ecr:us-east-1:210987654321:repository/hello-dev") && anytrue([for a in s.Action : contains(["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchDeleteImage"], a)])]) == 0
    error_message = "The deploy role must never write the promotion source."
  }
}

run "rejects_a_wildcard_promotion_source" {
  command = plan
  variables {
    promote_source_repository_arns = ["arn:aws:ecr:us-east-1:123456789012:repository/*"]
  }
  expect_failures = [var.promote_source_repository_arns]
}

run "plan_role_is_read_only" {
  command = apply

  assert {
    condition     = alltrue(flatten([for s in jsondecode(aws_iam_role_policy.this["plan"].policy).Statement : [for a in s.Action : can(regex("^[a-z0-9-]+:(Describe|Get|List)", a)) if s.Effect == "Allow"]]))
    error_message = "The plan role may only Describe, Get and List."
  }
  assert {
    condition     = toset(one([for s in jsondecode(aws_iam_role_policy.this["plan"].policy).Statement : s.Resource if s.Sid == "ReadThisEnvironmentsState"])) == toset(["arn:aws:s3:::hello-tfstate/platform/dev.tfstate", "arn:aws:s3:::hello-tfstate/service/dev.tfstate"])
    error_message = "The plan role reads exactly this environment's two state objects (plans run with -lock=false)."
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.this["plan"].policy, "s3:GetObject\",\"Resource\":\"*")
    error_message = "No object read outside the state objects."
  }
}

run "infra_role_is_scoped_to_its_environment" {
  command = apply

  assert {
    condition = toset(one([for s in jsondecode(aws_iam_role_policy.this["infra"].policy).Statement : s.Resource if s.Sid == "ReadWriteThisEnvironmentsStateAndLocks"])) == toset([
      "arn:aws:s3:::hello-tfstate/platform/dev.tfstate", "arn:aws:s3:::hello-tfstate/platform/dev.tfstate.tflock",
    "arn:aws:s3:::hello-tfstate/service/dev.tfstate", "arn:aws:s3:::hello-tfstate/service/dev.tfstate.tflock"])
    error_message = "The infra role writes exactly this environment's state objects and lock files."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this["infra"].policy).Statement : s.Resource if s.Sid == "ThisEnvironmentsPolicies"]) == ["arn:aws:iam::123456789012:policy/hello-dev-*"] && one([for s in jsondecode(aws_iam_role_policy.this["infra"].policy).Statement : s.Resource if s.Sid == "ThisEnvironmentsRolesReadDeleteTag"]) == ["arn:aws:iam::123456789012:role/hello-dev-*"]
    error_message = "IAM writes only on this environment's roles and policies."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this["infra"].policy).Statement : s.Effect == "Deny" && s.Resource == ["arn:aws:iam::123456789012:role/hello-dev-github-*", "arn:aws:iam::123456789012:policy/hello-dev-workload-boundary"] && contains(s.Action, "iam:Set*") && contains(s.Action, "iam:Create*") if s.Sid == "NotThePipelinesOwnRolesNorTheBoundary"])
    error_message = "The infra role must not be able to change the pipeline's roles (its own permissions) nor the workload boundary (any policy version)."
  }
  assert {
    condition     = !contains(flatten([for s in jsondecode(aws_iam_role_policy.this["infra"].policy).Statement : s.Action if s.Resource == "*"]), "iam:*")
    error_message = "No IAM writes on every resource."
  }
}

run "looks_up_the_provider_when_another_environment_created_it" {
  command = apply

  variables {
    create_oidc_provider = false
    github_environment   = "prod"
    state_kms_key_arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && length(data.aws_iam_openid_connect_provider.github) == 1
    error_message = "An existing provider must be looked up, not created (one per account)."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this["deploy"].assume_role_policy).Statement[0].Principal.Federated == data.aws_iam_openid_connect_provider.github[0].arn
    error_message = "The trust must name the existing provider."
  }
  assert {
    condition     = output.subjects.deploy == "repo:my-org/hello-server:environment:prod" && output.subjects.plan == "repo:my-org/hello-server:pull_request"
    error_message = "Subjects must follow github_environment."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s.Resource if s.Sid == "StateBucketKey"]) == [var.state_kms_key_arn]
    error_message = "KMS permission must be on exactly the state key."
  }
}

run "rejects_a_wildcard_environment" {
  command = plan
  variables { github_environment = "*" }
  expect_failures = [var.github_environment]
}

# AWS creates a service-linked role on the first call that needs it in an
# account (Application Auto Scaling: RegisterScalableTarget; ECS: CreateCluster;
# ELB: CreateLoadBalancer; RDS: CreateDBInstance): the role making that call
# must be allowed iam:CreateServiceLinkedRole for exactly that service.
run "first_deploy_and_apply_can_create_the_service_linked_roles_they_trigger" {
  command = apply

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.this["deploy"].policy).Statement : s if contains(s.Action, "iam:CreateServiceLinkedRole")]) == {
      Sid       = "AutoscalingServiceLinkedRole", Effect = "Allow", Action = ["iam:CreateServiceLinkedRole"]
      Resource  = ["arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"]
      Condition = { StringEquals = { "iam:AWSServiceName" = "ecs.application-autoscaling.amazonaws.com" } }
    }
    error_message = "The first deploy registers the scalable target: the deploy role must create Application Auto Scaling's ECS service-linked role (and only it)."
  }
  assert {
    condition = toset(flatten([for s in jsondecode(aws_iam_role_policy.this["infra"].policy).Statement : s.Condition.StringEquals["iam:AWSServiceName"] if contains(s.Action, "iam:CreateServiceLinkedRole")])) == toset([
    "ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com", "rds.amazonaws.com"])
    error_message = "The infra role applies the platform and the service: ECS, ELB, Application Auto Scaling and RDS service-linked roles."
  }
}

# The infra role may create a role, or add to a role's permissions, only when
# the role's permissions boundary is the workload boundary; it can neither
# remove a boundary nor change the boundary policy. Without this it could
# attach AdministratorAccess to a task role it passes to ECS.
run "infra_role_grants_only_within_the_workload_boundary" {
  command = apply

  assert {
    condition     = aws_iam_policy.workload_boundary.name == "hello-dev-workload-boundary" && jsondecode(aws_iam_policy.workload_boundary.policy).Statement[0].Effect == "Allow"
    error_message = "The module creates the boundary <name>-workload-boundary."
  }
  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.this["infra"].policy).Statement : s if s.Sid == "GrantOnlyWithinTheWorkloadBoundary"]) == {
      Sid       = "GrantOnlyWithinTheWorkloadBoundary", Effect = "Allow", Resource = ["arn:aws:iam::123456789012:role/hello-dev-*"]
      Action    = ["iam:AttachRolePolicy", "iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"]
      Condition = { StringEquals = { "iam:PermissionsBoundary" = "arn:aws:iam::123456789012:policy/hello-dev-workload-boundary" } }
    }
    error_message = "CreateRole, PutRolePolicy, AttachRolePolicy and PutRolePermissionsBoundary only with iam:PermissionsBoundary = the workload boundary."
  }
  # Any other Allow naming IAM on roles must not grant: no wildcard that
  # covers the four actions above, none of them by name.
  assert {
    condition = alltrue(flatten([for s in jsondecode(aws_iam_role_policy.this["infra"].policy).Statement : [
      for a in s.Action : !contains(["iam:*", "iam:Attach*", "iam:AttachRolePolicy", "iam:Create*", "iam:CreateRole", "iam:Put*", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:PutRole*"], a)
    ] if s.Effect == "Allow" && s.Sid != "GrantOnlyWithinTheWorkloadBoundary" && anytrue([for r in flatten([s.Resource]) : r == "*" || strcontains(r, ":role/")])]))
    error_message = "No Allow other than GrantOnlyWithinTheWorkloadBoundary may create a role or add to its permissions."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this["infra"].policy).Statement : s.Effect == "Deny" && s.Action == ["iam:DeleteRolePermissionsBoundary"] && s.Resource == ["*"] if s.Sid == "KeepTheBoundary"])
    error_message = "The infra role must not remove a role's permissions boundary."
  }
}

run "sessions_outlive_a_deploy_job" {
  command = plan

  assert {
    condition     = alltrue([for r in aws_iam_role.this : r.max_session_duration == 7200])
    error_message = "Sessions of 2 h by default: a job waits up to 30 min for the lock and runs up to 60 min."
  }
}

run "rejects_a_session_longer_than_iam_allows" {
  command = plan
  variables { max_session_duration = 43201 }
  expect_failures = [var.max_session_duration]
}
