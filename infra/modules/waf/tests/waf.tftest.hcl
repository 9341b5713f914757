mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_wafv2_web_acl" {
    defaults = { arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/test/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-test" }
  }
}

variables {
  name    = "test"
  tags    = { Project = "hello" }
  alb_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/test/50dc6c495c0c9188"
}

run "defaults_managed_rules_and_rate_limit" {
  command = plan

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "REGIONAL" && length(aws_wafv2_web_acl.this.default_action[0].allow) == 1
    error_message = "The web ACL must be regional and allow what no rule blocks."
  }
  assert {
    condition = toset([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].managed_rule_group_statement[0].name if length(r.statement[0].managed_rule_group_statement) > 0
    ]) == toset(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"])
    error_message = "The common and known-bad-inputs managed rule groups must be on, and nothing else by default."
  }
  assert {
    condition = alltrue([
      for r in aws_wafv2_web_acl.this.rule : length(r.override_action[0].none) == 1 if length(r.statement[0].managed_rule_group_statement) > 0
    ])
    error_message = "Managed rule groups must keep their own (blocking) actions."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0] if length(r.statement[0].rate_based_statement) > 0
    ]).limit == 2000
    error_message = "There must be one rate-based rule with the default limit of 2000 per 5 minutes."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r if length(r.statement[0].rate_based_statement) > 0
    ]).statement[0].rate_based_statement[0].aggregate_key_type == "IP"
    error_message = "The rate limit must be per client IP."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r if length(r.statement[0].rate_based_statement) > 0
    ]).action[0].block != []
    error_message = "The rate-based rule must block."
  }
  assert {
    condition = alltrue(concat(
      [for r in aws_wafv2_web_acl.this.rule : r.visibility_config[0].cloudwatch_metrics_enabled && r.visibility_config[0].sampled_requests_enabled],
      [aws_wafv2_web_acl.this.visibility_config[0].cloudwatch_metrics_enabled, aws_wafv2_web_acl.this.visibility_config[0].sampled_requests_enabled],
    ))
    error_message = "Metrics and sampled requests must be on for the ACL and every rule."
  }
  assert {
    condition     = aws_wafv2_web_acl_association.alb.resource_arn == var.alb_arn
    error_message = "The web ACL must be associated with the ALB."
  }
  assert {
    condition     = length(aws_cloudwatch_log_group.this) == 0 && length(aws_wafv2_web_acl_logging_configuration.this) == 0
    error_message = "Logging must be off by default."
  }
  assert {
    condition     = aws_wafv2_web_acl.this.tags["Project"] == "hello"
    error_message = "Tags must reach the web ACL."
  }
}

run "ip_reputation_and_count_overrides" {
  command = plan

  variables {
    rate_limit_per_5min        = 500
    extra_managed_rule_groups  = ["AWSManagedRulesAmazonIpReputationList"]
    common_rule_set_count_only = ["SizeRestrictions_BODY"]
  }

  assert {
    condition = contains([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].managed_rule_group_statement[0].name if length(r.statement[0].managed_rule_group_statement) > 0
    ], "AWSManagedRulesAmazonIpReputationList")
    error_message = "The IP reputation list must be added when asked for."
  }
  assert {
    condition     = length(distinct([for r in aws_wafv2_web_acl.this.rule : r.priority])) == 4
    error_message = "Rule priorities must be unique."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].managed_rule_group_statement[0] if length(r.statement[0].managed_rule_group_statement) > 0 && r.name == "AWSManagedRulesCommonRuleSet"
    ]).rule_action_override[0].name == "SizeRestrictions_BODY"
    error_message = "The count-only override must apply to the common rule set."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0] if length(r.statement[0].rate_based_statement) > 0
    ]).limit == 500
    error_message = "The rate limit must follow rate_limit_per_5min."
  }
}

run "logging_on" {
  command = apply

  variables {
    enable_logging     = true
    log_retention_days = 90
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].name == "aws-waf-logs-test" && aws_cloudwatch_log_group.this[0].retention_in_days == 90
    error_message = "WAF logs must go to aws-waf-logs-<name> with the given retention."
  }
  assert {
    condition     = aws_wafv2_web_acl_logging_configuration.this[0].log_destination_configs == toset(["arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-test"])
    error_message = "The logging configuration must point at the log group."
  }
  assert {
    condition     = toset([for f in aws_wafv2_web_acl_logging_configuration.this[0].redacted_fields : f.single_header[0].name]) == toset(["authorization", "cookie"])
    error_message = "Authorization and cookie headers must be redacted from the logs."
  }
  assert {
    condition     = output.log_group_name == "aws-waf-logs-test" && output.web_acl_arn == "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/test/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
    error_message = "Outputs must be set."
  }
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "bad name"
  }
  expect_failures = [var.name]
}

run "rejects_bad_alb_arn" {
  command = plan
  variables {
    alb_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/nlb/123"
  }
  expect_failures = [var.alb_arn]
}

run "rejects_too_low_rate_limit" {
  command = plan
  variables {
    rate_limit_per_5min = 99
  }
  expect_failures = [var.rate_limit_per_5min]
}

run "rejects_too_high_rate_limit" {
  command = plan
  variables {
    rate_limit_per_5min = 2000000001
  }
  expect_failures = [var.rate_limit_per_5min]
}

run "rejects_bad_managed_group" {
  command = plan
  variables {
    extra_managed_rule_groups = ["IpReputation"]
  }
  expect_failures = [var.extra_managed_rule_groups]
}

run "rejects_repeated_builtin_group" {
  command = plan
  variables {
    extra_managed_rule_groups = ["AWSManagedRulesCommonRuleSet"]
  }
  expect_failures = [var.extra_managed_rule_groups]
}

run "rejects_bad_count_rule" {
  command = plan
  variables {
    common_rule_set_count_only = ["Size Restrictions"]
  }
  expect_failures = [var.common_rule_set_count_only]
}

run "rejects_bad_retention" {
  command = plan
  variables {
    log_retention_days = 2
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_bad_kms_key" {
  command = plan
  variables {
    log_kms_key_arn = "key"
  }
  expect_failures = [var.log_kms_key_arn]
}
