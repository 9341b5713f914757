# Unit tests (mocked provider) of deploy_function.tf: the deploy role's
# permissions for scripts/deploy-function.sh. The same permissions are
# exercised as the role, with IAM enforced, by the function suite
# (tests/function/test_function_stack.py).
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

run "no_function_no_lambda_permission" {
  command = apply

  assert {
    condition     = length(aws_iam_role_policy.deploy_function) == 0
    error_message = "Without deploy_function the deploy role must get no function policy."
  }
  assert {
    condition     = alltrue([for p in aws_iam_role_policy.this : !strcontains(p.policy, "lambda:")])
    error_message = "No role may hold a Lambda permission when the environment has no function."
  }
}

run "publishes_and_aliases_exactly_this_function" {
  command = apply

  variables {
    deploy_function = { name = "hello-dev", state_key = "function/dev.tfstate" }
  }

  assert {
    condition     = length(aws_iam_role_policy.deploy_function) == 1 && aws_iam_role_policy.deploy_function[0].role == aws_iam_role.this["deploy"].id
    error_message = "The function policy must sit on the deploy role (and only there)."
  }
  assert {
    condition = toset(one([for s in jsondecode(aws_iam_role_policy.deploy_function[0].policy).Statement : s.Action if s.Sid == "PublishAndAliasThisFunction"])) == toset([
      "lambda:GetAlias", "lambda:GetFunctionConfiguration", "lambda:ListVersionsByFunction",
    "lambda:PublishVersion", "lambda:UpdateAlias", "lambda:UpdateFunctionCode"])
    error_message = "Lambda actions must be exactly what scripts/deploy-function.sh calls."
  }
  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.deploy_function[0].policy).Statement : s.Resource if s.Sid == "PublishAndAliasThisFunction"]) == [
    "arn:aws:lambda:us-east-1:123456789012:function:hello-dev", "arn:aws:lambda:us-east-1:123456789012:function:hello-dev:*"]
    error_message = "Lambda permissions must be on this function, its versions and aliases only."
  }
  assert {
    condition = alltrue(flatten([for s in jsondecode(aws_iam_role_policy.deploy_function[0].policy).Statement : [
    for a in s.Action : !strcontains(a, "*") && !contains(["lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionConfiguration", "lambda:AddPermission", "lambda:InvokeFunction"], a)]]))
    error_message = "No wildcard actions, and nothing that creates, deletes, reconfigures, opens or invokes a function."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.deploy_function[0].policy).Statement : s.Resource if s.Sid == "ReadFunctionState"]) == ["arn:aws:s3:::hello-tfstate/function/dev.tfstate"]
    error_message = "The function's state must be readable, and only it."
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.deploy_function[0].policy, "s3:PutObject") && !strcontains(aws_iam_role_policy.deploy_function[0].policy, "s3:DeleteObject")
    error_message = "A function deploy never writes Terraform state."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.deploy_function[0].policy).Statement : s.Condition.StringEquals["s3:prefix"] if s.Sid == "ListOnlyTheFunctionState"]) == ["function/dev.tfstate"]
    error_message = "Listing the bucket must be limited to the function's state key."
  }
}

run "rejects_a_wildcard_or_an_arn_as_function_name" {
  command = plan
  variables {
    deploy_function = { name = "hello-*", state_key = "function/dev.tfstate" }
  }
  expect_failures = [var.deploy_function]
}

run "rejects_a_state_key_that_is_not_a_state_object" {
  command = plan
  variables {
    deploy_function = { name = "hello-dev", state_key = "function/*" }
  }
  expect_failures = [var.deploy_function]
}
