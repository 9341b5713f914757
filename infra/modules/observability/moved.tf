# The alarms were one resource each until they became entries of two maps
# (main.tf): these blocks move each one in the state instead of destroying and
# recreating it. Keep them until every environment has applied this version.
moved {
  from = aws_cloudwatch_metric_alarm.error_rate[0]
  to   = aws_cloudwatch_metric_alarm.metric_math["5xx-rate"]
}

moved {
  from = aws_cloudwatch_metric_alarm.no_healthy_hosts[0]
  to   = aws_cloudwatch_metric_alarm.metric_math["no-healthy-hosts"]
}

moved {
  from = aws_cloudwatch_metric_alarm.unhealthy_hosts[0]
  to   = aws_cloudwatch_metric_alarm.single_metric["unhealthy-hosts"]
}

moved {
  from = aws_cloudwatch_metric_alarm.p99_latency[0]
  to   = aws_cloudwatch_metric_alarm.single_metric["p99-latency"]
}

moved {
  from = aws_cloudwatch_metric_alarm.cpu
  to   = aws_cloudwatch_metric_alarm.single_metric["cpu"]
}

moved {
  from = aws_cloudwatch_metric_alarm.memory
  to   = aws_cloudwatch_metric_alarm.single_metric["memory"]
}
