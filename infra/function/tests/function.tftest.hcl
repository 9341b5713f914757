# Unit tests of the function root: names, tags and the settings it passes to
# the module (provider mocked, nothing created).
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/hello-test-function" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/hello-test" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:hello-test-function-alarms" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:us-east-1:123456789012:function:hello-test", version = "1" }
  }
  mock_resource "aws_lambda_alias" {
    defaults = { arn = "arn:aws:lambda:us-east-1:123456789012:function:hello-test:live" }
  }
  mock_resource "aws_lambda_function_url" {
    defaults = { function_url = "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/" }
  }
}

variables {
  environment = "test"
  region      = "eu-west-2"
}

run "defaults" {
  command = apply

  assert {
    condition     = output.function_name == "hello-test" && output.alias_name == "live" && output.log_group_name == "/aws/lambda/hello-test"
    error_message = "The function is <name>-<environment>, served by the live alias, logging to /aws/lambda/<function>."
  }
  assert {
    condition     = output.architecture == "arm64" && output.url_auth_type == "AWS_IAM"
    error_message = "arm64 and an IAM-authorised URL must be the defaults."
  }
  assert {
    condition     = output.region == "eu-west-2" && startswith(output.function_url, "https://")
    error_message = "The region and the function URL must be outputs."
  }
  assert {
    condition     = local.package_path == abspath("${path.root}/../../build/function/bootstrap-arm64.zip")
    error_message = "Without package_path, the function is created from make function's zip for its architecture."
  }
  assert {
    condition     = local.tags.Project == "hello" && local.tags.Environment == "test" && local.tags.ManagedBy == "terraform" && length(local.tags) == 3
    error_message = "Project, Environment and ManagedBy must tag everything (provider default_tags)."
  }
}

run "service_metrics_on_by_default" {
  command = plan

  assert {
    condition     = contains(module.function.alarm_names, "hello-test-function-service-5xx-rate") && contains(module.function.alarm_names, "hello-test-function-service-p99-latency")
    error_message = "The function's own 5xx rate and p99 (its EMF metrics) must alarm by default."
  }
}

run "service_metrics_off" {
  command = plan

  variables { metrics_namespace = "" }

  assert {
    condition     = !contains(module.function.alarm_names, "hello-test-function-service-5xx-rate")
    error_message = "metrics_namespace \"\" turns the service's metrics and their alarms off."
  }
}

run "settings_pass_through" {
  command = plan

  variables {
    package_path = "/tmp/bootstrap-x86_64.zip"
    tags         = { Owner = "platform" }
    function = {
      architecture         = "x86_64"
      memory_mb            = 512
      reserved_concurrency = 3
      url_auth_type        = "AWS_IAM"
    }
  }

  assert {
    condition     = output.architecture == "x86_64" && local.package_path == "/tmp/bootstrap-x86_64.zip"
    error_message = "architecture and package_path must pass through."
  }
  assert {
    condition     = local.tags["Owner"] == "platform" && local.tags["Environment"] == "test"
    error_message = "Extra tags must be merged with the standard ones."
  }
}

run "rejects_bad_environment" {
  command = plan
  variables {
    environment = "Prod"
  }
  expect_failures = [var.environment]
}

run "rejects_bad_region" {
  command = plan
  variables {
    region = "europe"
  }
  expect_failures = [var.region]
}

run "rejects_bad_architecture" {
  command = plan
  variables {
    function = { architecture = "aarch64" }
  }
  expect_failures = [var.function]
}

run "rejects_bad_package_path" {
  command = plan
  variables {
    package_path = "bootstrap"
  }
  expect_failures = [var.package_path]
}

run "minus_one_means_no_cap" {
  command = plan
  variables {
    function = { reserved_concurrency = -1 }
  }
  assert {
    condition     = module.function.function_name == "hello-test"
    error_message = "reserved_concurrency = -1 must plan (the module gets null: unreserved)."
  }
}

run "rejects_zero_concurrency" {
  command = plan
  variables {
    function = { reserved_concurrency = 0 }
  }
  expect_failures = [var.function]
}
