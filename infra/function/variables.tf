# Settings come from infra/envs/<env>.function.tfvars (scripts/tf.sh passes
# the file and the environment name).

variable "name" {
  description = "Application name; the function is <name>-<environment>."
  type        = string
  default     = "hello"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}[a-z0-9]$", var.name))
    error_message = "name must be 3-16 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (dev, prod, local, ...); scripts/tf.sh passes it."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the function."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1 or eu-west-2."
  }
}

variable "tags" {
  description = "Extra tags on every resource (Project, Environment and ManagedBy are always set)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "max_retries" {
  description = "AWS provider attempts per call (the emulator uses 3, so an unsupported call fails fast)."
  type        = number
  default     = 25
  nullable    = false

  validation {
    condition     = var.max_retries >= 0 && var.max_retries <= 50
    error_message = "max_retries must be 0-50."
  }
}

variable "package_path" {
  description = "Zip the function is created with (later code comes from scripts/deploy-function.sh). Null: build/function/bootstrap-<architecture>.zip of this checkout (make function ARCH=<architecture>)."
  type        = string
  default     = null

  validation {
    condition     = var.package_path == null ? true : endswith(var.package_path, ".zip")
    error_message = "package_path must be null or name a .zip file."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the service's own metrics: EMF lines it writes once a minute (METRICS_NAMESPACE), alarmed on and charted. Null: the name (e.g. hello); \"\": off (no custom metrics, see docs/costs.md)."
  type        = string
  default     = null

  # Checked by modules/emf-metrics (main.tf): CloudWatch's and the binary's rule, stated there once.
}

variable "function" {
  description = "The function's settings (see infra/modules/lambda-function for each)."
  type = object({
    architecture         = optional(string, "arm64")
    memory_mb            = optional(number, 256)
    timeout_seconds      = optional(number, 10)
    reserved_concurrency = optional(number, 10) # -1: no cap
    log_level            = optional(string, "info")
    environment          = optional(map(string), {})
    url_auth_type        = optional(string, "AWS_IAM")
    cors = optional(object({
      allow_origins  = list(string)
      allow_methods  = optional(list(string), ["GET", "HEAD"])
      allow_headers  = optional(list(string), [])
      expose_headers = optional(list(string), ["x-request-id"])
      max_age        = optional(number, 300)
    }))
    log_retention_days = optional(number, 30)
    kms_key_arn        = optional(string)
    alarm_emails       = optional(list(string), [])
    alarms = optional(object({
      errors              = optional(number, 0)
      throttles           = optional(number, 0)
      p99_duration_ms     = optional(number)
      period_seconds      = optional(number, 60)
      evaluation_periods  = optional(number, 5)
      datapoints_to_alarm = optional(number, 3)
      service_5xx_percent = optional(number, 5)
      service_p99_ms      = optional(number, 1000)
    }), {})
  })
  default  = {}
  nullable = false

  # The module validates every field; these fail here first: the default zip
  # path is built from the architecture, and -1 stands for the module's null.
  validation {
    condition     = var.function.reserved_concurrency == -1 || var.function.reserved_concurrency >= 1
    error_message = "function.reserved_concurrency must be -1 (no cap: the optional attribute turns null into its default) or 1 and more."
  }
  validation {
    condition     = contains(["arm64", "x86_64"], var.function.architecture)
    error_message = "function.architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the function's role: the platform's workload boundary (output workload_boundary_arn, <name>-<env>-workload-boundary) when the platform's pipeline roles exist in the account; null: none. An administrator applies this root (the infra role does not)."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN or null."
  }
}
