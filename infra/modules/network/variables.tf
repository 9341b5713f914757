variable "name" {
  description = "Name prefix for every resource (for example \"hello-dev\")."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9-]{0,38}$", var.name))
    error_message = "The name must be 1-39 characters of letters, digits and hyphens, starting with a letter or digit."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "cidr_block" {
  description = "IPv4 CIDR of the VPC, a /16 to /24 (subnets are cut from it with subnet_newbits extra bits)."
  type        = string
  default     = "10.0.0.0/16"
  nullable    = false

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && can(regex("^[0-9.]+/(1[6-9]|2[0-4])$", var.cidr_block))
    error_message = "The cidr_block must be a valid IPv4 CIDR with a prefix length between /16 and /24, for example \"10.0.0.0/16\"."
  }
}

variable "subnet_newbits" {
  description = "Bits added to the VPC prefix for each subnet (4 turns a /16 into /20 subnets). Public subnets take indexes 0-5, private ones 8-13."
  type        = number
  default     = 4
  nullable    = false

  validation {
    condition     = var.subnet_newbits >= 4 && var.subnet_newbits <= 8 && floor(var.subnet_newbits) == var.subnet_newbits
    error_message = "The subnet_newbits must be a whole number from 4 to 8 (at least 4 so that 6 public and 6 private subnets fit)."
  }
}

variable "az_count" {
  description = "How many availability zones to spread subnets (and NAT gateways with nat_mode = \"per_az\") across."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "The az_count must be a whole number from 2 to 6 (at least 2 for a highly available ALB and service)."
  }
}

variable "availability_zones" {
  description = "Explicit availability zone names; empty picks the first az_count available zones of the region. When given, its length must equal az_count."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for az in var.availability_zones : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$", az))])
    error_message = "Each availability zone must be a zone name such as \"eu-west-1a\"."
  }
}

variable "nat_mode" {
  description = "Outbound internet for the private subnets: \"single\" (one NAT gateway, cheapest), \"per_az\" (one per zone, survives a zone outage) or \"none\" (no NAT; use VPC endpoints)."
  type        = string
  default     = "single"
  nullable    = false

  validation {
    condition     = contains(["single", "per_az", "none"], var.nat_mode)
    error_message = "The nat_mode must be one of \"single\", \"per_az\" or \"none\"."
  }
}

variable "enable_vpc_endpoints" {
  description = "Create the S3 gateway endpoint and the ECR api, ECR dkr and CloudWatch Logs interface endpoints, so Fargate tasks can pull images and log without NAT."
  type        = bool
  default     = false
  nullable    = false
}

variable "interface_endpoints_extra" {
  description = "Extra interface endpoint services when enable_vpc_endpoints is true, as the suffix of com.amazonaws.<region>.<service>, for example [\"secretsmanager\", \"ssm\"]."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for s in var.interface_endpoints_extra : can(regex("^[a-z0-9]+([.-][a-z0-9]+)*$", s))])
    error_message = "Each interface_endpoints_extra entry must be a service suffix such as \"secretsmanager\", \"ssm\" or \"ecs-telemetry\" (lower case letters, digits, '.' and '-')."
  }

  validation {
    condition     = length(setintersection(var.interface_endpoints_extra, ["s3", "ecr.api", "ecr.dkr", "logs"])) == 0
    error_message = "The interface_endpoints_extra must not repeat the built-in endpoints s3, ecr.api, ecr.dkr or logs."
  }

  validation {
    condition     = length(distinct(var.interface_endpoints_extra)) == length(var.interface_endpoints_extra)
    error_message = "The interface_endpoints_extra entries must be unique."
  }
}

variable "enable_flow_logs" {
  description = "Send VPC flow logs to a CloudWatch Logs group through a least-privilege IAM role."
  type        = bool
  default     = false
  nullable    = false
}

variable "flow_logs_retention_days" {
  description = "Retention of the flow log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_logs_retention_days)
    error_message = "The flow_logs_retention_days must be one CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "flow_logs_traffic_type" {
  description = "Which traffic the flow logs record: ALL, ACCEPT or REJECT."
  type        = string
  default     = "ALL"
  nullable    = false

  validation {
    condition     = contains(["ALL", "ACCEPT", "REJECT"], var.flow_logs_traffic_type)
    error_message = "The flow_logs_traffic_type must be \"ALL\", \"ACCEPT\" or \"REJECT\"."
  }
}

variable "flow_logs_kms_key_arn" {
  description = "KMS key ARN to encrypt the flow log group; null uses CloudWatch Logs' default encryption. The key policy must allow the logs service."
  type        = string
  default     = null

  validation {
    condition     = var.flow_logs_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.flow_logs_kms_key_arn))
    error_message = "The flow_logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "enable_network_acls" {
  description = "Give each tier its own network ACL (public: in only 80/443, ephemeral return ports and the VPC; private: in only from the VPC and ephemeral return ports) and strip every rule from the default network ACL, which then serves no subnet (FSBP EC2.21)."
  type        = bool
  default     = true
  nullable    = false
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
