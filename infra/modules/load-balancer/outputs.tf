output "alb_arn" {
  description = "ARN of the ALB (for the WAF association)."
  value       = aws_lb.this.arn
}

output "alb_arn_suffix" {
  description = "ARN suffix of the ALB (the LoadBalancer dimension of CloudWatch metrics)."
  value       = aws_lb.this.arn_suffix
}

output "alb_dns_name" {
  description = "DNS name of the ALB (point a CNAME or alias record at it; smoke tests call it)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Route 53 hosted zone ID of the ALB, for alias records."
  value       = aws_lb.this.zone_id
}

output "alb_security_group_id" {
  description = "Security group of the ALB: the only source the tasks' security group should allow."
  value       = aws_security_group.alb.id
}

output "target_group_arn" {
  description = "ARN of the target group the ECS service registers its tasks in."
  value       = aws_lb_target_group.this.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (the TargetGroup dimension of CloudWatch metrics)."
  value       = aws_lb_target_group.this.arn_suffix
}

output "listener_arn" {
  description = "The listener that forwards to the target group (HTTPS when enabled, else HTTP): make the ECS service depend on it."
  value       = var.enable_https ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn
}

output "http_listener_arn" {
  description = "ARN of the HTTP listener (a redirect to HTTPS when enable_https is true)."
  value       = aws_lb_listener.http.arn
}

output "https_listener_arn" {
  description = "ARN of the HTTPS listener; null when enable_https is false."
  value       = try(aws_lb_listener.https[0].arn, null)
}

output "url" {
  description = "Base URL of the service through the ALB."
  value       = "${var.enable_https ? "https" : "http"}://${aws_lb.this.dns_name}"
}

output "access_logs_bucket" {
  description = "Name of the access log bucket; null when enable_access_logs is false."
  value       = try(aws_s3_bucket.access_logs[0].id, null)
}
