variable "name" {
  description = "What the alarms belong to, as the messages name it (e.g. hello-prod, hello-prod-function)."
  type        = string
  nullable    = false
}

variable "alarm_emails" {
  description = "Email addresses the alarms' topic notifies."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "alarm_actions" {
  description = "Other ARNs notified (a pager's topic, ...): each counts as a recipient."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "require_recipient" {
  description = "Production: at least one recipient, and no placeholder or example address. False: anything goes (dev, the emulator)."
  type        = bool
  nullable    = false
}
