data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  alias_name     = "live"
  log_group_name = "/aws/lambda/${var.name}"
  create_key     = var.kms_key_arn == null
  kms_key_arn    = local.create_key ? aws_kms_key.this[0].arn : var.kms_key_arn
  account_id     = data.aws_caller_identity.current.account_id
  region         = data.aws_region.current.name
  partition      = data.aws_partition.current.partition
  a              = var.alarms
  p99_ms         = coalesce(local.a.p99_duration_ms, floor(var.timeout_seconds * 1000 * 0.8))
  alarm_actions  = [aws_sns_topic.alarms.arn]
}

####  Encryption key (log group and alarm topic)  ####

resource "aws_kms_key" "this" {
  count = local.create_key ? 1 : 0

  description         = "${var.name}: function logs and alarm topic"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # CloudWatch Logs encrypts this function's log group, and no other.
        Sid       = "LogsEncryptsTheLogGroup"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}" }
        }
      },
      {
        # CloudWatch alarms publish to the encrypted topic (the AWS-managed
        # aws/sns key cannot grant this, hence a customer-managed key).
        Sid       = "CloudWatchPublishes"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
    ]
  })
  tags = var.tags
}

####  Logs and the execution role  ####

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-function"
  description        = "Execution role of the ${var.name} function: writes its own log group, nothing else."
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags

  # The workload boundary: the infra role can create this role only with it.
  permissions_boundary = var.permissions_boundary_arn
}

# Only the two calls the runtime makes to ship stdout, only on its own group
# (Terraform creates the group, so no logs:CreateLogGroup).
data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "WriteOwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "logs" {
  name   = "logs"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.logs.json
}

####  Function, alias, URL  ####

resource "aws_lambda_function" "this" {
  function_name = var.name
  description   = "The service's static binary as a custom runtime (provided.al2023)."
  role          = aws_iam_role.this.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  architectures = [var.architecture]
  memory_size   = var.memory_mb
  timeout       = var.timeout_seconds
  filename      = var.package_path
  # Terraform publishes version 1 for the alias; deploys publish the rest.
  publish                        = true
  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency

  environment {
    variables = merge(var.environment, { LOG_LEVEL = var.log_level }, var.service_metrics == null ? {} : {
      METRICS_NAMESPACE   = var.service_metrics.namespace
      METRICS_SERVICE     = var.service_metrics.service
      METRICS_ENVIRONMENT = var.service_metrics.environment
    })
  }

  tags = var.tags

  # The code is the deploy's (scripts/deploy-function.sh): a plan after a
  # deploy must not put the creation-time zip back.
  lifecycle {
    ignore_changes = [filename, source_code_hash, s3_bucket, s3_key, s3_object_version]
  }

  depends_on = [aws_iam_role_policy.logs]
}

# Traffic goes to `live`; a deploy moves it to the version it publishes and
# a rollback moves it back, so Terraform never moves it after creating it.
resource "aws_lambda_alias" "live" {
  name             = local.alias_name
  description      = "The version serving traffic (moved by scripts/deploy-function.sh)."
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version

  lifecycle {
    ignore_changes = [function_version, routing_config]
  }
}

resource "aws_lambda_function_url" "live" {
  function_name      = aws_lambda_function.this.function_name
  qualifier          = aws_lambda_alias.live.name
  authorization_type = var.url_auth_type
  invoke_mode        = "BUFFERED"

  dynamic "cors" {
    for_each = var.cors == null ? [] : [var.cors]
    content {
      allow_origins  = cors.value.allow_origins
      allow_methods  = cors.value.allow_methods
      allow_headers  = cors.value.allow_headers
      expose_headers = cors.value.expose_headers
      max_age        = cors.value.max_age
    }
  }
}

# A public URL (NONE) needs two resource-policy statements: the provider adds
# lambda:InvokeFunctionUrl (FunctionURLAllowPublicAccess) itself; since
# October 2025 AWS also requires lambda:InvokeFunction, limited to calls made
# through the URL (lambda:InvokedViaFunctionUrl). hashicorp/aws 5.100 cannot
# express that condition (aws_lambda_permission gained invoked_via_function_url
# in 6.x), so the AWS CLI adds it; replace this with aws_lambda_permission
# when the provider pin moves to 6.x.
resource "terraform_data" "invoke_via_url" {
  count = var.url_auth_type == "NONE" ? 1 : 0

  input = {
    function  = aws_lambda_function.this.function_name
    qualifier = aws_lambda_alias.live.name
    region    = local.region
    sid       = "FunctionURLInvokeAllowPublicAccess"
  }
  triggers_replace = [aws_lambda_function_url.live.url_id, aws_lambda_alias.live.arn]

  provisioner "local-exec" {
    interpreter = ["bash", "-c"]
    command     = <<-SH
      set -euo pipefail
      out=$(aws lambda add-permission --region '${self.input.region}' --function-name '${self.input.function}' \
        --qualifier '${self.input.qualifier}' --statement-id '${self.input.sid}' --action lambda:InvokeFunction \
        --principal '*' --invoked-via-function-url 2>&1) || grep -q 'already exists' <<<"$out" || { echo "$out" >&2; exit 1; }
    SH
  }

  provisioner "local-exec" {
    when        = destroy
    interpreter = ["bash", "-c"]
    command     = <<-SH
      set -uo pipefail
      out=$(aws lambda remove-permission --region '${self.input.region}' --function-name '${self.input.function}' \
        --qualifier '${self.input.qualifier}' --statement-id '${self.input.sid}' 2>&1) || grep -q 'ResourceNotFound' <<<"$out" || { echo "$out" >&2; exit 1; }
    SH
  }
}

####  Alarms  ####

# Production's alarms must reach a person (the ECS stack's rule too).
module "alarm_recipients" {
  source = "../alarm-recipients"

  name              = "${var.name}-function"
  alarm_emails      = var.alarm_emails
  require_recipient = var.require_alarm_recipient
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-function-alarms"
  kms_master_key_id = local.kms_key_arn
  tags              = var.tags

  lifecycle {
    precondition {
      condition     = length(module.alarm_recipients.problems) == 0
      error_message = join(" ", module.alarm_recipients.problems)
    }
  }
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  alarm_specs = {
    errors = {
      metric      = "Errors", statistic = "Sum", extended = null, threshold = local.a.errors
      description = "More than ${local.a.errors} invocation(s) failed in a ${local.a.period_seconds}-second period (function error, crash or timeout)."
    }
    throttles = {
      metric      = "Throttles", statistic = "Sum", extended = null, threshold = local.a.throttles
      description = "More than ${local.a.throttles} request(s) throttled in a period: the reserved concurrency (the cost guard) or the account limit was reached."
    }
    p99-duration = {
      metric      = "Duration", statistic = null, extended = "p99", threshold = local.p99_ms
      description = "p99 invocation duration above ${local.p99_ms} ms (the timeout is ${var.timeout_seconds} s)."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarm_specs

  alarm_name          = "${var.name}-function-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended
  period              = local.a.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  evaluation_periods  = local.a.evaluation_periods
  datapoints_to_alarm = local.a.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

# The service's own 5xx rate and p99 from its EMF lines: the module the ECS
# stack's alarms use too (Duration above includes the runtime's overhead;
# these are what the service answered).
module "service_alarms" {
  source = "../observability/modules/service-alarms"
  count  = var.service_metrics == null ? 0 : 1

  name    = "${var.name}-function"
  tags    = var.tags
  metrics = var.service_metrics
  thresholds = {
    error_rate_percent  = local.a.service_5xx_percent
    p99_latency_ms      = local.a.service_p99_ms
    period_seconds      = local.a.period_seconds
    evaluation_periods  = local.a.evaluation_periods
    datapoints_to_alarm = local.a.datapoints_to_alarm
  }
  alarm_actions = local.alarm_actions
}
