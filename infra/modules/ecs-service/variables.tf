####  Identity  ####

variable "name" {
  description = "Name of the service, task definition family and security group (e.g. hello-dev)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags applied to every resource (and propagated to tasks)."
  type        = map(string)
  default     = {}
  nullable    = false
}

####  Where it runs  ####

variable "cluster_name" {
  description = "Name of the ECS cluster (ecs-cluster module output)."
  type        = string
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/.+", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN."
  }
}

variable "security_group_ids" {
  description = "Security groups of the tasks (the tasks-security-group sub-module makes the right one)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1
    error_message = "security_group_ids needs at least one security group."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets the tasks run in (no public IPs are ever assigned)."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 1
    error_message = "private_subnet_ids needs at least one subnet (two or more for high availability)."
  }
}

variable "capacity_provider_strategy" {
  description = "Capacity providers of the service (FARGATE and/or FARGATE_SPOT with weights and base)."
  type = list(object({
    capacity_provider = string
    weight            = optional(number, 1)
    base              = optional(number, 0)
  }))
  default  = [{ capacity_provider = "FARGATE", weight = 1, base = 0 }]
  nullable = false

  validation {
    condition     = length(var.capacity_provider_strategy) > 0 && alltrue([for s in var.capacity_provider_strategy : contains(["FARGATE", "FARGATE_SPOT"], s.capacity_provider) && s.weight >= 0 && s.weight <= 1000 && s.base >= 0 && s.base <= 100000])
    error_message = "capacity_provider_strategy needs at least one entry; capacity_provider must be FARGATE or FARGATE_SPOT, weight 0-1000, base 0-100000."
  }
}

####  Task  ####

variable "image" {
  description = "Container image reference (repository URL and tag, or digest)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$", var.image))
    error_message = "image must be <registry>/<repository>:<tag> or <registry>/<repository>@sha256:<digest>."
  }
}

variable "container_name" {
  description = "Name of the container in the task definition."
  type        = string
  default     = "app"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$", var.container_name))
    error_message = "container_name must be letters, digits, hyphens and underscores."
  }
}

variable "container_port" {
  description = "Port the server listens on (its PORT)."
  type        = number
  default     = 5000
  nullable    = false

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be an integer 1024-65535 (the container runs as a non-root user)."
  }
}

variable "metrics_port" {
  description = "Port of the server's /metrics listener (its METRICS_PORT): reachable inside the VPC only (the tasks security group), never registered with the load balancer."
  type        = number
  default     = 9090
  nullable    = false

  validation {
    condition     = var.metrics_port >= 1024 && var.metrics_port <= 65535 && floor(var.metrics_port) == var.metrics_port && var.metrics_port != var.container_port
    error_message = "metrics_port must be an integer 1024-65535, other than container_port."
  }
}

variable "cpu" {
  description = "Task CPU units (256 = 0.25 vCPU)."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be a Fargate size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Task memory in MiB; must be valid for the cpu (Fargate's table)."
  type        = number
  default     = 512
  nullable    = false
}

variable "cpu_architecture" {
  description = "CPU architecture of the task: ARM64 (Graviton, cheaper) or X86_64. The image must be built for it."
  type        = string
  default     = "ARM64"
  nullable    = false

  validation {
    condition     = contains(["ARM64", "X86_64"], var.cpu_architecture)
    error_message = "cpu_architecture must be ARM64 or X86_64."
  }
}

variable "log_level" {
  description = "The server's LOG_LEVEL."
  type        = string
  default     = "info"
  nullable    = false

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be debug, info, warn or error."
  }
}

variable "environment" {
  description = "Extra plain environment variables of the container (never secrets; PORT and LOG_LEVEL are set from their own variables)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.environment) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", k)) && !contains(["PORT", "LOG_LEVEL"], k)])
    error_message = "environment keys must be valid variable names, and not PORT or LOG_LEVEL (set by container_port and log_level)."
  }
}

variable "service_metrics" {
  description = "CloudWatch EMF metrics from the service (its METRICS_NAMESPACE, METRICS_SERVICE, METRICS_ENVIRONMENT; app/src/emf.hpp): written to stdout once a minute, extracted by CloudWatch Logs from the awslogs stream. Null: off."
  type = object({
    namespace   = string
    service     = string
    environment = string
  })
  default = null
  # Checked by modules/emf-metrics (main.tf): CloudWatch's and the binary's rule, stated there once.
}

variable "secrets" {
  description = "Container secrets: environment variable name -> Secrets Manager secret ARN (optionally with :json-key::), injected by ECS at start."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.secrets : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", k)) && can(regex("^arn:aws[a-z-]*:(secretsmanager|ssm):[a-z0-9-]+:[0-9]{12}:", v))])
    error_message = "secrets must map variable names to Secrets Manager or SSM parameter ARNs."
  }
}

variable "health_check" {
  description = "Container health check timing (runs /server --healthcheck)."
  type = object({
    interval     = optional(number, 15)
    timeout      = optional(number, 5)
    retries      = optional(number, 3)
    start_period = optional(number, 10)
  })
  default  = {}
  nullable = false

  validation {
    condition = (var.health_check.interval >= 5 && var.health_check.interval <= 300 &&
      var.health_check.timeout >= 2 && var.health_check.timeout <= 120 && var.health_check.timeout < var.health_check.interval &&
    var.health_check.retries >= 1 && var.health_check.retries <= 10 && var.health_check.start_period >= 0 && var.health_check.start_period <= 300)
    error_message = "health_check: interval 5-300 s, timeout 2-120 s and below interval, retries 1-10, start_period 0-300 s."
  }
}

variable "stop_timeout" {
  description = "Seconds ECS waits after SIGTERM before SIGKILL (the server drains within 20 s)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.stop_timeout >= 2 && var.stop_timeout <= 120
    error_message = "stop_timeout must be 2-120 seconds."
  }
}

variable "nofile_limit" {
  description = "Open-files limit (soft and hard) of the container: one descriptor per connection."
  type        = number
  default     = 65536
  nullable    = false

  validation {
    condition     = var.nofile_limit >= 1024 && var.nofile_limit <= 1048576
    error_message = "nofile_limit must be 1024-1048576."
  }
}

variable "task_execution_role_arn" {
  description = "Task execution role (ecs-cluster module)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+", var.task_execution_role_arn))
    error_message = "task_execution_role_arn must be an IAM role ARN."
  }
}

variable "task_role_arn" {
  description = "Task role (ecs-cluster module)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+", var.task_role_arn))
    error_message = "task_role_arn must be an IAM role ARN."
  }
}

variable "log_group_name" {
  description = "CloudWatch log group of the container (awslogs driver)."
  type        = string
}

####  Service  ####

variable "desired_count" {
  description = "Tasks to start with. With autoscaling on, autoscaling owns the count afterwards (Terraform ignores later drift of it)."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.desired_count >= 0 && var.desired_count <= 100 && floor(var.desired_count) == var.desired_count
    error_message = "desired_count must be an integer 0-100."
  }
}

variable "wait_for_steady_state" {
  description = "Make apply wait until the new deployment is stable (deploys then fail loudly)."
  type        = bool
  default     = true
  nullable    = false
}

variable "health_check_grace_period_seconds" {
  description = "Seconds the ALB health checks are ignored after a task starts (only with a load balancer)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 3600
    error_message = "health_check_grace_period_seconds must be 0-3600."
  }
}

####  Network access  ####

variable "enable_load_balancer" {
  description = "Register the tasks with an ALB target group and allow ingress only from the ALB's security group."
  type        = bool
  default     = true
  nullable    = false
}

variable "target_group_arn" {
  description = "Target group of the ALB (required when enable_load_balancer)."
  type        = string
  default     = null
}

variable "listener_arn" {
  description = "The ALB listener forwarding to the target group; the service waits for it (a target group must be attached to a load balancer before a service can use it)."
  type        = string
  default     = null
}

####  Autoscaling  ####

variable "enable_autoscaling" {
  description = "Target-tracking autoscaling on CPU and (with a load balancer) on ALB requests per target."
  type        = bool
  default     = true
  nullable    = false
}

variable "autoscaling" {
  description = "Autoscaling bounds and targets."
  type = object({
    min_capacity        = optional(number, 2)
    max_capacity        = optional(number, 6)
    cpu_target_percent  = optional(number, 60)
    requests_per_target = optional(number, 1000)
    scale_in_cooldown   = optional(number, 300)
    scale_out_cooldown  = optional(number, 60)
  })
  default  = {}
  nullable = false

  validation {
    condition = (var.autoscaling.min_capacity >= 1 && var.autoscaling.max_capacity >= var.autoscaling.min_capacity && var.autoscaling.max_capacity <= 100 &&
      var.autoscaling.cpu_target_percent >= 10 && var.autoscaling.cpu_target_percent <= 90 && var.autoscaling.requests_per_target >= 1 &&
    var.autoscaling.scale_in_cooldown >= 0 && var.autoscaling.scale_out_cooldown >= 0)
    error_message = "autoscaling: 1 <= min_capacity <= max_capacity <= 100, cpu_target_percent 10-90, requests_per_target >= 1, cooldowns >= 0."
  }
}

variable "alb_arn_suffix" {
  description = "ALB ARN suffix (app/<name>/<id>) for the requests-per-target metric."
  type        = string
  default     = null
}

variable "target_group_arn_suffix" {
  description = "Target group ARN suffix (targetgroup/<name>/<id>) for the requests-per-target metric."
  type        = string
  default     = null
}
