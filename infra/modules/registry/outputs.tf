output "repository_name" {
  description = "Name of the repository."
  value       = aws_ecr_repository.this.name
}

output "repository_url" {
  description = "URL to tag and push images to (<account>.dkr.ecr.<region>.amazonaws.com/<name>)."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "ARN of the repository (scope IAM push/pull permissions to it)."
  value       = aws_ecr_repository.this.arn
}

output "registry_id" {
  description = "Account ID of the registry that holds the repository."
  value       = aws_ecr_repository.this.registry_id
}

output "lifecycle_policy" {
  description = "The lifecycle policy document applied to the repository (JSON)."
  value       = aws_ecr_lifecycle_policy.this.policy
}
