variable "name" {
  description = "Name prefix of every resource (e.g. hello-dev)."
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

variable "container_insights" {
  description = "Container Insights on the cluster: \"enabled\", \"enhanced\" or \"disabled\"."
  type        = string
  default     = "enabled"
  nullable    = false

  validation {
    condition     = contains(["enabled", "enhanced", "disabled"], var.container_insights)
    error_message = "container_insights must be \"enabled\", \"enhanced\" or \"disabled\"."
  }
}

variable "default_capacity_provider_strategy" {
  description = "Default capacity provider strategy of the cluster. FARGATE_SPOT is cheaper but can be interrupted."
  type = list(object({
    capacity_provider = string
    weight            = optional(number, 1)
    base              = optional(number, 0)
  }))
  default  = [{ capacity_provider = "FARGATE", weight = 1, base = 1 }]
  nullable = false

  validation {
    condition     = length(var.default_capacity_provider_strategy) > 0 && alltrue([for s in var.default_capacity_provider_strategy : contains(["FARGATE", "FARGATE_SPOT"], s.capacity_provider) && s.weight >= 0 && s.weight <= 1000 && s.base >= 0 && s.base <= 100000])
    error_message = "default_capacity_provider_strategy needs at least one entry; capacity_provider must be FARGATE or FARGATE_SPOT, weight 0-1000, base 0-100000."
  }
}

variable "log_retention_days" {
  description = "Retention of the container log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key ARN that encrypts the log group (its key policy must allow logs.<region>.amazonaws.com); null uses CloudWatch's default encryption."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "ecr_repository_arn" {
  description = "ARN of the ECR repository the tasks pull from; the execution role can pull from exactly this one."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/.+", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN (arn:aws:ecr:<region>:<account>:repository/<name>)."
  }
}

variable "secret_arns" {
  description = "Secrets Manager secret ARNs the execution role may read to inject as container secrets (e.g. the database master secret). Empty: no secrets permission at all."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.secret_arns : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+", a))])
    error_message = "every secret_arns entry must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)."
  }
}

variable "secrets_kms_key_arns" {
  description = "Customer-managed KMS keys that encrypt those secrets (kms:Decrypt is granted on exactly these); empty when they use the AWS-managed key."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.secrets_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", a))])
    error_message = "every secrets_kms_key_arns entry must be a KMS key ARN."
  }
}

variable "task_role_policy_json" {
  description = "Optional IAM policy (JSON) for what the application itself may call. Null: the task role has no permissions."
  type        = string
  default     = null

  validation {
    condition     = var.task_role_policy_json == null || can(jsondecode(var.task_role_policy_json).Statement)
    error_message = "task_role_policy_json must be an IAM policy document in JSON (with a Statement) or null."
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
