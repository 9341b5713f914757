variable "name" {
  description = "Name prefix (the group is <name>-tasks-<unique suffix>, tagged Name = <name>-tasks)."
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

variable "vpc_id" {
  description = "VPC of the security group."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123abcd."
  }
}

variable "container_port" {
  description = "Port the tasks listen on."
  type        = number
  default     = 5000
  nullable    = false

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be an integer 1024-65535."
  }
}

variable "metrics_port" {
  description = "Port of the tasks' /metrics listener (METRICS_PORT)."
  type        = number
  default     = 9090
  nullable    = false

  validation {
    condition     = var.metrics_port >= 1024 && var.metrics_port <= 65535 && floor(var.metrics_port) == var.metrics_port && var.metrics_port != var.container_port
    error_message = "metrics_port must be an integer 1024-65535, other than container_port."
  }
}

variable "metrics_cidr_blocks" {
  description = "CIDR blocks allowed to reach the metrics port: the VPC's CIDR, for a scraper inside it. Empty: none. Never the internet."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for c in var.metrics_cidr_blocks : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "metrics_cidr_blocks must be CIDR blocks, never 0.0.0.0/0."
  }
}

variable "allow_from_alb" {
  description = "Allow the load balancer's security group to reach the container port (a plan-time flag, so the group id may be unknown until apply)."
  type        = bool
  default     = true
  nullable    = false
}

variable "alb_security_group_id" {
  description = "Security group of the ALB (required when allow_from_alb; the provider rejects the rule without it)."
  type        = string
  default     = null
}

variable "ingress_cidr_blocks" {
  description = "CIDR blocks also allowed to reach the container port, for use without a load balancer (e.g. the VPC's CIDR for internal clients). Empty: none."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for c in var.ingress_cidr_blocks : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "ingress_cidr_blocks must be valid CIDR blocks, and never 0.0.0.0/0."
  }
}

variable "allow_to_database" {
  description = "Allow connections to the database's security group (a plan-time flag)."
  type        = bool
  default     = false
  nullable    = false
}

variable "database_security_group_id" {
  description = "Security group of the database (required when allow_to_database)."
  type        = string
  default     = null
}

variable "database_port" {
  description = "Port of the database."
  type        = number
  default     = 5432
  nullable    = false

  validation {
    condition     = var.database_port >= 1 && var.database_port <= 65535
    error_message = "database_port must be 1-65535."
  }
}
