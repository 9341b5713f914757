output "web_acl_arn" {
  description = "ARN of the web ACL."
  value       = aws_wafv2_web_acl.this.arn
}

output "web_acl_id" {
  description = "ID of the web ACL."
  value       = aws_wafv2_web_acl.this.id
}

output "web_acl_name" {
  description = "Name of the web ACL (the WebACL dimension of its CloudWatch metrics)."
  value       = aws_wafv2_web_acl.this.name
}

output "log_group_name" {
  description = "CloudWatch Logs group of the WAF logs; null when enable_logging is false."
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}
