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

####  Load balancer alarms  ####

# (target 5xx + ALB 5xx) / requests, in percent; no traffic is not an error.
resource "aws_cloudwatch_metric_alarm" "error_rate" {
  count = var.enable_load_balancer_alarms ? 1 : 0

  alarm_name          = "${var.name}-5xx-rate"
  alarm_description   = "More than ${local.t.error_rate_percent}% of requests answered 5xx (by the targets or the ALB)."
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.error_rate_percent
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * (target5xx + elb5xx) / requests, 0)"
    label       = "5xx rate (%)"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = { target5xx = "HTTPCode_Target_5XX_Count", elb5xx = "HTTPCode_ELB_5XX_Count", requests = "RequestCount" }
    content {
      id = metric_query.key
      metric {
        namespace   = "AWS/ApplicationELB"
        metric_name = metric_query.value
        dimensions  = local.lb_dimensions
        stat        = "Sum"
        period      = local.t.period_seconds
      }
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" {
  count = var.enable_load_balancer_alarms ? 1 : 0

  alarm_name          = "${var.name}-unhealthy-hosts"
  alarm_description   = "At least one target failed the ALB health check."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = local.tg_dimensions
  statistic           = "Maximum"
  period              = local.t.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "no_healthy_hosts" {
  count = var.enable_load_balancer_alarms ? 1 : 0

  alarm_name          = "${var.name}-no-healthy-hosts"
  alarm_description   = "No target is healthy: the service is down."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HealthyHostCount"
  dimensions          = local.tg_dimensions
  statistic           = "Minimum"
  period              = local.t.period_seconds
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  # No data from the target group means nothing is registered: that is down too.
  treat_missing_data = "breaching"
  alarm_actions      = local.actions
  ok_actions         = local.actions
  tags               = var.tags
}

resource "aws_cloudwatch_metric_alarm" "p99_latency" {
  count = var.enable_load_balancer_alarms ? 1 : 0

  alarm_name          = "${var.name}-p99-latency"
  alarm_description   = "p99 target response time above ${local.t.p99_latency_seconds} s."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = local.lb_dimensions
  extended_statistic  = "p99"
  period              = local.t.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.p99_latency_seconds
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

####  Service alarms  ####

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "${var.name}-cpu"
  alarm_description   = "Service CPU above ${local.t.cpu_percent}% (autoscaling should be adding tasks)."
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  dimensions          = local.ecs_dimension
  statistic           = "Average"
  period              = local.t.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.cpu_percent
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "memory" {
  alarm_name          = "${var.name}-memory"
  alarm_description   = "Service memory above ${local.t.memory_percent}%."
  namespace           = "AWS/ECS"
  metric_name         = "MemoryUtilization"
  dimensions          = local.ecs_dimension
  statistic           = "Average"
  period              = local.t.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.memory_percent
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
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
  widgets = concat([for w in local.lb_widgets : w if var.enable_load_balancer_alarms], local.ecs_widgets)
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
