output "region" {
  description = "Region of the function."
  value       = var.region
}

output "function_name" {
  description = "Name of the function."
  value       = module.function.function_name
}

output "alias_name" {
  description = "Alias serving traffic (scripts/deploy-function.sh moves it)."
  value       = module.function.alias_name
}

output "function_url" {
  description = "HTTPS URL of the live alias: the smoke test's target."
  value       = module.function.function_url
}

output "url_auth_type" {
  description = "NONE (public URL) or AWS_IAM (SigV4-signed callers only)."
  value       = module.function.url_auth_type
}

output "architecture" {
  description = "arm64 or x86_64: deployed zips must hold a binary for it."
  value       = module.function.architecture
}

output "log_group_name" {
  description = "Log group of the function."
  value       = module.function.log_group_name
}

output "alarm_topic_arn" {
  description = "SNS topic the function's alarms notify."
  value       = module.function.alarm_topic_arn
}
