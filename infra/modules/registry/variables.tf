variable "name" {
  description = "Repository name: 2-256 characters, lower case letters, digits and . _ - / separators (for example \"hello-service\" or \"team/hello\")."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.name) >= 2 && length(var.name) <= 256 && can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", var.name))
    error_message = "The name must be 2-256 characters of lower case letters and digits, separated by single '.', '_', '-' or '/' (ECR repository naming rules)."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "image_tag_mutability" {
  description = "Tag mutability. Only IMMUTABLE is accepted: a deployed tag (the git SHA) must always name the same image."
  type        = string
  default     = "IMMUTABLE"
  nullable    = false

  validation {
    condition     = var.image_tag_mutability == "IMMUTABLE"
    error_message = "The image_tag_mutability must be \"IMMUTABLE\": mutable tags let a push silently change what a deployed tag runs."
  }
}

variable "scan_on_push" {
  description = "Scan every pushed image for known vulnerabilities (basic scanning)."
  type        = bool
  default     = true
  nullable    = false
}

variable "encryption_type" {
  description = "Encryption at rest: \"AES256\" (AWS owned key) or \"KMS\" (kms_key_arn, or the AWS managed aws/ecr key when null)."
  type        = string
  default     = "AES256"
  nullable    = false

  validation {
    condition     = contains(["AES256", "KMS"], var.encryption_type)
    error_message = "The encryption_type must be \"AES256\" or \"KMS\"."
  }
}

variable "kms_key_arn" {
  description = "KMS key ARN used when encryption_type is \"KMS\"; null uses the AWS managed key. Must be null with AES256."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$", var.kms_key_arn))
    error_message = "The kms_key_arn must be a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "keep_tagged_images" {
  description = "How many tagged images to keep; older ones expire (lifecycle policy)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.keep_tagged_images >= 1 && var.keep_tagged_images <= 10000 && floor(var.keep_tagged_images) == var.keep_tagged_images
    error_message = "The keep_tagged_images must be a whole number between 1 and 10000."
  }
}

variable "untagged_expire_days" {
  description = "Days after which untagged images (superseded layers, failed pushes) expire."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.untagged_expire_days >= 1 && var.untagged_expire_days <= 3650 && floor(var.untagged_expire_days) == var.untagged_expire_days
    error_message = "The untagged_expire_days must be a whole number of days between 1 and 3650."
  }
}

variable "force_delete" {
  description = "Let `terraform destroy` delete the repository even when it still holds images. Keep false outside throwaway environments."
  type        = bool
  default     = false
  nullable    = false
}
