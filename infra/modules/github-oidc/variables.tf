variable "name" {
  description = "Name prefix of the environment's resources and of the roles (e.g. hello-dev -> hello-dev-github-deploy, -infra, -plan)."
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

####  Trust: who may assume the roles  ####

variable "create_oidc_provider" {
  description = "Create the account's token.actions.githubusercontent.com OIDC provider. An account has at most one: exactly one environment per account sets true, the others (false) look it up."
  type        = bool
  default     = true
  nullable    = false
}

variable "repository" {
  description = "The GitHub repository whose workflows may assume the roles, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$", var.repository))
    error_message = "repository must be owner/name (e.g. my-org/hello-server), without wildcards."
  }
}

variable "github_environment" {
  description = "The GitHub environment whose jobs may assume the deploy and infra roles (sub = repo:<repository>:environment:<it>). The plan role trusts the repository's pull requests (sub = repo:<repository>:pull_request)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,255}$", var.github_environment))
    error_message = "github_environment must be a plain environment name (letters, digits, . _ -), no wildcards."
  }
}

variable "max_session_duration" {
  description = "Maximum session length of the three roles, in seconds. 7200: a deploy job may wait 30 min for the state lock and run 60 min; with role-duration-seconds: 7200 in the workflow its credentials outlive the job."
  type        = number
  default     = 7200
  nullable    = false

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be 3600-43200 seconds."
  }
}

####  Permissions: exactly what a deploy (docs/decisions/0001) needs  ####

variable "ecr_repository_arn" {
  description = "The ECR repository the pipeline pushes to."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/.+", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN."
  }
}

variable "promote_source_repository_arns" {
  description = "ECR repositories the deploy role may pull from, read-only, to promote an image (prod: dev's repository). Empty: none."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.promote_source_repository_arns : can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9][a-z0-9._/-]*$", a))])
    error_message = "promote_source_repository_arns must be ECR repository ARNs, without wildcards."
  }
}

variable "state_bucket_name" {
  description = "The Terraform state bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be a valid S3 bucket name."
  }
}

variable "state_kms_key_arn" {
  description = "KMS key that encrypts the state bucket, if it is a customer-managed key (kms:Decrypt/GenerateDataKey on exactly it); null for SSE-S3."
  type        = string
  default     = null

  validation {
    condition     = var.state_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.state_kms_key_arn))
    error_message = "state_kms_key_arn must be a KMS key ARN or null."
  }
}

variable "platform_state_key" {
  description = "State object of the platform root (read only), e.g. platform/dev.tfstate."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+\\.tfstate$", var.platform_state_key))
    error_message = "platform_state_key must be an object key ending in .tfstate, without wildcards."
  }
}

variable "service_state_key" {
  description = "State object of the service root (read/write, with its .tflock), e.g. service/dev.tfstate."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+\\.tfstate$", var.service_state_key))
    error_message = "service_state_key must be an object key ending in .tfstate, without wildcards."
  }
}

variable "ecs_service_arn" {
  description = "ARN of the ECS service deploys update (arn:aws:ecs:<region>:<account>:service/<cluster>/<service>)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:service/[^/*]+/[^/*]+$", var.ecs_service_arn))
    error_message = "ecs_service_arn must be arn:aws:ecs:<region>:<account>:service/<cluster>/<service>."
  }
}

variable "task_definition_family" {
  description = "Task definition family the deploys register."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.task_definition_family))
    error_message = "task_definition_family must be letters, digits, hyphens and underscores."
  }
}

variable "task_role_arns" {
  description = "The task execution role and the task role: the only roles the deploy may pass (to ecs-tasks.amazonaws.com)."
  type        = list(string)

  validation {
    condition     = length(var.task_role_arns) >= 1 && alltrue([for a in var.task_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[^*]+$", a))])
    error_message = "task_role_arns must be one or more IAM role ARNs without wildcards."
  }
}

variable "parameter_path" {
  description = "SSM path of this environment's parameters (e.g. /hello/dev/): the infra role manages parameters under it only."
  type        = string

  validation {
    condition     = can(regex("^/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$", var.parameter_path))
    error_message = "parameter_path must start and end with / (e.g. /hello/dev/), without wildcards."
  }
}

variable "image_tag_parameter_arn" {
  description = "ARN of the SSM parameter holding the deployed image tag."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[^*]+$", var.image_tag_parameter_arn))
    error_message = "image_tag_parameter_arn must be an SSM parameter ARN without wildcards."
  }
}

####  Function deploys (deploy_function.tf)  ####

variable "deploy_function" {
  description = "The environment's Lambda function (infra/function) that scripts/deploy-function.sh deploys, and that root's state object (read only), e.g. { name = \"hello-dev\", state_key = \"function/dev.tfstate\" }. null: the environment has no function and the deploy role gets no Lambda permission."
  type = object({
    name      = string
    state_key = string
  })
  default = null

  validation {
    condition     = var.deploy_function == null ? true : can(regex("^[A-Za-z0-9_-]{1,64}$", var.deploy_function.name))
    error_message = "deploy_function.name must be a function name (1-64 letters, digits, hyphens, underscores), not an ARN and without wildcards."
  }
  validation {
    condition     = var.deploy_function == null ? true : can(regex("^[A-Za-z0-9._/-]+\\.tfstate$", var.deploy_function.state_key))
    error_message = "deploy_function.state_key must be an object key ending in .tfstate, without wildcards."
  }
}
