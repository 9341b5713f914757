output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function (unqualified)."
  value       = aws_lambda_function.this.arn
}

output "alias_name" {
  description = "Alias serving traffic, which the function URL points at (moved by deploys)."
  value       = aws_lambda_alias.live.name
}

output "alias_arn" {
  description = "ARN of that alias."
  value       = aws_lambda_alias.live.arn
}

output "function_url" {
  description = "HTTPS URL of the live alias (ends with /)."
  value       = aws_lambda_function_url.live.function_url
}

output "url_auth_type" {
  description = "Authorization of the URL: NONE (public) or AWS_IAM (SigV4-signed callers)."
  value       = aws_lambda_function_url.live.authorization_type
}

output "architecture" {
  description = "Instruction set of the function (arm64 or x86_64): deployed zips must match it."
  value       = var.architecture
}

output "log_group_name" {
  description = "Log group of the function (/aws/lambda/<name>)."
  value       = aws_cloudwatch_log_group.this.name
}

output "role_arn" {
  description = "Execution role of the function."
  value       = aws_iam_role.this.arn
}

output "kms_key_arn" {
  description = "KMS key encrypting the log group and the alarm topic."
  value       = local.kms_key_arn
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms notify."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Names of the alarms (errors, throttles, p99 duration; with service_metrics, the service's 5xx rate and p99 latency)."
  value       = concat([for a in aws_cloudwatch_metric_alarm.this : a.alarm_name], flatten(module.service_alarms[*].alarm_names))
}
