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
    condition     = alltrue([for a in concat(values(aws_cloudwatch_metric_alarm.single_metric), values(aws_cloudwatch_metric_alarm.metric_math)) : a.alarm_actions == toset([aws_sns_topic.alarms[0].arn]) && a.ok_actions == toset([aws_sns_topic.alarms[0].arn])])
    error_message = "Every alarm must notify the topic on ALARM and OK."
  }
  assert {
    condition     = toset([for q in aws_cloudwatch_metric_alarm.metric_math["5xx-rate"].metric_query : q.metric[0].metric_name if q.id != "result"]) == toset(["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "RequestCount"])
    error_message = "The 5xx rate must use target 5xx, ALB 5xx and request counts."
  }
  assert {
    # Each count is published only when not zero: an unFILLed term leaves the
    # minute without data (target 5xx alone would never alarm).
    condition = alltrue([for m in ["target5xx", "elb5xx", "requests"] :
      strcontains(one([for q in aws_cloudwatch_metric_alarm.metric_math["5xx-rate"].metric_query : q.expression if q.id == "result"]), "FILL(${m}, 0)") &&
      !can(regex("\\b${m}\\b", replace(one([for q in aws_cloudwatch_metric_alarm.metric_math["5xx-rate"].metric_query : q.expression if q.id == "result"]), "FILL(${m}, 0)", "")))
    ])
    error_message = "Every term of the 5xx rate must be FILL(term, 0)."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.single_metric["p99-latency"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.single_metric["p99-latency"].statistic == null && aws_cloudwatch_metric_alarm.single_metric["p99-latency"].threshold == 1
    error_message = "Latency alarm must be on p99 above 1 s."
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.single_metric["unhealthy-hosts"].dimensions["TargetGroup"] == var.target_group_arn_suffix &&
    alltrue([for q in aws_cloudwatch_metric_alarm.metric_math["no-healthy-hosts"].metric_query : q.metric[0].dimensions["TargetGroup"] == var.target_group_arn_suffix if q.id != "result"]))
    error_message = "Host alarms must watch the target group."
  }
  assert {
    # A group with registered targets none of which is healthy alarms; one
    # with nothing registered reads 1 (OK).
    condition     = one([for q in aws_cloudwatch_metric_alarm.metric_math["no-healthy-hosts"].metric_query : q.expression if q.id == "result"]) == "IF(FILL(healthy, 0) + FILL(unhealthy, 0) > 0, FILL(healthy, 0), 1)"
    error_message = "The no-healthy-hosts alarm must read an empty target group as OK and registered-but-unhealthy as 0."
  }
  assert {
    # Before the first deploy nothing is registered: AWS then publishes no
    # host counts. That must read OK, not "breaching" (issue 9).
    condition     = aws_cloudwatch_metric_alarm.metric_math["no-healthy-hosts"].treat_missing_data == "notBreaching"
    error_message = "No data (an empty target group before the first deploy) must not alarm."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.single_metric["cpu"].dimensions["ServiceName"] == "hello-test" && aws_cloudwatch_metric_alarm.single_metric["memory"].metric_name == "MemoryUtilization"
    error_message = "Service alarms must watch the service."
  }
  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets) == 7
    error_message = "The dashboard must have 7 widgets (requests, latency, 5xx, hosts, CPU, memory, tasks)."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.single_metric["cpu"].tags["Project"] == "hello" && aws_cloudwatch_metric_alarm.metric_math["5xx-rate"].tags["Project"] == "hello" && aws_sns_topic.alarms[0].tags["Project"] == "hello"
    error_message = "Tags must be applied."
  }
}

run "service_metrics_alarms_and_widgets" {
  command = apply

  variables {
    service_metrics = { namespace = "hello", service = "hello-test", environment = "test" }
  }

  assert {
    condition = toset(output.alarm_names) == toset(["hello-test-5xx-rate", "hello-test-unhealthy-hosts", "hello-test-no-healthy-hosts", "hello-test-cpu", "hello-test-memory",
    "hello-test-service-5xx-rate", "hello-test-service-p99-latency"])
    error_message = "With the service's metrics: its own 5xx rate and p99 (replacing the ALB's p99), and the ALB alarms that still see what the service cannot."
  }
  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.single_metric), "p99-latency")
    error_message = "The ALB's p99 must give way to the service's own."
  }
  assert {
    condition     = [for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w.properties.title] == ["Service requests", "Service 5xx rate (%)", "Service latency (ms)", "In-flight requests", "Requests", "Latency (s)", "5xx", "Hosts", "CPU (%)", "Memory (%)", "Running tasks"]
    error_message = "The dashboard must lead with the service's own metrics, then the ALB's and the service's."
  }
  assert {
    condition     = alltrue([for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w.x + w.width <= 24])
    error_message = "Every widget must fit the 24-column grid."
  }
}

run "service_metrics_without_a_load_balancer" {
  command = apply

  variables {
    enable_load_balancer_alarms = false
    alb_arn_suffix              = null
    target_group_arn_suffix     = null
    service_metrics             = { namespace = "hello", service = "hello-test", environment = "test" }
  }

  assert {
    condition     = toset(output.alarm_names) == toset(["hello-test-cpu", "hello-test-memory", "hello-test-service-5xx-rate", "hello-test-service-p99-latency"])
    error_message = "Without an ALB the service's own 5xx rate and p99 still alarm."
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
    condition     = aws_cloudwatch_metric_alarm.single_metric["cpu"].alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:pager"]) && length(aws_cloudwatch_metric_alarm.metric_math) == 0
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

# The rule itself: modules/alarm-recipients. Here: that it stops this plan.
run "prod_refuses_the_placeholder_address" {
  command = plan

  variables {
    require_alarm_recipient = true
    alarm_emails            = ["replace-with-your-oncall@example.com"]
  }

  expect_failures = [aws_cloudwatch_metric_alarm.single_metric]
}

run "prod_accepts_a_real_looking_address" {
  command = plan

  variables {
    require_alarm_recipient = true
    alarm_emails            = ["oncall@my-org.com"]
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.single_metric) == 4
    error_message = "A real address is a recipient."
  }
}

run "prod_accepts_an_action_as_recipient" {
  command = plan

  variables {
    require_alarm_recipient = true
    alarm_emails            = []
    alarm_actions           = ["arn:aws:sns:us-east-1:123456789012:pager"]
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.single_metric) == 4
    error_message = "An alarm action is a recipient."
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
