variable "name" {
  description = "Name of the web ACL (also its metric prefix and the aws-waf-logs-<name> log group)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,115}$", var.name))
    error_message = "The name must be 1-115 letters, digits, hyphens or underscores (WAF naming rules, leaving room for the aws-waf-logs- prefix)."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "alb_arn" {
  description = "ARN of the Application Load Balancer to protect."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/.+$", var.alb_arn))
    error_message = "The alb_arn must be an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>)."
  }
}

variable "rate_limit_per_5min" {
  description = "Requests one client IP may send in a 5-minute window before it is blocked."
  type        = number
  default     = 2000
  nullable    = false

  validation {
    condition     = var.rate_limit_per_5min >= 100 && var.rate_limit_per_5min <= 2000000000 && floor(var.rate_limit_per_5min) == var.rate_limit_per_5min
    error_message = "The rate_limit_per_5min must be a whole number from 100 to 2000000000 (the WAF limits)."
  }
}

variable "extra_managed_rule_groups" {
  description = "More AWS managed rule groups (vendor AWS) to add after the common and known-bad-inputs sets, for example [\"AWSManagedRulesAmazonIpReputationList\"]."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for g in var.extra_managed_rule_groups : can(regex("^AWSManagedRules[A-Za-z0-9]+$", g))])
    error_message = "Each extra_managed_rule_groups entry must be an AWS managed rule group name such as \"AWSManagedRulesAmazonIpReputationList\"."
  }

  validation {
    condition     = length(setintersection(var.extra_managed_rule_groups, ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"])) == 0 && length(distinct(var.extra_managed_rule_groups)) == length(var.extra_managed_rule_groups)
    error_message = "The extra_managed_rule_groups must be unique and must not repeat AWSManagedRulesCommonRuleSet or AWSManagedRulesKnownBadInputsRuleSet (always on)."
  }
}

variable "common_rule_set_count_only" {
  description = "Rules of AWSManagedRulesCommonRuleSet to switch to count mode (for example \"SizeRestrictions_BODY\" for larger uploads) instead of blocking."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.common_rule_set_count_only : can(regex("^[A-Za-z0-9_]+$", r))])
    error_message = "Each common_rule_set_count_only entry must be a rule name such as \"SizeRestrictions_BODY\"."
  }
}

variable "enable_logging" {
  description = "Log requests to the CloudWatch Logs group aws-waf-logs-<name> (authorization and cookie headers redacted)."
  type        = bool
  default     = false
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the WAF log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be one CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key ARN to encrypt the WAF log group; null uses CloudWatch Logs' default encryption."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.log_kms_key_arn))
    error_message = "The log_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}
