# local: infra/function in the AWS emulator (moto creates functions, versions,
# aliases and URLs but runs nothing). x86_64: the emulator test deploys zips
# of the host's build (make function ARCH=x86_64).
region      = "us-east-1"
max_retries = 3

function = {
  architecture         = "x86_64"
  memory_mb            = 128
  timeout_seconds      = 10
  reserved_concurrency = 2
  url_auth_type        = "NONE"
  log_retention_days   = 1
  alarm_emails         = ["ops@example.com"]
}
