mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_elb_service_account" {
    defaults = { arn = "arn:aws:iam::156460612806:root" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/test/50dc6c495c0c9188"
      arn_suffix = "app/test/50dc6c495c0c9188"
      dns_name   = "test-123.eu-west-1.elb.amazonaws.com"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/test/73e2d6bc24d8a067"
      arn_suffix = "targetgroup/test/73e2d6bc24d8a067"
    }
  }
  mock_resource "aws_lb_listener" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/test/50dc6c495c0c9188/0000000000000080" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::test-alb-logs-123"
      id  = "test-alb-logs-123"
    }
  }
}

override_resource {
  target = aws_lb_listener.https
  values = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/test/50dc6c495c0c9188/0000000000000443" }
}

variables {
  name              = "test"
  tags              = { Project = "hello" }
  vpc_id            = "vpc-0123456789abcdef0"
  vpc_cidr_block    = "10.0.0.0/16"
  public_subnet_ids = ["subnet-0a", "subnet-0b"]
}

run "http_only_defaults" {
  command = apply

  assert {
    condition     = keys(aws_vpc_security_group_ingress_rule.alb) == ["80-0.0.0.0/0"]
    error_message = "Without HTTPS the ALB SG must open only port 80."
  }
  assert {
    condition     = aws_lb.this.drop_invalid_header_fields == true
    error_message = "drop_invalid_header_fields must be true."
  }
  assert {
    condition     = aws_lb.this.desync_mitigation_mode == "strictest" && aws_lb.this.internal == false && aws_lb.this.load_balancer_type == "application"
    error_message = "The ALB must be internet-facing, application type, with strictest desync mitigation."
  }
  assert {
    condition     = aws_lb.this.enable_deletion_protection == false && aws_lb.this.idle_timeout == 60
    error_message = "Dev defaults: no deletion protection, 60 s idle timeout."
  }
  assert {
    condition = (
      aws_lb_target_group.this.target_type == "ip" && aws_lb_target_group.this.port == 5000 &&
      aws_lb_target_group.this.protocol == "HTTP" && aws_lb_target_group.this.deregistration_delay == "30" &&
      aws_lb_target_group.this.health_check[0].path == "/readyz" && aws_lb_target_group.this.health_check[0].protocol == "HTTP"
    )
    error_message = "Target group must be ip, port 5000, HTTP health check on /readyz, 30 s deregistration delay."
  }
  assert {
    condition     = aws_lb_listener.http.default_action[0].type == "forward" && aws_lb_listener.http.default_action[0].target_group_arn == aws_lb_target_group.this.arn
    error_message = "Without HTTPS, port 80 must forward to the target group."
  }
  assert {
    condition     = length(aws_lb_listener.https) == 0 && output.https_listener_arn == null && output.listener_arn == output.http_listener_arn
    error_message = "Without HTTPS there is no HTTPS listener and listener_arn is the HTTP one."
  }
  assert {
    condition     = length(aws_s3_bucket.access_logs) == 0 && length(aws_lb.this.access_logs) == 0 && output.access_logs_bucket == null
    error_message = "Access logs must be off by default."
  }
  assert {
    condition     = output.url == "http://test-123.eu-west-1.elb.amazonaws.com"
    error_message = "The url output must be the HTTP URL of the ALB."
  }
}

run "security_alb_sg_only_80_443_in_and_container_port_out" {
  command = plan

  variables {
    enable_https        = true
    certificate_arn     = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
    ingress_cidr_blocks = ["203.0.113.0/24", "198.51.100.0/24"]
  }

  assert {
    condition = alltrue([
      for r in aws_vpc_security_group_ingress_rule.alb : contains([80, 443], r.from_port) && r.to_port == r.from_port && r.ip_protocol == "tcp"
    ])
    error_message = "The ALB security group may only open TCP 80 and 443."
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.alb : r.cidr_ipv4]) == toset(["203.0.113.0/24", "198.51.100.0/24"]) && length(aws_vpc_security_group_ingress_rule.alb) == 4
    error_message = "Each allowed CIDR must get exactly 80 and 443, and no other CIDR may be allowed."
  }
  assert {
    condition = (
      aws_vpc_security_group_egress_rule.alb_to_targets.cidr_ipv4 == "10.0.0.0/16" &&
      aws_vpc_security_group_egress_rule.alb_to_targets.from_port == 5000 &&
      aws_vpc_security_group_egress_rule.alb_to_targets.to_port == 5000
    )
    error_message = "The ALB may only send to the VPC CIDR on the container port."
  }
}

run "https_tls13_and_redirect" {
  command = apply

  variables {
    enable_https    = true
    certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
  }

  assert {
    condition     = aws_lb_listener.https[0].ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06" && aws_lb_listener.https[0].protocol == "HTTPS" && aws_lb_listener.https[0].port == 443
    error_message = "The HTTPS listener must use the TLS 1.3 policy on 443."
  }
  assert {
    condition     = aws_lb_listener.https[0].certificate_arn == "arn:aws:acm:eu-west-1:123456789012:certificate/abc" && aws_lb_listener.https[0].default_action[0].target_group_arn == aws_lb_target_group.this.arn
    error_message = "The HTTPS listener must use the certificate and forward to the target group."
  }
  assert {
    condition = (
      aws_lb_listener.http.default_action[0].type == "redirect" &&
      aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS" &&
      aws_lb_listener.http.default_action[0].redirect[0].port == "443" &&
      aws_lb_listener.http.default_action[0].redirect[0].status_code == "HTTP_301"
    )
    error_message = "With HTTPS, port 80 must redirect permanently to HTTPS."
  }
  assert {
    condition     = toset(keys(aws_vpc_security_group_ingress_rule.alb)) == toset(["80-0.0.0.0/0", "443-0.0.0.0/0"])
    error_message = "With HTTPS the ALB SG must open 80 (redirect) and 443."
  }
  assert {
    condition     = output.listener_arn == output.https_listener_arn && endswith(output.listener_arn, "0443") && output.url == "https://test-123.eu-west-1.elb.amazonaws.com"
    error_message = "listener_arn must be the HTTPS listener when HTTPS is on."
  }
}

run "custom_timings_and_deletion_protection" {
  command = plan

  variables {
    container_port               = 8080
    health_check_path            = "/readyz"
    health_check                 = { interval = 10, matcher = "200-299" }
    deregistration_delay_seconds = 15
    idle_timeout                 = 30
    enable_deletion_protection   = true
  }

  assert {
    condition     = aws_lb_target_group.this.port == 8080 && aws_lb_target_group.this.health_check[0].path == "/readyz" && aws_lb_target_group.this.health_check[0].interval == 10 && aws_lb_target_group.this.health_check[0].matcher == "200-299"
    error_message = "Target group settings must follow the inputs."
  }
  assert {
    condition     = aws_lb.this.enable_deletion_protection && aws_lb.this.idle_timeout == 30 && aws_lb_target_group.this.deregistration_delay == "15"
    error_message = "ALB settings must follow the inputs."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.alb_to_targets.from_port == 8080
    error_message = "Egress must follow the container port."
  }
}

run "access_logs_bucket_secure" {
  command = apply

  variables {
    enable_access_logs         = true
    access_logs_retention_days = 30
  }

  assert {
    condition     = aws_lb.this.access_logs[0].enabled && aws_lb.this.access_logs[0].bucket == "test-alb-logs-123" && aws_lb.this.access_logs[0].prefix == "test"
    error_message = "The ALB must write access logs to the bucket."
  }
  assert {
    condition = (
      aws_s3_bucket_public_access_block.access_logs[0].block_public_acls && aws_s3_bucket_public_access_block.access_logs[0].block_public_policy &&
      aws_s3_bucket_public_access_block.access_logs[0].ignore_public_acls && aws_s3_bucket_public_access_block.access_logs[0].restrict_public_buckets
    )
    error_message = "All public access must be blocked on the log bucket."
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.access_logs[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "The log bucket must be encrypted with SSE-S3."
  }
  assert {
    condition     = aws_s3_bucket_ownership_controls.access_logs[0].rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled on the log bucket."
  }
  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.access_logs[0].rule[0].expiration[0].days == 30
    error_message = "Access logs must expire after access_logs_retention_days."
  }
  assert {
    condition     = contains([for s in jsondecode(aws_s3_bucket_policy.access_logs[0].policy).Statement : s.Sid if try(s.Condition.Bool["aws:SecureTransport"], "") == "false" && s.Effect == "Deny"], "DenyInsecureTransport")
    error_message = "The log bucket policy must deny non-TLS requests."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(aws_s3_bucket_policy.access_logs[0].policy).Statement : s.Resource == "arn:aws:s3:::test-alb-logs-123/test/AWSLogs/123456789012/*" && s.Action == "s3:PutObject" if s.Effect == "Allow"
    ])
    error_message = "Log delivery may only put objects under this ALB's prefix for this account."
  }
  assert {
    condition     = output.access_logs_bucket == "test-alb-logs-123"
    error_message = "The bucket output must be set."
  }
}

run "access_logs_without_tls_deny_for_emulator" {
  command = apply

  variables {
    enable_access_logs      = true
    access_logs_enforce_tls = false
  }

  assert {
    condition     = length([for s in jsondecode(aws_s3_bucket_policy.access_logs[0].policy).Statement : s if s.Effect == "Deny"]) == 0
    error_message = "access_logs_enforce_tls = false must drop the Deny statement."
  }
}

run "rejects_https_without_certificate" {
  command = plan
  variables {
    enable_https = true
  }
  expect_failures = [aws_lb.this]
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "-bad"
  }
  expect_failures = [var.name]
}

run "rejects_long_name" {
  command = plan
  variables {
    name = "a-name-that-is-much-longer-than-32-chars"
  }
  expect_failures = [var.name]
}

run "rejects_internal_prefix" {
  command = plan
  variables {
    name = "internal-api"
  }
  expect_failures = [var.name]
}

run "rejects_bad_vpc_id" {
  command = plan
  variables {
    vpc_id = "my-vpc"
  }
  expect_failures = [var.vpc_id]
}

run "rejects_bad_vpc_cidr" {
  command = plan
  variables {
    vpc_cidr_block = "10.0.0.0"
  }
  expect_failures = [var.vpc_cidr_block]
}

run "rejects_one_subnet" {
  command = plan
  variables {
    public_subnet_ids = ["subnet-0a"]
  }
  expect_failures = [var.public_subnet_ids]
}

run "rejects_bad_container_port" {
  command = plan
  variables {
    container_port = 70000
  }
  expect_failures = [var.container_port]
}

run "rejects_bad_health_check_path" {
  command = plan
  variables {
    health_check_path = "healthz"
  }
  expect_failures = [var.health_check_path]
}

run "rejects_timeout_not_below_interval" {
  command = plan
  variables {
    health_check = { interval = 5, timeout = 5 }
  }
  expect_failures = [var.health_check]
}

run "rejects_bad_matcher" {
  command = plan
  variables {
    health_check = { matcher = "ok" }
  }
  expect_failures = [var.health_check]
}

run "rejects_bad_deregistration_delay" {
  command = plan
  variables {
    deregistration_delay_seconds = 4000
  }
  expect_failures = [var.deregistration_delay_seconds]
}

run "rejects_bad_idle_timeout" {
  command = plan
  variables {
    idle_timeout = 0
  }
  expect_failures = [var.idle_timeout]
}

run "rejects_bad_certificate_arn" {
  command = plan
  variables {
    enable_https    = true
    certificate_arn = "arn:aws:iam::123456789012:server-certificate/x"
  }
  expect_failures = [var.certificate_arn]
}

run "rejects_pre_tls13_policy" {
  command = plan
  variables {
    ssl_policy = "ELBSecurityPolicy-2016-08"
  }
  expect_failures = [var.ssl_policy]
}

run "rejects_bad_ingress_cidr" {
  command = plan
  variables {
    ingress_cidr_blocks = ["everyone"]
  }
  expect_failures = [var.ingress_cidr_blocks]
}

run "rejects_empty_ingress_cidrs" {
  command = plan
  variables {
    ingress_cidr_blocks = []
  }
  expect_failures = [var.ingress_cidr_blocks]
}

run "rejects_bad_bucket_name" {
  command = plan
  variables {
    access_logs_bucket_name = "My_Bucket"
  }
  expect_failures = [var.access_logs_bucket_name]
}

run "rejects_bad_retention" {
  command = plan
  variables {
    access_logs_retention_days = 0
  }
  expect_failures = [var.access_logs_retention_days]
}
