mock_provider "aws" {}

variables {
  name          = "hello-test"
  tags          = { Project = "hello" }
  metrics       = { namespace = "hello", service = "hello-test", environment = "test" }
  alarm_actions = ["arn:aws:sns:us-east-1:123456789012:hello-test-alarms"]
}

run "alarms_on_the_services_own_metrics" {
  command = apply

  assert {
    condition     = output.alarm_names == ["hello-test-service-5xx-rate", "hello-test-service-p99-latency"]
    error_message = "Two alarms expected: the service's 5xx rate and p99 latency."
  }
  assert {
    condition = alltrue([for q in aws_cloudwatch_metric_alarm.error_rate.metric_query : q.metric[0].namespace == "hello" &&
      q.metric[0].dimensions == tomap({ Service = "hello-test", Environment = "test" }) && q.metric[0].stat == "Sum" && q.metric[0].period == 60
    if q.id != "result"])
    error_message = "The 5xx rate must sum the service's metrics under its namespace and Service/Environment dimensions, per minute."
  }
  assert {
    condition     = { for q in aws_cloudwatch_metric_alarm.error_rate.metric_query : q.id => q.metric[0].metric_name if q.id != "result" } == { requests = "Requests", errors = "Requests5xx" }
    error_message = "The 5xx rate must divide Requests5xx by Requests (the names the service writes)."
  }
  assert {
    condition     = one([for q in aws_cloudwatch_metric_alarm.error_rate.metric_query : q.expression if q.id == "result"]) == "IF(FILL(requests, 0) > 0, 100 * FILL(errors, 0) / FILL(requests, 0), 0)"
    error_message = "An idle minute (no line from an idle function) must read 0 %, not missing data."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.error_rate.threshold == 5 && aws_cloudwatch_metric_alarm.error_rate.comparison_operator == "GreaterThanThreshold"
    error_message = "Default: more than 5 % of requests 5xx."
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.p99_latency.metric_name == "Latency" && aws_cloudwatch_metric_alarm.p99_latency.extended_statistic == "p99" &&
      aws_cloudwatch_metric_alarm.p99_latency.statistic == null && aws_cloudwatch_metric_alarm.p99_latency.threshold == 1000 &&
    aws_cloudwatch_metric_alarm.p99_latency.namespace == "hello" && aws_cloudwatch_metric_alarm.p99_latency.dimensions == tomap({ Service = "hello-test", Environment = "test" }))
    error_message = "The latency alarm must be on the service's Latency p99 above 1000 ms (the metric is in milliseconds)."
  }
  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.error_rate, aws_cloudwatch_metric_alarm.p99_latency] :
      a.alarm_actions == toset(var.alarm_actions) && a.ok_actions == toset(var.alarm_actions) && a.treat_missing_data == "notBreaching" &&
    a.evaluation_periods == 5 && a.datapoints_to_alarm == 3 && a.tags["Project"] == "hello"])
    error_message = "Both alarms: actions on ALARM and OK, no traffic is no alarm, 3 of 5 periods, tags."
  }
  assert {
    condition     = [for w in output.dashboard_widgets : w.title] == ["Service requests", "Service 5xx rate (%)", "Service latency (ms)", "In-flight requests"]
    error_message = "Dashboard widgets: requests, 5xx rate, latency, in-flight."
  }
  assert {
    condition     = alltrue([for w in output.dashboard_widgets : alltrue([for m in w.metrics : can(m[0].expression) || (m[0] == "hello" && contains(m, "hello-test") && contains(m, "test"))])])
    error_message = "Every widget metric must name the service's namespace and dimensions."
  }
}

run "thresholds_are_settable" {
  command = plan

  variables {
    thresholds = { error_rate_percent = 1, p99_latency_ms = 250, period_seconds = 300, evaluation_periods = 3, datapoints_to_alarm = 2 }
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.error_rate.threshold == 1 && aws_cloudwatch_metric_alarm.p99_latency.threshold == 250 && aws_cloudwatch_metric_alarm.p99_latency.period == 300 && aws_cloudwatch_metric_alarm.p99_latency.datapoints_to_alarm == 2
    error_message = "Thresholds must be applied."
  }
}

run "rejects_a_sub_minute_period" {
  command = plan
  variables { thresholds = { period_seconds = 10 } }
  expect_failures = [var.thresholds]
}

run "rejects_bad_rate" {
  command = plan
  variables { thresholds = { error_rate_percent = 0 } }
  expect_failures = [var.thresholds]
}

run "rejects_bad_action" {
  command = plan
  variables { alarm_actions = ["pager"] }
  expect_failures = [var.alarm_actions]
}
