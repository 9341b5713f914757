output "metrics" {
  description = "The metrics object, unchanged, once it passed the rule (null if null)."
  value       = var.metrics
}
