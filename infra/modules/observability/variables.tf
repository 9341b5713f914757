variable "name" {
  description = "Name prefix of the alarms, topic and dashboard (e.g. hello-dev)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "cluster_name" {
  description = "ECS cluster of the service."
  type        = string
}

variable "service_name" {
  description = "ECS service to watch (it may not exist yet: alarms on missing data stay OK)."
  type        = string
}

variable "enable_load_balancer_alarms" {
  description = "Alarm on (and chart) the ALB and target group metrics."
  type        = bool
  default     = true
  nullable    = false
}

variable "alb_arn_suffix" {
  description = "ALB ARN suffix (app/<name>/<id>), the LoadBalancer dimension."
  type        = string
  default     = null
}

variable "target_group_arn_suffix" {
  description = "Target group ARN suffix (targetgroup/<name>/<id>), the TargetGroup dimension."
  type        = string
  default     = null
}

variable "thresholds" {
  description = "Alarm thresholds."
  type = object({
    error_rate_percent  = optional(number, 5)
    p99_latency_seconds = optional(number, 1)
    cpu_percent         = optional(number, 80)
    memory_percent      = optional(number, 80)
    evaluation_periods  = optional(number, 5)
    datapoints_to_alarm = optional(number, 3)
    period_seconds      = optional(number, 60)
  })
  default  = {}
  nullable = false

  validation {
    condition = (var.thresholds.error_rate_percent > 0 && var.thresholds.error_rate_percent <= 100 && var.thresholds.p99_latency_seconds > 0 &&
      var.thresholds.cpu_percent > 0 && var.thresholds.cpu_percent <= 100 && var.thresholds.memory_percent > 0 && var.thresholds.memory_percent <= 100 &&
      var.thresholds.datapoints_to_alarm >= 1 && var.thresholds.datapoints_to_alarm <= var.thresholds.evaluation_periods &&
    contains([10, 30, 60, 300, 900, 3600], var.thresholds.period_seconds))
    error_message = "thresholds: percentages in (0, 100], p99_latency_seconds > 0, 1 <= datapoints_to_alarm <= evaluation_periods, period_seconds one of 10, 30, 60, 300, 900, 3600."
  }
}

variable "create_sns_topic" {
  description = "Create an encrypted SNS topic that receives every alarm and OK transition."
  type        = bool
  default     = true
  nullable    = false
}

variable "sns_kms_key_arn" {
  description = "Customer-managed KMS key of the topic. Null creates one (CloudWatch cannot publish to a topic encrypted with the AWS-managed alias/aws/sns key)."
  type        = string
  default     = null

  validation {
    condition     = var.sns_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.sns_kms_key_arn))
    error_message = "sns_kms_key_arn must be a KMS key ARN or null."
  }
}

variable "alarm_emails" {
  description = "Email addresses subscribed to the topic (each must confirm the subscription)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be email addresses."
  }
}

variable "require_alarm_recipient" {
  description = "Stop the plan unless the alarms reach someone: at least one alarm_emails address or alarm_actions ARN (production)."
  type        = bool
  default     = false
  nullable    = false
}

variable "alarm_actions" {
  description = "Extra ARNs (SNS topics, ...) notified on ALARM and OK, besides the created topic."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.alarm_actions : can(regex("^arn:aws[a-z-]*:", a))])
    error_message = "alarm_actions must be ARNs."
  }
}

variable "service_metrics" {
  description = "The service's own EMF metrics (its METRICS_NAMESPACE, METRICS_SERVICE, METRICS_ENVIRONMENT): alarms on its 5xx rate and p99 (the p99 replacing the ALB's) and dashboard widgets. Null: none (the service writes no EMF)."
  type = object({
    namespace   = string
    service     = string
    environment = string
  })
  default = null
}

variable "enable_dashboard" {
  description = "Create a CloudWatch dashboard of requests, latency, errors, hosts, CPU, memory and tasks."
  type        = bool
  default     = true
  nullable    = false
}
