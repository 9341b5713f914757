# prod: settings of infra/function (scripts/tf.sh function prod ...).
region = "us-east-1"

function = {
  architecture    = "arm64"
  memory_mb       = 256
  timeout_seconds = 10
  # Cost guard: 100 concurrent executions is about 10,000 requests a second
  # at 10 ms each; beyond that requests get 429 and the throttles alarm fires.
  reserved_concurrency = 100
  log_level            = "info"
  # Public. For WAF, put CloudFront in front (origin access control) and set
  # AWS_IAM: infra/function/README.md.
  url_auth_type      = "NONE"
  log_retention_days = 90
  alarm_emails       = ["replace-with-your-oncall@example.com"] # placeholder: prod refuses to plan until this is your on-call address(es)
}
