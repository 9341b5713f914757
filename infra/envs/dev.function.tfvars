# dev: settings of infra/function (scripts/tf.sh function dev ...). The
# function stack is independent of infra/platform; see infra/function/README.md.
region = "us-east-1"

function = {
  architecture    = "arm64"
  memory_mb       = 128
  timeout_seconds = 10
  # Cost guard: at most 5 concurrent executions; more requests get 429.
  # A new account (concurrency limit 10) cannot reserve any: request the
  # default 1000 (Service Quotas, free) or set -1 (no cap).
  reserved_concurrency = 5
  log_level            = "info"
  # Public, like the ALB: anyone may call it (no WAF; see the README).
  url_auth_type      = "NONE"
  log_retention_days = 14
}
