output "state_bucket_name" {
  description = "Name of the state bucket."
  value       = aws_s3_bucket.state.id
}

output "state_bucket_arn" {
  description = "ARN of the state bucket (scope the deploy role's state access to objects under it)."
  value       = aws_s3_bucket.state.arn
}

output "region" {
  description = "Region of the state bucket."
  value       = var.region
}

output "backend_config" {
  description = "Partial S3 backend configuration for the platform and service roots: save it as a .hcl file and pass it with -backend-config=<file> plus -backend-config=key=<root>/<env>.tfstate."
  value = join("", [
    "bucket       = \"${aws_s3_bucket.state.id}\"\n",
    "region       = \"${var.region}\"\n",
    "encrypt      = true\n",
    "use_lockfile = true\n",
    var.sse_algorithm == "aws:kms" && var.kms_key_arn != null ? "kms_key_id   = \"${var.kms_key_arn}\"\n" : "",
  ])
}
