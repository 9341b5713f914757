output "certificate_arn" {
  description = "ARN of the issued ACM certificate (after validation); null when create_certificate is false."
  value       = try(aws_acm_certificate_validation.this[0].certificate_arn, null)
}

output "fqdn" {
  description = "The name clients use (the alias record)."
  value       = aws_route53_record.alias.fqdn
}

output "url" {
  description = "https://<domain_name>."
  value       = "https://${var.domain_name}"
}
