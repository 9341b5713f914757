# Unit tests of the lambda-function module (provider mocked, nothing created).
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
}

variables {
  name         = "hello-test"
  package_path = "build/function/bootstrap-arm64.zip"
  tags         = { Project = "hello" }
  alarm_emails = ["ops@example.com"]
}

run "secure_defaults" {
  command = apply

  assert {
    condition     = aws_lambda_function.this.runtime == "provided.al2023" && aws_lambda_function.this.handler == "bootstrap"
    error_message = "The function must be a provided.al2023 custom runtime with handler bootstrap."
  }
  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "arm64 must be the default architecture."
  }
  assert {
    condition     = aws_lambda_function.this.memory_size == 256 && aws_lambda_function.this.timeout == 10
    error_message = "Memory and timeout must be set (256 MB, 10 s by default)."
  }
  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 10
    error_message = "Reserved concurrency must cap the function by default (the cost guard)."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["LOG_LEVEL"] == "info"
    error_message = "LOG_LEVEL must be set from log_level."
  }
  assert {
    condition     = aws_lambda_function.this.publish
    error_message = "The function must publish a version for the alias to point at."
  }
  assert {
    condition     = aws_lambda_alias.live.name == "live" && aws_lambda_alias.live.function_version == "1"
    error_message = "The live alias must point at the published version."
  }
  assert {
    condition     = aws_lambda_function_url.live.qualifier == "live"
    error_message = "The function URL must point at the live alias, not $LATEST."
  }
  assert {
    condition     = aws_lambda_function_url.live.authorization_type == "AWS_IAM" && length(terraform_data.invoke_via_url) == 0
    error_message = "The URL must require IAM by default, with no public invoke permission."
  }
  assert {
    condition     = length(aws_lambda_function_url.live.cors) == 0
    error_message = "CORS must be off by default."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/hello-test" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The log group must be /aws/lambda/<name> with a retention."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == aws_kms_key.this[0].arn && aws_kms_key.this[0].enable_key_rotation
    error_message = "Without a given key, the log group must be encrypted with a created, rotated key."
  }
  assert {
    condition     = strcontains(aws_kms_key.this[0].policy, "log-group:/aws/lambda/hello-test\"") && strcontains(aws_kms_key.this[0].policy, "logs.us-east-1.amazonaws.com")
    error_message = "The key must let CloudWatch Logs use it for this log group only."
  }
  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == aws_kms_key.this[0].arn && strcontains(aws_kms_key.this[0].policy, "cloudwatch.amazonaws.com")
    error_message = "The alarm topic must be encrypted with a key CloudWatch may use."
  }
  assert {
    condition     = aws_sns_topic_subscription.email["ops@example.com"].protocol == "email"
    error_message = "alarm_emails must be subscribed."
  }
  assert {
    condition     = alltrue([for t in concat([aws_lambda_function.this.tags, aws_cloudwatch_log_group.this.tags, aws_iam_role.this.tags, aws_sns_topic.alarms.tags, aws_kms_key.this[0].tags], [for a in aws_cloudwatch_metric_alarm.this : a.tags]) : lookup(t, "Project", "") == "hello"])
    error_message = "Tags must be applied to every resource."
  }
}

run "execution_role_writes_its_own_logs_only" {
  command = apply

  assert {
    condition     = [for p in one(data.aws_iam_policy_document.assume.statement).principals : p.identifiers] == [toset(["lambda.amazonaws.com"])] && one(data.aws_iam_policy_document.assume.statement).actions == toset(["sts:AssumeRole"])
    error_message = "Only Lambda may assume the execution role."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.logs.statement).actions == toset(["logs:CreateLogStream", "logs:PutLogEvents"])
    error_message = "The role may create streams and put events, nothing else (no CreateLogGroup, no wildcard)."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.logs.statement).resources == toset(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/hello-test:log-stream:*"])
    error_message = "The role may write only its own log group's streams."
  }
  assert {
    condition     = length(data.aws_iam_policy_document.logs.statement) == 1
    error_message = "The execution role must hold no other statement."
  }
  assert {
    condition     = aws_iam_role_policy.logs.role == aws_iam_role.this.id && aws_lambda_function.this.role == aws_iam_role.this.arn
    error_message = "The function must run with that role."
  }
}

run "alarms_on_errors_throttles_and_p99_duration" {
  command = apply

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset(["errors", "throttles", "p99-duration"])
    error_message = "Three alarms expected: errors, throttles, p99 duration."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["errors"].metric_name == "Errors" && aws_cloudwatch_metric_alarm.this["errors"].statistic == "Sum" && aws_cloudwatch_metric_alarm.this["errors"].threshold == 0
    error_message = "The errors alarm must fire on any error (Sum > 0)."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["throttles"].metric_name == "Throttles" && aws_cloudwatch_metric_alarm.this["throttles"].threshold == 0
    error_message = "The throttles alarm must fire on any throttle (the cost guard was reached)."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["p99-duration"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.this["p99-duration"].threshold == 8000
    error_message = "The p99 duration alarm defaults to 80 % of the timeout (8000 ms of 10 s)."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.namespace == "AWS/Lambda" && a.dimensions == tomap({ FunctionName = "hello-test" })])
    error_message = "The alarms must watch this function's AWS/Lambda metrics."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.alarm_actions == toset([aws_sns_topic.alarms.arn]) && a.ok_actions == toset([aws_sns_topic.alarms.arn])])
    error_message = "Alarms must notify the topic on ALARM and OK."
  }
}

run "service_metrics_environment_and_alarms" {
  command = apply

  variables {
    service_metrics = { namespace = "hello", service = "hello-test-function", environment = "test" }
    alarms          = { service_5xx_percent = 2, service_p99_ms = 500 }
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables == tomap({ LOG_LEVEL = "info", METRICS_NAMESPACE = "hello", METRICS_SERVICE = "hello-test-function", METRICS_ENVIRONMENT = "test" })
    error_message = "The function must get METRICS_NAMESPACE, METRICS_SERVICE and METRICS_ENVIRONMENT (EMF on)."
  }
  assert {
    condition     = toset(output.alarm_names) == toset(["hello-test-function-errors", "hello-test-function-throttles", "hello-test-function-p99-duration", "hello-test-function-service-5xx-rate", "hello-test-function-service-p99-latency"])
    error_message = "With the service's metrics, its own 5xx rate and p99 alarm beside Lambda's."
  }
}

run "no_service_metrics_no_emf" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.environment[0].variables == tomap({ LOG_LEVEL = "info" }) && length(module.service_alarms) == 0
    error_message = "Without service_metrics: no EMF variables and no service alarms."
  }
}

run "rejects_bad_service_thresholds" {
  command = plan
  variables { alarms = { service_5xx_percent = 0 } }
  expect_failures = [var.alarms]
}

run "public_url_x86_cors_and_a_given_key" {
  # plan: the public URL's permission is added by a provisioner (AWS CLI).
  command = plan

  variables {
    architecture         = "x86_64"
    url_auth_type        = "NONE"
    cors                 = { allow_origins = ["https://example.com"] }
    kms_key_arn          = "arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"
    reserved_concurrency = null
    memory_mb            = 128
    timeout_seconds      = 30
    alarms               = { p99_duration_ms = 500 }
    environment          = { ACCESS_LOG = "off" }
  }

  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["x86_64"]) && aws_lambda_function.this.memory_size == 128 && aws_lambda_function.this.timeout == 30
    error_message = "architecture, memory and timeout must be passed through."
  }
  assert {
    condition     = aws_lambda_function_url.live.authorization_type == "NONE" && length(terraform_data.invoke_via_url) == 1
    error_message = "A public URL must get the InvokeFunction (via URL) permission too."
  }
  assert {
    condition     = terraform_data.invoke_via_url[0].input.qualifier == "live" && terraform_data.invoke_via_url[0].input.sid == "FunctionURLInvokeAllowPublicAccess"
    error_message = "The InvokeFunction permission must be on the live alias."
  }
  assert {
    condition     = one(aws_lambda_function_url.live.cors).allow_origins == toset(["https://example.com"]) && one(aws_lambda_function_url.live.cors).allow_methods == toset(["GET", "HEAD"])
    error_message = "CORS must be set when given, GET/HEAD by default."
  }
  assert {
    condition     = length(aws_kms_key.this) == 0 && aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_sns_topic.alarms.kms_master_key_id == var.kms_key_arn
    error_message = "A given key must be used for the logs and the topic, and none created."
  }
  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "reserved_concurrency = null must leave the function unreserved (-1)."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["p99-duration"].threshold == 500
    error_message = "A given p99 threshold must be used."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables == tomap({ ACCESS_LOG = "off", LOG_LEVEL = "info" })
    error_message = "Extra environment variables must be merged with LOG_LEVEL."
  }
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "Hello_Function"
  }
  expect_failures = [var.name]
}

run "rejects_bad_architecture" {
  command = plan
  variables {
    architecture = "arm"
  }
  expect_failures = [var.architecture]
}

run "rejects_bad_memory" {
  command = plan
  variables {
    memory_mb = 64
  }
  expect_failures = [var.memory_mb]
}

run "rejects_bad_timeout" {
  command = plan
  variables {
    timeout_seconds = 901
  }
  expect_failures = [var.timeout_seconds]
}

run "rejects_zero_concurrency" {
  command = plan
  variables {
    reserved_concurrency = 0
  }
  expect_failures = [var.reserved_concurrency]
}

run "rejects_bad_package_path" {
  command = plan
  variables {
    package_path = "build/app/release/server"
  }
  expect_failures = [var.package_path]
}

run "rejects_aws_environment_keys" {
  command = plan
  variables {
    environment = { AWS_REGION = "eu-west-1" }
  }
  expect_failures = [var.environment]
}

run "rejects_bad_auth_type" {
  command = plan
  variables {
    url_auth_type = "PUBLIC"
  }
  expect_failures = [var.url_auth_type]
}

run "rejects_cors_origin_with_path" {
  command = plan
  variables {
    cors = { allow_origins = ["https://example.com/app"] }
  }
  expect_failures = [var.cors]
}

run "rejects_bad_retention" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_bad_kms_key" {
  command = plan
  variables {
    kms_key_arn = "alias/aws/logs"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_bad_alarm_email" {
  command = plan
  variables {
    alarm_emails = ["ops"]
  }
  expect_failures = [var.alarm_emails]
}

run "rejects_bad_alarm_period" {
  command = plan
  variables {
    alarms = { period_seconds = 30 }
  }
  expect_failures = [var.alarms]
}

run "prod_refuses_the_placeholder_address" {
  command = plan
  variables {
    require_alarm_recipient = true
    alarm_emails            = ["replace-with-your-oncall@example.com"]
  }
  expect_failures = [aws_sns_topic.alarms]
}

run "prod_refuses_no_recipient" {
  command = plan
  variables {
    require_alarm_recipient = true
    alarm_emails            = []
  }
  expect_failures = [aws_sns_topic.alarms]
}

run "prod_accepts_a_real_address" {
  command = plan
  variables {
    require_alarm_recipient = true
    alarm_emails            = ["oncall@my-org.com"]
  }
  assert {
    condition     = length(aws_sns_topic_subscription.email) == 1
    error_message = "A real address is a recipient."
  }
}
