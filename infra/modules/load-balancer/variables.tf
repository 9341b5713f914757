variable "name" {
  description = "Name of the ALB and its target group: 1-32 letters, digits and hyphens, not starting or ending with a hyphen."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9]([a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$", var.name)) && !startswith(lower(var.name), "internal-")
    error_message = "The name must be 1-32 letters, digits and hyphens, must not start or end with a hyphen, and must not start with \"internal-\" (ELB naming rules)."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "vpc_id" {
  description = "ID of the VPC the ALB and target group live in."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "The vpc_id must be a VPC ID such as \"vpc-0123456789abcdef0\"."
  }
}

variable "vpc_cidr_block" {
  description = "IPv4 CIDR of the VPC: the only destination the ALB may send to (on container_port)."
  type        = string
  nullable    = false

  validation {
    condition     = can(cidrhost(var.vpc_cidr_block, 0)) && can(regex("^[0-9.]+/[0-9]+$", var.vpc_cidr_block))
    error_message = "The vpc_cidr_block must be an IPv4 CIDR such as \"10.0.0.0/16\"."
  }
}

variable "public_subnet_ids" {
  description = "Public subnets for the ALB, at least two in different availability zones."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.public_subnet_ids) >= 2 && alltrue([for s in var.public_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "The public_subnet_ids must hold at least two subnet IDs (\"subnet-...\") in different zones: an ALB needs two."
  }
}

variable "container_port" {
  description = "Port the tasks listen on; the target group forwards to it."
  type        = number
  default     = 5000
  nullable    = false

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "The container_port must be a whole number from 1 to 65535."
  }
}

variable "health_check_path" {
  description = "HTTP path the target group probes on each task: the service's readiness endpoint, which answers 503 from the moment a drain starts so the ALB stops routing to a task that is shutting down."
  type        = string
  default     = "/readyz"
  nullable    = false

  validation {
    condition     = can(regex("^/[!-~]*$", var.health_check_path)) && length(var.health_check_path) <= 1024
    error_message = "The health_check_path must start with \"/\", hold no spaces and be at most 1024 characters."
  }
}

variable "health_check" {
  description = "Target group health check timing: seconds between checks, timeout, checks to turn healthy/unhealthy, and the success codes."
  type = object({
    interval            = optional(number, 15)
    timeout             = optional(number, 5)
    healthy_threshold   = optional(number, 2)
    unhealthy_threshold = optional(number, 3)
    matcher             = optional(string, "200")
  })
  default  = {}
  nullable = false

  validation {
    condition = (
      var.health_check.interval >= 5 && var.health_check.interval <= 300 &&
      var.health_check.timeout >= 2 && var.health_check.timeout <= 120 &&
      var.health_check.timeout < var.health_check.interval &&
      var.health_check.healthy_threshold >= 2 && var.health_check.healthy_threshold <= 10 &&
      var.health_check.unhealthy_threshold >= 2 && var.health_check.unhealthy_threshold <= 10
    )
    error_message = "The health_check needs interval 5-300 s, timeout 2-120 s and below the interval, and thresholds 2-10."
  }

  validation {
    condition     = can(regex("^[0-9]{3}((-|,)[0-9]{3})*$", var.health_check.matcher))
    error_message = "The health_check.matcher must be HTTP codes such as \"200\", \"200,204\" or \"200-299\"."
  }
}

variable "deregistration_delay_seconds" {
  description = "Seconds the ALB keeps draining a deregistered task; keep it above the service's drain time and below ECS's stopTimeout."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.deregistration_delay_seconds >= 0 && var.deregistration_delay_seconds <= 3600 && floor(var.deregistration_delay_seconds) == var.deregistration_delay_seconds
    error_message = "The deregistration_delay_seconds must be a whole number from 0 to 3600."
  }
}

variable "idle_timeout" {
  description = "Seconds an idle client connection stays open; keep it below the service's keep-alive idle timeout."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.idle_timeout >= 1 && var.idle_timeout <= 4000 && floor(var.idle_timeout) == var.idle_timeout
    error_message = "The idle_timeout must be a whole number of seconds from 1 to 4000."
  }
}

variable "enable_https" {
  description = "Serve HTTPS on 443 with certificate_arn and redirect HTTP to HTTPS; false serves plain HTTP on 80."
  type        = bool
  default     = false
  nullable    = false
}

variable "certificate_arn" {
  description = "ACM certificate ARN for the HTTPS listener; required when enable_https is true."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-zA-Z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "The certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>) or null."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener; only TLS 1.3 policies (ELBSecurityPolicy-TLS13-*) are accepted."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  nullable    = false

  validation {
    condition     = startswith(var.ssl_policy, "ELBSecurityPolicy-TLS13-")
    error_message = "The ssl_policy must be a TLS 1.3 policy whose name starts with \"ELBSecurityPolicy-TLS13-\", for example \"ELBSecurityPolicy-TLS13-1-2-2021-06\"."
  }
}

variable "ingress_cidr_blocks" {
  description = "IPv4 CIDRs allowed to reach the ALB on 80 (and 443 with HTTPS)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
  nullable    = false

  validation {
    condition     = length(var.ingress_cidr_blocks) > 0 && alltrue([for c in var.ingress_cidr_blocks : can(cidrhost(c, 0)) && can(regex("^[0-9.]+/[0-9]+$", c))])
    error_message = "The ingress_cidr_blocks must be a non-empty list of IPv4 CIDRs such as \"0.0.0.0/0\" or \"203.0.113.0/24\"."
  }
}

variable "enable_deletion_protection" {
  description = "Refuse to delete the ALB (set true in prod; false lets dev stacks be destroyed)."
  type        = bool
  default     = false
  nullable    = false
}

variable "enable_access_logs" {
  description = "Write ALB access logs to a dedicated S3 bucket (SSE-S3, public access blocked, TLS-only, expiring)."
  type        = bool
  default     = false
  nullable    = false
}

variable "access_logs_bucket_name" {
  description = "Name of the access log bucket; null derives a unique name from the ALB name."
  type        = string
  default     = null

  validation {
    condition     = var.access_logs_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_logs_bucket_name))
    error_message = "The access_logs_bucket_name must be 3-63 lower case letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "access_logs_retention_days" {
  description = "Days after which access log objects expire."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.access_logs_retention_days >= 1 && floor(var.access_logs_retention_days) == var.access_logs_retention_days
    error_message = "The access_logs_retention_days must be a whole number of days, at least 1."
  }
}

variable "access_logs_force_destroy" {
  description = "Let destroy delete the access log bucket with its objects (dev and emulator only)."
  type        = bool
  default     = false
  nullable    = false
}

variable "access_logs_enforce_tls" {
  description = "Deny non-TLS requests to the access log bucket. Keep true on AWS; the local emulator applies Deny statements without their conditions."
  type        = bool
  default     = true
  nullable    = false
}
