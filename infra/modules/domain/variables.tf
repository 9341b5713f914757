variable "tags" {
  description = "Tags applied to the certificate."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "domain_name" {
  description = "The name clients use for the service (e.g. app.example.com): the certificate's name and the alias record's."
  type        = string
  nullable    = false

  validation {
    condition = (length(var.domain_name) <= 253 && can(regex(
    "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$", var.domain_name)))
    error_message = "The domain_name must be a lowercase DNS name with at least two labels, such as \"app.example.com\" (no trailing dot, no wildcard)."
  }
}

variable "hosted_zone_id" {
  description = "Route 53 public hosted zone holding domain_name: gets the certificate's validation records and the alias record."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Z0-9]{1,32}$", var.hosted_zone_id))
    error_message = "The hosted_zone_id must be a Route 53 hosted zone ID such as \"Z0123456789ABCDEFGHIJ\" (without \"/hostedzone/\")."
  }
}

variable "create_certificate" {
  description = "Request an ACM certificate for domain_name, validated through DNS records in the zone (false when the listener uses an imported certificate)."
  type        = bool
  default     = true
  nullable    = false
}

variable "alb_dns_name" {
  description = "DNS name of the ALB the alias record points to."
  type        = string
  nullable    = false
}

variable "alb_zone_id" {
  description = "Canonical hosted zone ID of the ALB (for the alias record)."
  type        = string
  nullable    = false
}
