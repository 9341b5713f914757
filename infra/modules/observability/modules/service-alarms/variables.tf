variable "name" {
  description = "Prefix of the alarm names (e.g. hello-dev, or hello-dev-function)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,60}[a-z0-9]$", var.name))
    error_message = "name must be 3-62 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags applied to every alarm."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "metrics" {
  description = "Where the service writes its EMF metrics: the CloudWatch namespace and the Service and Environment dimension values it is given (METRICS_NAMESPACE, METRICS_SERVICE, METRICS_ENVIRONMENT)."
  type = object({
    namespace   = string
    service     = string
    environment = string
  })
  nullable = false
  # Checked by ../../../emf-metrics (main.tf): CloudWatch's and the binary's rule.
}

variable "thresholds" {
  description = "Alarm when more than error_rate_percent of requests are answered 5xx, or the p99 latency is above p99_latency_ms, in datapoints_to_alarm of evaluation_periods periods of period_seconds."
  type = object({
    error_rate_percent  = optional(number, 5)
    p99_latency_ms      = optional(number, 1000)
    period_seconds      = optional(number, 60)
    evaluation_periods  = optional(number, 5)
    datapoints_to_alarm = optional(number, 3)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.thresholds.error_rate_percent > 0 && var.thresholds.error_rate_percent <= 100 && var.thresholds.p99_latency_ms > 0
    error_message = "thresholds: error_rate_percent in (0, 100], p99_latency_ms > 0."
  }
  validation {
    # The service flushes once a minute: a shorter period would read empty minutes as no traffic.
    condition     = var.thresholds.period_seconds >= 60 && var.thresholds.period_seconds % 60 == 0
    error_message = "thresholds.period_seconds must be a multiple of 60 (the service writes its metrics once a minute)."
  }
  validation {
    condition     = var.thresholds.evaluation_periods >= 1 && var.thresholds.datapoints_to_alarm >= 1 && var.thresholds.datapoints_to_alarm <= var.thresholds.evaluation_periods
    error_message = "thresholds need 1 <= datapoints_to_alarm <= evaluation_periods."
  }
}

variable "alarm_actions" {
  description = "ARNs notified on ALARM and OK (SNS topics)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.alarm_actions : can(regex("^arn:aws[a-z-]*:", a))])
    error_message = "alarm_actions must be ARNs."
  }
}
