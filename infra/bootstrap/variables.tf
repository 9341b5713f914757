variable "region" {
  description = "AWS region of the state bucket (the roots' S3 backend uses the same region)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "The region must be an AWS region name such as \"eu-west-1\" or \"us-gov-west-1\"."
  }
}

variable "state_bucket_name" {
  description = "Globally unique name of the S3 bucket that holds the Terraform state of the platform and service roots."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "The state_bucket_name must be 3-63 characters of lower case letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }

  validation {
    condition = (
      !strcontains(var.state_bucket_name, "..") &&
      !can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$", var.state_bucket_name)) &&
      !startswith(var.state_bucket_name, "xn--") &&
      !startswith(var.state_bucket_name, "sthree-") &&
      !endswith(var.state_bucket_name, "-s3alias") &&
      !endswith(var.state_bucket_name, "--ol-s3")
    )
    error_message = "The state_bucket_name breaks an S3 naming rule: no \"..\", not an IP address, no \"xn--\" or \"sthree-\" prefix, no \"-s3alias\" or \"--ol-s3\" suffix."
  }
}

variable "tags" {
  description = "Tags applied to every resource (through the provider's default_tags)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "allowed_account_ids" {
  description = "If set, refuse to run against any other AWS account (guards against applying with the wrong credentials)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.allowed_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "Each allowed_account_ids entry must be a 12-digit AWS account ID."
  }
}

variable "sse_algorithm" {
  description = "Default encryption of state objects: \"AES256\" (SSE-S3) or \"aws:kms\" (SSE-KMS with kms_key_arn, or the aws/s3 key when null)."
  type        = string
  default     = "AES256"
  nullable    = false

  validation {
    condition     = contains(["AES256", "aws:kms"], var.sse_algorithm)
    error_message = "The sse_algorithm must be \"AES256\" or \"aws:kms\"."
  }
}

variable "kms_key_arn" {
  description = "KMS key ARN for sse_algorithm = \"aws:kms\"; must be null with AES256. Whoever runs Terraform then also needs kms:Encrypt/Decrypt/GenerateDataKey on it."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "The kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "enforce_tls" {
  description = "Deny every request to the bucket that does not use TLS (aws:SecureTransport = false). Keep true on AWS; the local emulator (moto) applies Deny statements without their conditions and would block the S3 backend, so emulator runs set false."
  type        = bool
  default     = true
  nullable    = false
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which a superseded state version is deleted (versions are the undo history of the state)."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "The noncurrent_version_expiration_days must be a whole number of days, at least 1."
  }
}

variable "noncurrent_versions_to_keep" {
  description = "Superseded versions of each state file kept whatever their age (newer_noncurrent_versions); 0 = off, only age counts. Leave 0 in emulator runs: moto drops this field and the provider then waits forever."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.noncurrent_versions_to_keep >= 0 && var.noncurrent_versions_to_keep <= 100 && floor(var.noncurrent_versions_to_keep) == var.noncurrent_versions_to_keep
    error_message = "The noncurrent_versions_to_keep must be a whole number from 0 (off) to 100."
  }
}

variable "force_destroy" {
  description = "Let destroy delete the bucket with every state version in it. Keep false except for throwaway (emulator) runs."
  type        = bool
  default     = false
  nullable    = false
}
