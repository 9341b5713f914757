# Whether alarms reach a person: the one rule the ECS stack's alarms
# (modules/observability) and the function's (modules/lambda-function) apply
# in production. No resources: each caller stops its plan with a
# precondition on `problems`, so its own tests can expect the failure.

locals {
  # Addresses that reach nobody: the env files' placeholder and the domains
  # reserved for examples (RFC 2606).
  example_emails = [for e in var.alarm_emails : e if can(regex("(?i)(^replace-with|@(.+\\.)?example\\.(com|net|org)$|\\.(example|invalid|test|localhost)$)", e))]

  problems = !var.require_recipient ? [] : concat(
    length(var.alarm_emails) + length(var.alarm_actions) == 0 ? [
      "The alarms of ${var.name} would notify nobody: set alarm_emails (your on-call address) in the env file (infra/envs/<env>.tfvars; for the function, function.alarm_emails in <env>.function.tfvars)."
    ] : [],
    length(local.example_emails) > 0 ? [
      "The alarms of ${var.name} would reach nobody: alarm_emails holds the placeholder or an example address (${join(", ", local.example_emails)}). Set your on-call address in the env file (infra/envs/<env>.tfvars; for the function, function.alarm_emails in <env>.function.tfvars)."
    ] : [],
  )
}
