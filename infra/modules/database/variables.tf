variable "name" {
  description = "Identifier of the DB instance and prefix of its security, subnet and parameter groups: lower case letters, digits and hyphens, starting with a letter."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,49}$", var.name)) && !strcontains(var.name, "--") && !endswith(var.name, "-")
    error_message = "The name must be 1-50 lower case letters, digits and hyphens, start with a letter, and hold no double or trailing hyphen (RDS identifier rules)."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "vpc_id" {
  description = "ID of the VPC the database lives in."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "The vpc_id must be a VPC ID such as \"vpc-0123456789abcdef0\"."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets for the DB subnet group, at least two in different availability zones."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.private_subnet_ids) >= 2 && alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "The private_subnet_ids must hold at least two subnet IDs (\"subnet-...\") in different zones: RDS requires two."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups (the service tasks') allowed to connect on the PostgreSQL port; nothing else can."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.allowed_security_group_ids) > 0 && alltrue([for s in var.allowed_security_group_ids : can(regex("^sg-[0-9a-f]+$", s))])
    error_message = "The allowed_security_group_ids must hold at least one security group ID (\"sg-...\")."
  }
}

variable "port" {
  description = "Port PostgreSQL listens on."
  type        = number
  default     = 5432
  nullable    = false

  validation {
    condition     = var.port >= 1150 && var.port <= 65535 && floor(var.port) == var.port
    error_message = "The port must be a whole number from 1150 to 65535 (RDS limits)."
  }
}

variable "engine_version" {
  description = "PostgreSQL version: a major (\"16\", AWS picks the newest minor and auto_minor_version_upgrade keeps it current) or major.minor (\"16.4\")."
  type        = string
  default     = "16"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]{2}(\\.[0-9]+)?$", var.engine_version)) && tonumber(split(".", var.engine_version)[0]) >= 13
    error_message = "The engine_version must be a PostgreSQL major of 13 or newer, optionally with a minor, such as \"16\" or \"16.4\"."
  }
}

variable "instance_class" {
  description = "DB instance class (Graviton burstable db.t4g.micro is the cheapest that runs PostgreSQL 16)."
  type        = string
  default     = "db.t4g.micro"
  nullable    = false

  validation {
    condition     = can(regex("^db\\.[a-z0-9-]+\\.[a-z0-9]+$", var.instance_class))
    error_message = "The instance_class must look like \"db.t4g.micro\" or \"db.m7g.large\"."
  }
}

variable "allocated_storage" {
  description = "Initial gp3 storage in GiB."
  type        = number
  default     = 20
  nullable    = false

  validation {
    condition     = var.allocated_storage >= 20 && var.allocated_storage <= 65536 && floor(var.allocated_storage) == var.allocated_storage
    error_message = "The allocated_storage must be a whole number of GiB from 20 to 65536."
  }
}

variable "max_allocated_storage" {
  description = "Ceiling in GiB for storage autoscaling; 0 turns autoscaling off. Must be 0 or at least allocated_storage."
  type        = number
  default     = 100
  nullable    = false

  validation {
    condition     = var.max_allocated_storage >= 0 && var.max_allocated_storage <= 65536 && floor(var.max_allocated_storage) == var.max_allocated_storage
    error_message = "The max_allocated_storage must be a whole number of GiB from 0 (off) to 65536."
  }
}

variable "db_name" {
  description = "Name of the database created on the instance."
  type        = string
  default     = "app"
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.db_name)) && !contains(["postgres", "template0", "template1", "rdsadmin"], lower(var.db_name))
    error_message = "The db_name must be 1-63 letters, digits and underscores starting with a letter, and not a reserved name (postgres, template0, template1, rdsadmin)."
  }
}

variable "master_username" {
  description = "Master user name; its password is generated and kept in Secrets Manager by RDS."
  type        = string
  default     = "dbadmin"
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.master_username)) && !contains(["rdsadmin", "rdsrepladmin", "rds_superuser", "public"], lower(var.master_username))
    error_message = "The master_username must be 1-63 letters, digits and underscores starting with a letter, and not reserved (rdsadmin, rdsrepladmin, rds_superuser, public)."
  }
}

variable "multi_az" {
  description = "Keep a synchronous standby in a second zone (automatic failover; doubles the instance cost)."
  type        = bool
  default     = false
  nullable    = false
}

variable "backup_retention_days" {
  description = "Days automated backups (and point-in-time recovery) are kept."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35 && floor(var.backup_retention_days) == var.backup_retention_days
    error_message = "The backup_retention_days must be a whole number from 1 to 35: backups cannot be turned off."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance. Secure default true; set false in dev and emulator stacks that are destroyed."
  type        = bool
  default     = true
  nullable    = false
}

variable "skip_final_snapshot" {
  description = "Delete without a final snapshot. Default false keeps a snapshot named final_snapshot_identifier; set true only for throwaway stacks."
  type        = bool
  default     = false
  nullable    = false
}

variable "final_snapshot_identifier" {
  description = "Name of the final snapshot taken on delete; null uses \"<name>-final\"."
  type        = string
  default     = null

  validation {
    condition     = var.final_snapshot_identifier == null || can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,254}$", var.final_snapshot_identifier))
    error_message = "The final_snapshot_identifier must start with a letter and hold only letters, digits and hyphens."
  }
}

variable "kms_key_arn" {
  description = "KMS key ARN for storage encryption (and Performance Insights); null uses the AWS managed aws/rds key. Storage is always encrypted."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "The kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "master_user_secret_kms_key_arn" {
  description = "KMS key ARN for the Secrets Manager secret holding the master password; null uses aws/secretsmanager."
  type        = string
  default     = null

  validation {
    condition     = var.master_user_secret_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.master_user_secret_kms_key_arn))
    error_message = "The master_user_secret_kms_key_arn must be a KMS key ARN or null."
  }
}

variable "iam_database_authentication" {
  description = "Allow IAM database authentication (short-lived tokens instead of passwords)."
  type        = bool
  default     = true
  nullable    = false
}

variable "auto_minor_version_upgrade" {
  description = "Apply minor PostgreSQL upgrades in the maintenance window."
  type        = bool
  default     = true
  nullable    = false
}

variable "apply_immediately" {
  description = "Apply changes now instead of in the next maintenance window."
  type        = bool
  default     = false
  nullable    = false
}

variable "enable_performance_insights" {
  description = "Turn on Performance Insights (7 days of retention are free)."
  type        = bool
  default     = false
  nullable    = false
}

variable "performance_insights_retention_days" {
  description = "Performance Insights retention: 7 (free), or a multiple of 31 up to 731."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.performance_insights_retention_days == 7 || (var.performance_insights_retention_days % 31 == 0 && var.performance_insights_retention_days >= 31 && var.performance_insights_retention_days <= 731)
    error_message = "The performance_insights_retention_days must be 7, or a multiple of 31 from 31 to 731."
  }
}

variable "monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds; 0 turns it off (a monitoring IAM role is created when on)."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "The monitoring_interval must be one of 0 (off), 1, 5, 10, 15, 30 or 60 seconds."
  }
}

variable "cloudwatch_logs_exports" {
  description = "PostgreSQL logs to publish to CloudWatch Logs."
  type        = list(string)
  default     = ["postgresql", "upgrade"]
  nullable    = false

  validation {
    condition     = alltrue([for l in var.cloudwatch_logs_exports : contains(["postgresql", "upgrade", "iam-db-auth-error"], l)])
    error_message = "The cloudwatch_logs_exports entries must be \"postgresql\", \"upgrade\" or \"iam-db-auth-error\"."
  }
}

variable "parameters" {
  description = "Extra parameters for the DB parameter group (rds.force_ssl = 1 is always set)."
  type = list(object({
    name         = string
    value        = string
    apply_method = optional(string, "pending-reboot")
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for p in var.parameters : p.name != "rds.force_ssl" && contains(["immediate", "pending-reboot"], p.apply_method)])
    error_message = "The parameters must not override rds.force_ssl (TLS is always required), and apply_method must be \"immediate\" or \"pending-reboot\"."
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
