####  Identity and placement  ####

variable "name" {
  description = "Application name; resources are named <name>-<environment>."
  type        = string
  default     = "hello"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}[a-z0-9]$", var.name))
    error_message = "name must be 3-16 lowercase letters, digits or hyphens, starting with a letter (names derived from it must fit AWS's 32-character limits)."
  }
}

variable "environment" {
  description = "Environment name (dev, prod, local, ...)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the whole stack: the one-line change for another region."
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

variable "state_bucket" {
  description = "The Terraform state bucket (scripts/tf.sh passes it): the deploy role may read/write only its service state objects."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be a valid S3 bucket name."
  }
}

variable "state_kms_key_arn" {
  description = "Customer-managed KMS key of the state bucket, if any (the deploy role needs it); null for SSE-S3."
  type        = string
  default     = null
}

####  Network  ####

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.0.0.0/16"
  nullable    = false
}

variable "az_count" {
  description = "Availability zones to spread subnets over (2 or more)."
  type        = number
  default     = 2
  nullable    = false
}

variable "nat_mode" {
  description = "NAT gateways: \"single\" (cheap), \"per_az\" (resilient), \"none\" (needs enable_vpc_endpoints)."
  type        = string
  default     = "single"
  nullable    = false

  validation {
    condition     = contains(["single", "per_az", "none"], var.nat_mode)
    error_message = "nat_mode must be \"single\", \"per_az\" or \"none\"."
  }
}

variable "enable_vpc_endpoints" {
  description = "VPC endpoints (S3 gateway; ECR api/dkr, logs interface) so tasks reach AWS without NAT."
  type        = bool
  default     = false
  nullable    = false
}

variable "interface_endpoints_extra" {
  description = "Extra interface endpoints (e.g. [\"secretsmanager\", \"ssm\"])."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "enable_flow_logs" {
  description = "VPC flow logs to CloudWatch Logs."
  type        = bool
  default     = false
  nullable    = false
}

variable "flow_logs_retention_days" {
  description = "Retention of the flow logs, in days."
  type        = number
  default     = 30
  nullable    = false
}

####  Registry  ####

variable "ecr_keep_tagged_images" {
  description = "Tagged images the ECR lifecycle policy keeps."
  type        = number
  default     = 30
  nullable    = false
}

variable "ecr_untagged_expire_days" {
  description = "Days after which untagged images expire."
  type        = number
  default     = 7
  nullable    = false
}

variable "ecr_force_delete" {
  description = "Let destroy delete the repository with its images (dev and the emulator only)."
  type        = bool
  default     = false
  nullable    = false
}

####  Cluster and logs  ####

variable "container_insights" {
  description = "Container Insights: \"enabled\", \"enhanced\" or \"disabled\"."
  type        = string
  default     = "enabled"
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the container logs, in days."
  type        = number
  default     = 30
  nullable    = false
}

variable "log_kms_key_arn" {
  description = "KMS key of the container log group; null for CloudWatch's default encryption."
  type        = string
  default     = null
}

####  Load balancer, HTTPS, WAF  ####

variable "enable_alb" {
  description = "Public ALB in front of the service. Off: no ALB, WAF or ALB alarms; tasks accept the container port from inside the VPC only."
  type        = bool
  default     = true
  nullable    = false
}

variable "enable_https" {
  description = "HTTPS listener (TLS 1.3 policy), HTTP redirected to HTTPS. Needs domain_name (an ALB's own DNS name cannot be in a certificate), and hosted_zone_id (a new ACM certificate, validated in Route 53) or certificate_arn (one you have, covering domain_name)."
  type        = bool
  default     = false
  nullable    = false
}

variable "domain_name" {
  description = "Name clients use for the service (e.g. app.example.com): app_url becomes <scheme>://domain_name. With hosted_zone_id, an alias record to the ALB is made in that zone; without, point the name at alb_dns_name yourself."
  type        = string
  default     = null

  validation {
    condition = var.domain_name == null || (length(coalesce(var.domain_name, "x")) <= 253 && can(regex(
    "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$", coalesce(var.domain_name, "x"))))
    error_message = "The domain_name must be a lowercase DNS name with at least two labels, such as \"app.example.com\" (no trailing dot, no wildcard)."
  }
}

variable "hosted_zone_id" {
  description = "Route 53 public hosted zone holding domain_name: gets the ACM certificate's validation records (when certificate_arn is null) and the alias record to the ALB."
  type        = string
  default     = null

  validation {
    condition     = var.hosted_zone_id == null || can(regex("^[A-Z0-9]{1,32}$", coalesce(var.hosted_zone_id, "x")))
    error_message = "The hosted_zone_id must be a Route 53 hosted zone ID such as \"Z0123456789ABCDEFGHIJ\" (without \"/hostedzone/\")."
  }
}

variable "certificate_arn" {
  description = "ACM certificate (issued or imported) covering domain_name, for the HTTPS listener; null with hosted_zone_id requests and validates a new one."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", coalesce(var.certificate_arn, "x")))
    error_message = "The certificate_arn must be an ACM certificate ARN such as \"arn:aws:acm:us-east-1:123456789012:certificate/<id>\"."
  }
}

variable "alb_ingress_cidr_blocks" {
  description = "Clients allowed to reach the ALB on 80/443."
  type        = list(string)
  default     = ["0.0.0.0/0"]
  nullable    = false
}

variable "alb_access_logs" {
  description = "ALB access logs to an S3 bucket the load-balancer module creates."
  type        = bool
  default     = false
  nullable    = false
}

variable "alb_access_logs_enforce_tls" {
  description = "TLS-only policy on the access-logs bucket (the emulator needs false: moto applies Deny statements without their conditions)."
  type        = bool
  default     = true
  nullable    = false
}

variable "alb_deletion_protection" {
  description = "Deletion protection on the ALB (prod)."
  type        = bool
  default     = false
  nullable    = false
}

variable "enable_waf" {
  description = "WAFv2 web ACL on the ALB (AWS managed rules + per-IP rate limit). Needs enable_alb."
  type        = bool
  default     = true
  nullable    = false
}

variable "waf_rate_limit_per_5min" {
  description = "Requests per client IP per 5 minutes before WAF blocks it."
  type        = number
  default     = 2000
  nullable    = false
}

variable "waf_logging" {
  description = "WAF logs to CloudWatch Logs."
  type        = bool
  default     = false
  nullable    = false
}

####  Database (optional)  ####

variable "enable_database" {
  description = "PostgreSQL on RDS in the private subnets, open only to the tasks; its secret goes to the container as ECS secrets."
  type        = bool
  default     = false
  nullable    = false
}

variable "database" {
  description = "Database settings (used with enable_database)."
  type = object({
    engine_version        = optional(string, "16")
    instance_class        = optional(string, "db.t4g.micro")
    multi_az              = optional(bool, false)
    backup_retention_days = optional(number, 7)
    deletion_protection   = optional(bool, true)
    skip_final_snapshot   = optional(bool, false)
  })
  default  = {}
  nullable = false
}

####  GitHub Actions roles (plan, infra, deploy)  ####

variable "create_github_oidc" {
  description = "Create the GitHub Actions roles of this environment: deploy, infra and plan (infra/modules/github-oidc)."
  type        = bool
  default     = false
  nullable    = false
}

variable "promote_from_ecr_repository" {
  description = "ECR repository this environment's deploy role may pull from, read-only, to promote images instead of building them (prod: dev's, e.g. \"hello-dev\"): a repository name in this account and region, or a repository ARN in another account (whose repository policy must then allow the role). Null: none."
  type        = string
  default     = null

  validation {
    condition     = var.promote_from_ecr_repository == null || can(regex("^([a-z0-9][a-z0-9._/-]{1,255}|arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9][a-z0-9._/-]*)$", var.promote_from_ecr_repository))
    error_message = "promote_from_ecr_repository must be an ECR repository name or repository ARN, without wildcards."
  }
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider here. An account holds one: exactly one environment per account sets true (the first applied, e.g. dev), the others false (they look it up)."
  type        = bool
  default     = true
  nullable    = false
}

variable "github_repository" {
  description = "owner/name of the repository whose workflows may assume the roles (required with create_github_oidc)."
  type        = string
  default     = null

  validation {
    condition     = var.github_repository == null || can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", var.github_repository))
    error_message = "github_repository must be owner/name (e.g. my-org/hello-server), without wildcards."
  }
}

variable "github_environment" {
  description = "GitHub environment whose jobs may assume the deploy and infra roles; null means the same name as environment."
  type        = string
  default     = null

  validation {
    condition     = var.github_environment == null || can(regex("^[A-Za-z0-9._-]{1,255}$", var.github_environment))
    error_message = "github_environment must be a plain environment name (letters, digits, . _ -), no wildcards."
  }
}

####  Observability  ####

variable "alarm_emails" {
  description = "Email addresses that receive the alarms (each confirms the subscription). Env prod refuses to plan without one."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "create_alarm_topic" {
  description = "Create the encrypted SNS alarm topic."
  type        = bool
  default     = true
  nullable    = false
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the service's own metrics: EMF lines it writes once a minute (METRICS_NAMESPACE), alarmed on and charted. Null: the name (e.g. hello); \"\": off (no custom metrics, see docs/costs.md)."
  type        = string
  default     = null

  # Checked by modules/emf-metrics (main.tf): CloudWatch's and the binary's rule, stated there once.
}

variable "enable_dashboard" {
  description = "CloudWatch dashboard of the service."
  type        = bool
  default     = true
  nullable    = false
}

####  Service settings (applied by infra/service, kept here with the rest of the env)  ####

variable "enable_autoscaling" {
  description = "Target-tracking autoscaling of the service (CPU, and ALB requests per target with an ALB)."
  type        = bool
  default     = true
  nullable    = false
}

variable "service" {
  description = "Settings of the service that infra/service applies (read from this root's outputs, so a deploy never changes them)."
  type = object({
    cpu                               = optional(number, 256)
    memory                            = optional(number, 512)
    cpu_architecture                  = optional(string, "ARM64")
    desired_count                     = optional(number, 2)
    log_level                         = optional(string, "info")
    wait_for_steady_state             = optional(bool, true)
    health_check_grace_period_seconds = optional(number, 30)
    fargate_spot_weight               = optional(number, 0)
    min_capacity                      = optional(number, 2)
    max_capacity                      = optional(number, 6)
    cpu_target_percent                = optional(number, 60)
    requests_per_target               = optional(number, 1000)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.service.fargate_spot_weight >= 0 && var.service.fargate_spot_weight <= 1000
    error_message = "service.fargate_spot_weight must be 0-1000 (0: no Spot)."
  }

  # Checked here too (the ecs-service module checks again), so a bad env
  # file fails at the platform plan, not at the first deploy.
  validation {
    condition = contains(lookup({
      "256"   = [512, 1024, 2048]
      "512"   = [1024, 2048, 3072, 4096]
      "1024"  = [for gb in range(2, 9) : gb * 1024]
      "2048"  = [for gb in range(4, 17) : gb * 1024]
      "4096"  = [for gb in range(8, 31) : gb * 1024]
      "8192"  = [for gb in range(16, 61, 4) : gb * 1024]
      "16384" = [for gb in range(32, 121, 8) : gb * 1024]
    }, tostring(var.service.cpu), []), var.service.memory)
    error_message = "service.cpu/memory must be a Fargate pair: cpu 256 (memory 512-2048), 512 (1024-4096), 1024 (2048-8192), 2048 (4096-16384), 4096 (8192-30720), in 1024 MiB steps."
  }

  validation {
    condition     = contains(["ARM64", "X86_64"], var.service.cpu_architecture) && contains(["debug", "info", "warn", "error"], var.service.log_level)
    error_message = "service.cpu_architecture must be ARM64 or X86_64; service.log_level debug, info, warn or error."
  }

  validation {
    condition     = var.service.min_capacity >= 1 && var.service.max_capacity >= var.service.min_capacity && var.service.desired_count >= 0 && var.service.max_capacity <= 100
    error_message = "service: 1 <= min_capacity <= max_capacity <= 100, desired_count >= 0."
  }
}

variable "github_deploys_function" {
  description = "The deploy role may also deploy this environment's Lambda function (infra/function, scripts/deploy-function.sh): publish versions and move the live alias of <name>-<environment>, nothing else. Set it where infra/function is applied (and the GitHub variable FUNCTION_DEPLOY=true: docs/pipeline.md)."
  type        = bool
  default     = false
  nullable    = false
}
