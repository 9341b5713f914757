variable "metrics" {
  description = "The service's EMF settings: CloudWatch namespace (METRICS_NAMESPACE) and the Service and Environment dimension values (METRICS_SERVICE, METRICS_ENVIRONMENT). Null: the service writes no metrics."
  type = object({
    namespace   = string
    service     = string
    environment = string
  })
  default = null

  # CloudWatch (PutMetricData, the namespace concepts): 1-255 ASCII of these
  # characters, at least one not a space, the pattern [^:].* (no leading
  # colon), AWS/ reserved. app/src/emf.cpp applies the same rule;
  # app/tests/unit/emf_names.json is the table both are tested against.
  validation {
    condition = var.metrics == null ? true : (
      can(regex("^[A-Za-z0-9._/#: -]{1,255}$", var.metrics.namespace)) && trimspace(var.metrics.namespace) != "" &&
      !startswith(var.metrics.namespace, "AWS/") && !startswith(var.metrics.namespace, ":")
    )
    error_message = "The metrics namespace (metrics_namespace in infra/envs/<env>.tfvars or <env>.function.tfvars; the service's METRICS_NAMESPACE) must be 1-255 characters of A-Z a-z 0-9 . - _ / # : and space, not only spaces, not starting with AWS/ or a colon."
  }
  # Dimension values may be 1-1024 ASCII characters; the binary allows these
  # (no spaces or quotes, so they read the same in logs and metric math).
  validation {
    condition     = var.metrics == null ? true : alltrue([for v in [var.metrics.service, var.metrics.environment] : can(regex("^[A-Za-z0-9._/:-]{1,255}$", v))])
    error_message = "The metrics Service and Environment values (METRICS_SERVICE, METRICS_ENVIRONMENT: the name and environment) must be 1-255 characters of A-Z a-z 0-9 . - _ / :."
  }
}
