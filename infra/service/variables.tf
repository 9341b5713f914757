variable "environment" {
  description = "Environment to deploy (scripts/tf.sh passes it): selects the platform state platform/<environment>.tfstate."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits, starting with a letter."
  }
}

variable "state_bucket" {
  description = "Bucket holding the platform's state (scripts/tf.sh passes it)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be a valid S3 bucket name."
  }
}

variable "state_region" {
  description = "Region of the state bucket (scripts/tf.sh passes it)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.state_region))
    error_message = "state_region must be an AWS region name such as us-east-1."
  }
}

variable "image_tag" {
  description = "Image tag to deploy (a deploy passes the git SHA). Null: the tag deployed last, read from the platform's SSM parameter, so infrastructure applies never roll the image back."
  type        = string
  default     = null

  validation {
    condition     = var.image_tag == null || can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a valid image tag: letters, digits, _ . - (at most 128, not starting with . or -)."
  }
}

variable "image_digest" {
  description = "Digest (sha256:...) that image_tag must point to: a deploy passes the digest it tested or promoted. Null: whatever image_tag points to. Without image_tag, the digest recorded in the SSM parameter is checked instead."
  type        = string
  default     = null

  validation {
    condition     = var.image_digest == null || can(regex("^sha256:[a-f0-9]{64}$", var.image_digest))
    error_message = "image_digest must be sha256: and 64 lowercase hex digits."
  }
  validation {
    condition     = var.image_digest == null || var.image_tag != null
    error_message = "image_digest needs image_tag (the tag it is recorded under)."
  }
}
