output "problems" {
  description = "Why the alarms would reach nobody (empty: they reach someone, or no recipient is required). Callers fail a precondition with these messages."
  value       = local.problems
}
