mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:hello-test-alarms" }
  }
}

variables {
  name                    = "hello-test"
  tags                    = { Project = "hello" }
  cluster_name            = "hello-test"
  service_name            = "hello-test"
  alb_arn_suffix          = "app/hello-test/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/hello-test/0123456789abcdef"
  alarm_emails            = ["ops@example.com"]
}

run "all_alarms_to_an_encrypted_topic" {
  command = apply

  assert {
    condition     = length(output.alarm_names) == 6
    error_message = "Six alarms expected: 5xx rate, unhealthy, no healthy, p99, CPU, memory."
  }
  assert {
    condition     = aws_sns_topic.alarms[0].kms_master_key_id == aws_kms_key.sns[0].arn && aws_kms_key.sns[0].enable_key_rotation
    error_message = "The topic must be encrypted with a rotated customer-managed key."
  }
  assert {
    condition     = strcontains(aws_kms_key.sns[0].policy, "cloudwatch.amazonaws.com")
    error_message = "CloudWatch must be allowed to use the topic key."
  }
  assert {
    condition     = aws_sns_topic_subscription.email["ops@example.com"].protocol == "email"
    error_message = "Email subscriptions must be created."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu.alarm_actions == toset([aws_sns_topic.alarms[0].arn]) && aws_cloudwatch_metric_alarm.cpu.ok_actions == toset([aws_sns_topic.alarms[0].arn])
    error_message = "Alarms must notify the topic on ALARM and OK."
  }
  assert {
    condition     = one([for q in aws_cloudwatch_metric_alarm.error_rate[0].metric_query : q.expression if q.id == "rate"]) == "IF(requests > 0, 100 * (target5xx + elb5xx) / requests, 0)"
    error_message = "The 5xx alarm must be a rate over requests, both 5xx sources."
  }
  assert {
    condition     = toset([for q in aws_cloudwatch_metric_alarm.error_rate[0].metric_query : q.metric[0].metric_name if q.id != "rate"]) == toset(["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "RequestCount"])
    error_message = "The 5xx rate must use target 5xx, ALB 5xx and request counts."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.p99_latency[0].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.p99_latency[0].threshold == 1
    error_message = "Latency alarm must be on p99 above 1 s."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.unhealthy_hosts[0].dimensions["TargetGroup"] == var.target_group_arn_suffix && aws_cloudwatch_metric_alarm.no_healthy_hosts[0].treat_missing_data == "breaching"
    error_message = "Host alarms must watch the target group; no data means no healthy host."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu.dimensions["ServiceName"] == "hello-test" && aws_cloudwatch_metric_alarm.memory.metric_name == "MemoryUtilization"
    error_message = "Service alarms must watch the service."
  }
  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets) == 7
    error_message = "The dashboard must have 7 widgets (requests, latency, 5xx, hosts, CPU, memory, tasks)."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu.tags["Project"] == "hello" && aws_sns_topic.alarms[0].tags["Project"] == "hello"
    error_message = "Tags must be applied."
  }
}

run "without_alb_topic_or_dashboard" {
  command = apply

  variables {
    enable_load_balancer_alarms = false
    alb_arn_suffix              = null
    target_group_arn_suffix     = null
    create_sns_topic            = false
    enable_dashboard            = false
    alarm_actions               = ["arn:aws:sns:us-east-1:123456789012:pager"]
  }

  assert {
    condition     = toset(output.alarm_names) == toset(["hello-test-cpu", "hello-test-memory"])
    error_message = "Without an ALB only the service alarms remain."
  }
  assert {
    condition     = length(aws_sns_topic.alarms) == 0 && length(aws_kms_key.sns) == 0 && length(aws_sns_topic_subscription.email) == 0 && output.sns_topic_arn == null
    error_message = "No topic, key or subscription when disabled."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.cpu.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:pager"])
    error_message = "Extra alarm actions must be used."
  }
  assert {
    condition     = length(aws_cloudwatch_dashboard.this) == 0
    error_message = "No dashboard when disabled."
  }
}

run "given_key_and_service_only_dashboard" {
  command = apply

  variables {
    enable_load_balancer_alarms = false
    sns_kms_key_arn             = "arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-2222-3333-4444-555555555555"
  }

  assert {
    condition     = length(aws_kms_key.sns) == 0 && aws_sns_topic.alarms[0].kms_master_key_id == var.sns_kms_key_arn
    error_message = "A given key must be used instead of creating one."
  }
  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets) == 3
    error_message = "Without an ALB the dashboard shows CPU, memory and tasks."
  }
}

run "rejects_bad_name" {
  command = plan
  variables { name = "x" }
  expect_failures = [var.name]
}

run "rejects_bad_thresholds" {
  command = plan
  variables { thresholds = { cpu_percent = 150 } }
  expect_failures = [var.thresholds]
}

run "rejects_bad_datapoints" {
  command = plan
  variables { thresholds = { evaluation_periods = 2, datapoints_to_alarm = 3 } }
  expect_failures = [var.thresholds]
}

run "rejects_bad_key" {
  command = plan
  variables { sns_kms_key_arn = "alias/aws/sns" }
  expect_failures = [var.sns_kms_key_arn]
}

run "rejects_bad_email" {
  command = plan
  variables { alarm_emails = ["not-an-email"] }
  expect_failures = [var.alarm_emails]
}

run "rejects_bad_action" {
  command = plan
  variables { alarm_actions = ["pager"] }
  expect_failures = [var.alarm_actions]
}
