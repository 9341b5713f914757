output "sns_topic_arn" {
  description = "ARN of the alarm topic (null when not created)."
  value       = one(aws_sns_topic.alarms[*].arn)
}

output "alarm_names" {
  description = "Names of every alarm."
  value = concat(
    [for a in aws_cloudwatch_metric_alarm.metric_math : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.single_metric : a.alarm_name],
    flatten(module.service_alarms[*].alarm_names),
  )
}

output "dashboard_name" {
  description = "Name of the dashboard (null when not created)."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}
