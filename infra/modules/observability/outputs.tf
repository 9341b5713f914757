output "sns_topic_arn" {
  description = "ARN of the alarm topic (null when not created)."
  value       = one(aws_sns_topic.alarms[*].arn)
}

output "alarm_names" {
  description = "Names of every alarm."
  value = concat(
    aws_cloudwatch_metric_alarm.error_rate[*].alarm_name, aws_cloudwatch_metric_alarm.unhealthy_hosts[*].alarm_name,
    aws_cloudwatch_metric_alarm.no_healthy_hosts[*].alarm_name, aws_cloudwatch_metric_alarm.p99_latency[*].alarm_name,
    [aws_cloudwatch_metric_alarm.cpu.alarm_name, aws_cloudwatch_metric_alarm.memory.alarm_name],
  )
}

output "dashboard_name" {
  description = "Name of the dashboard (null when not created)."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}
