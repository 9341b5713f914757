output "alarm_names" {
  description = "Names of the two alarms (5xx rate, p99 latency)."
  value       = [aws_cloudwatch_metric_alarm.error_rate.alarm_name, aws_cloudwatch_metric_alarm.p99_latency.alarm_name]
}

output "dashboard_widgets" {
  description = "Dashboard widgets of the service's own metrics: { title, stat, metrics } in CloudWatch's widget metrics syntax."
  value = [
    {
      title = "Service requests", stat = "Sum", metrics = [
        concat([var.metrics.namespace, "Requests"], local.dimension_list, [{ label = "all" }]),
        concat([var.metrics.namespace, "Requests4xx"], local.dimension_list, [{ label = "4xx" }]),
        concat([var.metrics.namespace, "Requests5xx"], local.dimension_list, [{ label = "5xx" }]),
      ]
    },
    {
      title = "Service 5xx rate (%)", stat = "Sum", metrics = [
        [{ expression = local.error_rate_expression, label = "5xx rate", id = "rate" }],
        concat([var.metrics.namespace, "Requests"], local.dimension_list, [{ id = "requests", visible = false }]),
        concat([var.metrics.namespace, "Requests5xx"], local.dimension_list, [{ id = "errors", visible = false }]),
      ]
    },
    {
      title = "Service latency (ms)", stat = "p50", metrics = [
        concat([var.metrics.namespace, "Latency"], local.dimension_list, [{ stat = "p50", label = "p50" }]),
        concat([var.metrics.namespace, "Latency"], local.dimension_list, [{ stat = "p99", label = "p99" }]),
      ]
    },
    {
      title = "In-flight requests", stat = "Maximum", metrics = [
        concat([var.metrics.namespace, "InFlight"], local.dimension_list),
      ]
    },
  ]
}
