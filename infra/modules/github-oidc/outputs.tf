output "role_arn" {
  description = "ARN of the deploy role (the role-to-assume of deploy.yml; GitHub environment variable AWS_DEPLOY_ROLE_ARN)."
  value       = aws_iam_role.this["deploy"].arn
}

output "role_name" {
  description = "Name of the deploy role."
  value       = aws_iam_role.this["deploy"].name
}

output "role_arns" {
  description = "ARNs of the three roles by job: deploy, infra, plan."
  value       = { for k, r in aws_iam_role.this : k => r.arn }
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider (created or looked up)."
  value       = local.provider_arn
}

output "subjects" {
  description = "The exact `sub` claim each role trusts."
  value       = { for k, r in local.roles : k => r.subject }
}

output "policy_json" {
  description = "Each role's permissions, for review."
  value       = { for k, p in aws_iam_role_policy.this : k => p.policy }
}

output "workload_boundary_arn" {
  description = "ARN of the permissions boundary every workload role of the environment must carry (the infra role can create roles only with it)."
  value       = aws_iam_policy.workload_boundary.arn
}
