####  Identity  ####

variable "name" {
  description = "Function name (e.g. hello-dev); also names its role, log group /aws/lambda/<name>, alarms and topic."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen (derived names must fit AWS's 64-character limits)."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

####  Code and runtime  ####

variable "package_path" {
  description = "Zip holding the `bootstrap` executable (make function). Read only when the function is created: later code changes are deploys (scripts/deploy-function.sh), which Terraform ignores."
  type        = string
  nullable    = false

  validation {
    condition     = endswith(var.package_path, ".zip")
    error_message = "package_path must name a .zip file (make function builds build/function/bootstrap-<arch>.zip)."
  }
}

variable "architecture" {
  description = "Instruction set: arm64 (Graviton, about 20 % cheaper per GB-second) or x86_64. Must match the binary in the zip."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "memory_mb" {
  description = "Memory in MB (CPU is allotted in proportion). The service needs a few MB; 128-256 is plenty."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240 && floor(var.memory_mb) == var.memory_mb
    error_message = "memory_mb must be a whole number from 128 to 10240."
  }
}

variable "timeout_seconds" {
  description = "Longest an invocation may run (Lambda's limit is 900 s; function URLs stop waiting after 900 s)."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900 && floor(var.timeout_seconds) == var.timeout_seconds
    error_message = "timeout_seconds must be a whole number from 1 to 900."
  }
}

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for (and capping) the function: the cost guard against a flood of requests. Null: no cap (an account whose concurrency limit is 10, as new accounts have, cannot reserve any: AWS keeps 10 unreserved)."
  type        = number
  default     = 10

  validation {
    condition     = var.reserved_concurrency == null ? true : (var.reserved_concurrency >= 1 && var.reserved_concurrency <= 10000 && floor(var.reserved_concurrency) == var.reserved_concurrency)
    error_message = "reserved_concurrency must be null or a whole number from 1 to 10000 (0 would stop the function)."
  }
}

variable "log_level" {
  description = "LOG_LEVEL of the service."
  type        = string
  default     = "info"
  nullable    = false

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be one of debug, info, warn, error."
  }
}

variable "environment" {
  description = "Extra environment variables of the service (LOG_LEVEL is set from log_level)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.environment) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", k)) && !startswith(upper(k), "AWS_") && upper(k) != "LOG_LEVEL"])
    error_message = "environment keys must be letters, digits and _, starting with a letter; AWS_* are Lambda's own and LOG_LEVEL comes from log_level."
  }
}

variable "service_metrics" {
  description = "CloudWatch EMF metrics from the service (its METRICS_NAMESPACE, METRICS_SERVICE, METRICS_ENVIRONMENT; app/src/emf.hpp), and alarms on its own 5xx rate and p99 (alarms.service_*). Null: off."
  type = object({
    namespace   = string
    service     = string
    environment = string
  })
  default = null
  # Checked by modules/emf-metrics (through module.service_alarms): CloudWatch's and the binary's rule, stated there once.
}

####  Function URL  ####

variable "url_auth_type" {
  description = "Function URL authorization: AWS_IAM (callers sign with SigV4; the secure default) or NONE (a public endpoint, like the ALB; no WAF can attach to it)."
  type        = string
  default     = "AWS_IAM"
  nullable    = false

  validation {
    condition     = contains(["AWS_IAM", "NONE"], var.url_auth_type)
    error_message = "url_auth_type must be \"AWS_IAM\" or \"NONE\"."
  }
}

variable "cors" {
  description = "CORS of the function URL; null (the default) sends no CORS headers, so browsers on other origins cannot read the responses."
  type = object({
    allow_origins  = list(string)
    allow_methods  = optional(list(string), ["GET", "HEAD"])
    allow_headers  = optional(list(string), [])
    expose_headers = optional(list(string), ["x-request-id"])
    max_age        = optional(number, 300)
  })
  default = null

  validation {
    condition     = var.cors == null ? true : (length(var.cors.allow_origins) > 0 && alltrue([for o in var.cors.allow_origins : o == "*" || can(regex("^https?://[^/*\\s]+$", o))]))
    error_message = "cors.allow_origins must list \"*\" or origins such as https://example.com (scheme and host, no path)."
  }
  validation {
    condition     = var.cors == null ? true : alltrue([for m in var.cors.allow_methods : contains(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"], m)])
    error_message = "cors.allow_methods must be HTTP methods (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS) or \"*\"."
  }
  validation {
    condition     = var.cors == null ? true : (var.cors.max_age >= 0 && var.cors.max_age <= 86400)
    error_message = "cors.max_age must be 0-86400 seconds."
  }
}

####  Logs and alarms  ####

variable "log_retention_days" {
  description = "Retention of the log group /aws/lambda/<name>, in days."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the log group and the alarm topic (its policy must allow logs.<region>.amazonaws.com and cloudwatch.amazonaws.com). Null: the module creates one, with rotation."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be e-mail addresses."
  }
}

variable "require_alarm_recipient" {
  description = "Stop the plan unless the alarms reach someone: at least one alarm_emails address, none of them the placeholder or an example address (production; modules/alarm-recipients)."
  type        = bool
  default     = false
  nullable    = false
}

variable "alarms" {
  description = "Alarm thresholds: errors (invocations that failed, per period), throttles (per period; the reserved concurrency was reached), p99 duration in ms (null: 80 % of the timeout); with service_metrics, the service's own 5xx rate (percent of requests) and p99 latency (ms); period and evaluation in 60-second periods."
  type = object({
    errors              = optional(number, 0)
    throttles           = optional(number, 0)
    p99_duration_ms     = optional(number)
    period_seconds      = optional(number, 60)
    evaluation_periods  = optional(number, 5)
    datapoints_to_alarm = optional(number, 3)
    service_5xx_percent = optional(number, 5)
    service_p99_ms      = optional(number, 1000)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.alarms.service_5xx_percent > 0 && var.alarms.service_5xx_percent <= 100 && var.alarms.service_p99_ms > 0
    error_message = "alarms.service_5xx_percent must be in (0, 100] and alarms.service_p99_ms above 0."
  }
  validation {
    condition     = var.alarms.errors >= 0 && var.alarms.throttles >= 0
    error_message = "alarms.errors and alarms.throttles must be 0 or more."
  }
  validation {
    condition     = var.alarms.p99_duration_ms == null ? true : (var.alarms.p99_duration_ms > 0 && var.alarms.p99_duration_ms <= 900000)
    error_message = "alarms.p99_duration_ms must be null or 1-900000 ms."
  }
  validation {
    condition     = var.alarms.period_seconds >= 60 && var.alarms.period_seconds % 60 == 0
    error_message = "alarms.period_seconds must be a multiple of 60 (Lambda publishes metrics per minute)."
  }
  validation {
    condition     = var.alarms.evaluation_periods >= 1 && var.alarms.datapoints_to_alarm >= 1 && var.alarms.datapoints_to_alarm <= var.alarms.evaluation_periods
    error_message = "alarms need 1 <= datapoints_to_alarm <= evaluation_periods."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the IAM role(s) this module creates (the environment's workload boundary, modules/github-oidc); null: none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN or null."
  }
}
