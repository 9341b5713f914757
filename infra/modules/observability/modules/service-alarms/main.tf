# The service's own 5xx rate and p99 latency, from the EMF lines it writes
# (app/src/emf.hpp): the same alarms for the ECS stack and the function.

# CloudWatch's and the binary's rule for the names (stated there once).
module "metrics" {
  source = "../../../emf-metrics"

  metrics = var.metrics
}

locals {
  t          = var.thresholds
  dimensions = { Service = var.metrics.service, Environment = var.metrics.environment }
  # The same, as a dashboard widget's metric array wants them.
  dimension_list = ["Service", var.metrics.service, "Environment", var.metrics.environment]
  # The service writes a line every minute while it runs, but a function
  # writes none while idle: FILL reads a missing minute as no traffic.
  error_rate_expression = "IF(FILL(requests, 0) > 0, 100 * FILL(errors, 0) / FILL(requests, 0), 0)"
}

resource "aws_cloudwatch_metric_alarm" "error_rate" {
  alarm_name          = "${var.name}-service-5xx-rate"
  alarm_description   = "More than ${local.t.error_rate_percent}% of the service's requests answered 5xx (its own count, probes left out)."
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.error_rate_percent
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  metric_query {
    id          = "result"
    expression  = local.error_rate_expression
    label       = "service 5xx rate (%)"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = { requests = "Requests", errors = "Requests5xx" }
    content {
      id = metric_query.key
      metric {
        namespace   = var.metrics.namespace
        metric_name = metric_query.value
        dimensions  = local.dimensions
        stat        = "Sum"
        period      = local.t.period_seconds
      }
    }
  }

  tags = var.tags
}

# Latency is a distribution reported at bucket upper bounds (0.5 ms ... 10 s):
# p99 above a bound such as 1000 ms reads exactly as the real p99 would.
resource "aws_cloudwatch_metric_alarm" "p99_latency" {
  alarm_name          = "${var.name}-service-p99-latency"
  alarm_description   = "The service's own p99 latency above ${local.t.p99_latency_ms} ms."
  namespace           = var.metrics.namespace
  metric_name         = "Latency"
  dimensions          = local.dimensions
  extended_statistic  = "p99"
  period              = local.t.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.p99_latency_ms
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
