output "role_arn" {
  description = "ARN of the deploy role (the role-to-assume of aws-actions/configure-aws-credentials)."
  value       = aws_iam_role.deploy.arn
}

output "role_name" {
  description = "Name of the deploy role."
  value       = aws_iam_role.deploy.name
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider (created or reused)."
  value       = local.provider_arn
}

output "subjects" {
  description = "The exact `sub` claims the role trusts."
  value       = local.subjects
}

output "policy_json" {
  description = "The deploy role's permissions, for review."
  value       = aws_iam_role_policy.deploy.policy
}
