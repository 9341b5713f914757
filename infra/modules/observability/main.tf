data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  create_key    = var.create_sns_topic && var.sns_kms_key_arn == null
  actions       = concat(aws_sns_topic.alarms[*].arn, var.alarm_actions)
  lb_dimensions = { LoadBalancer = var.alb_arn_suffix }
  tg_dimensions = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  ecs_dimension = { ClusterName = var.cluster_name, ServiceName = var.service_name }
  t             = var.thresholds
}

# Production's alarms must reach a person (the rule the function's share).
module "alarm_recipients" {
  source = "../alarm-recipients"

  name              = var.name
  alarm_emails      = var.alarm_emails
  alarm_actions     = var.alarm_actions
  require_recipient = var.require_alarm_recipient
}

####  Notifications  ####

resource "aws_kms_key" "sns" {
  count = local.create_key ? 1 : 0

  description         = "${var.name} alarm topic"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # CloudWatch publishes alarms to the encrypted topic.
        Sid       = "CloudWatchPublishes"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
      },
    ]
  })
  tags = var.tags
}

resource "aws_sns_topic" "alarms" {
  count = var.create_sns_topic ? 1 : 0

  name              = "${var.name}-alarms"
  kms_master_key_id = local.create_key ? aws_kms_key.sns[0].arn : var.sns_kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = var.create_sns_topic ? toset(var.alarm_emails) : toset([])

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = each.value
}

####  Alarms  ####

# Every alarm is one entry of one of two maps, keyed by its name suffix:
# alarms on a single metric, and metric-math alarms. Adding an alarm is adding
# an entry; all of them notify the same actions on ALARM and on OK.
locals {
  single_metric_alarms = merge(
    { for k, v in {
      "unhealthy-hosts" = {
        description = "At least one target failed the ALB health check."
        namespace   = "AWS/ApplicationELB"
        metric      = "UnHealthyHostCount"
        dimensions  = local.tg_dimensions
        statistic   = "Maximum"
        comparison  = "GreaterThanThreshold"
        threshold   = 0
      }
      # The service's own p99 (service_metrics) replaces this one.
      "p99-latency" = {
        description = "p99 target response time above ${local.t.p99_latency_seconds} s."
        namespace   = "AWS/ApplicationELB"
        metric      = "TargetResponseTime"
        dimensions  = local.lb_dimensions
        statistic   = "p99"
        comparison  = "GreaterThanThreshold"
        threshold   = local.t.p99_latency_seconds
      }
    } : k => v if var.enable_load_balancer_alarms && (k != "p99-latency" || var.service_metrics == null) },
    {
      cpu = {
        description = "Service CPU above ${local.t.cpu_percent}% (autoscaling should be adding tasks)."
        namespace   = "AWS/ECS"
        metric      = "CPUUtilization"
        dimensions  = local.ecs_dimension
        statistic   = "Average"
        comparison  = "GreaterThanThreshold"
        threshold   = local.t.cpu_percent
      }
      memory = {
        description = "Service memory above ${local.t.memory_percent}%."
        namespace   = "AWS/ECS"
        metric      = "MemoryUtilization"
        dimensions  = local.ecs_dimension
        statistic   = "Average"
        comparison  = "GreaterThanThreshold"
        threshold   = local.t.memory_percent
      }
    },
  )

  # The ALB publishes a count only in minutes where it is not zero, so every
  # term is FILLed with 0: otherwise a minute with target 5xx but no ALB 5xx
  # (or the reverse) has no datapoint and the alarm never sees it.
  # RequestCount counts only requests the ALB could send to a target; its own
  # 5xx (503 with no target) are added to the denominator, so an outage with
  # an empty target group reads 100 %, not "no traffic".
  error_rate_expression = join("", [
    "IF(FILL(requests, 0) + FILL(elb5xx, 0) > 0, ",
    "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)",
  ])

  metric_math_alarms = { for k, v in {
    "5xx-rate" = {
      description = "More than ${local.t.error_rate_percent}% of requests answered 5xx (by the targets or the ALB)."
      expression  = local.error_rate_expression
      label       = "5xx rate (%)"
      namespace   = "AWS/ApplicationELB"
      comparison  = "GreaterThanThreshold"
      threshold   = local.t.error_rate_percent
      periods     = local.t.evaluation_periods
      datapoints  = local.t.datapoints_to_alarm
      metrics = {
        target5xx = { metric = "HTTPCode_Target_5XX_Count", dimensions = local.lb_dimensions, stat = "Sum" }
        elb5xx    = { metric = "HTTPCode_ELB_5XX_Count", dimensions = local.lb_dimensions, stat = "Sum" }
        requests  = { metric = "RequestCount", dimensions = local.lb_dimensions, stat = "Sum" }
      }
    }
    # A target group with no registered target (the platform before its first
    # deploy) is not an outage: the value is then 1. Whether AWS publishes
    # nothing or 0 for an empty group, the FILLs make both read "nothing
    # registered". Registered targets of which none is healthy read 0: ALARM.
    # An emptied group under traffic shows as ALB 503s in the 5xx rate.
    "no-healthy-hosts" = {
      description = "Targets are registered but none is healthy: the service is down."
      expression  = "IF(FILL(healthy, 0) + FILL(unhealthy, 0) > 0, FILL(healthy, 0), 1)"
      label       = "healthy targets (1 while none is registered)"
      namespace   = "AWS/ApplicationELB"
      comparison  = "LessThanThreshold"
      threshold   = 1
      periods     = 2
      datapoints  = 2
      metrics = {
        healthy   = { metric = "HealthyHostCount", dimensions = local.tg_dimensions, stat = "Minimum" }
        unhealthy = { metric = "UnHealthyHostCount", dimensions = local.tg_dimensions, stat = "Maximum" }
      }
    }
  } : k => v if var.enable_load_balancer_alarms }
}

resource "aws_cloudwatch_metric_alarm" "single_metric" {
  for_each = local.single_metric_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = startswith(each.value.statistic, "p") ? null : each.value.statistic
  extended_statistic  = startswith(each.value.statistic, "p") ? each.value.statistic : null
  period              = local.t.period_seconds
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  treat_missing_data  = "notBreaching" # no traffic, no tasks yet: nothing is wrong
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags

  lifecycle {
    # Checked on the CPU alarm only (it always exists), so the error shows once.
    precondition {
      condition     = each.key != "cpu" || length(module.alarm_recipients.problems) == 0
      error_message = join(" ", module.alarm_recipients.problems)
    }
  }
}

# The service's own 5xx rate and p99 from its EMF lines (the same module
# alarms on the function): they see what the service answered, with or
# without a load balancer; the ALB's 5xx rate above still sees the ALB's own
# 502/503/504 that never reach the service.
module "service_alarms" {
  source = "./modules/service-alarms"
  count  = var.service_metrics == null ? 0 : 1

  name    = var.name
  tags    = var.tags
  metrics = var.service_metrics
  thresholds = {
    error_rate_percent  = local.t.error_rate_percent
    p99_latency_ms      = local.t.p99_latency_seconds * 1000
    period_seconds      = max(60, local.t.period_seconds)
    evaluation_periods  = local.t.evaluation_periods
    datapoints_to_alarm = local.t.datapoints_to_alarm
  }
  alarm_actions = local.actions
}

resource "aws_cloudwatch_metric_alarm" "metric_math" {
  for_each = local.metric_math_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  evaluation_periods  = each.value.periods
  datapoints_to_alarm = each.value.datapoints
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "result"
    expression  = each.value.expression
    label       = each.value.label
    return_data = true
  }

  dynamic "metric_query" {
    for_each = each.value.metrics
    content {
      id = metric_query.key
      metric {
        namespace   = each.value.namespace
        metric_name = metric_query.value.metric
        dimensions  = metric_query.value.dimensions
        stat        = metric_query.value.stat
        period      = local.t.period_seconds
      }
    }
  }

  tags = var.tags
}

####  Dashboard  ####

locals {
  region = data.aws_region.current.name
  lb     = ["LoadBalancer", coalesce(var.alb_arn_suffix, "none")]
  tg     = ["TargetGroup", coalesce(var.target_group_arn_suffix, "none")]
  ecs    = ["ClusterName", var.cluster_name, "ServiceName", var.service_name]

  lb_widgets = [
    { title = "Requests", stat = "Sum", metrics = [concat(["AWS/ApplicationELB", "RequestCount"], local.lb)] },
    {
      title = "Latency (s)", stat = "p50", metrics = [
        concat(["AWS/ApplicationELB", "TargetResponseTime"], local.lb, [{ stat = "p50", label = "p50" }]),
        concat(["AWS/ApplicationELB", "TargetResponseTime"], local.lb, [{ stat = "p99", label = "p99" }]),
      ]
    },
    {
      title = "5xx", stat = "Sum", metrics = [
        concat(["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"], local.lb, [{ label = "target 5xx" }]),
        concat(["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"], local.lb, [{ label = "ALB 5xx" }]),
      ]
    },
    {
      title = "Hosts", stat = "Minimum", metrics = [
        concat(["AWS/ApplicationELB", "HealthyHostCount"], local.tg, local.lb, [{ label = "healthy" }]),
        concat(["AWS/ApplicationELB", "UnHealthyHostCount"], local.tg, local.lb, [{ label = "unhealthy", stat = "Maximum" }]),
      ]
    },
  ]
  ecs_widgets = [
    { title = "CPU (%)", stat = "Average", metrics = [concat(["AWS/ECS", "CPUUtilization"], local.ecs)] },
    { title = "Memory (%)", stat = "Average", metrics = [concat(["AWS/ECS", "MemoryUtilization"], local.ecs)] },
    { title = "Running tasks", stat = "Average", metrics = [concat(["ECS/ContainerInsights", "RunningTaskCount"], local.ecs)] },
  ]
  widgets = concat(
    flatten(module.service_alarms[*].dashboard_widgets),
    [for w in local.lb_widgets : w if var.enable_load_balancer_alarms],
    local.ecs_widgets,
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.enable_dashboard ? 1 : 0

  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [for i, w in local.widgets : {
      type   = "metric"
      x      = (i % 3) * 8
      y      = floor(i / 3) * 6
      width  = 8
      height = 6
      properties = {
        title   = w.title
        region  = local.region
        stat    = w.stat
        period  = local.t.period_seconds
        view    = "timeSeries"
        metrics = w.metrics
      }
    }]
  })
}
