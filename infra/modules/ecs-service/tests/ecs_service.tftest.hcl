# Unit tests: mocked provider.
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/hello-test:1" }
  }
  mock_resource "aws_ecs_service" {
    defaults = { id = "arn:aws:ecs:us-east-1:123456789012:service/hello-test/hello-test" }
  }
}

variables {
  name                    = "hello-test"
  tags                    = { Project = "hello" }
  cluster_name            = "hello-test"
  cluster_arn             = "arn:aws:ecs:us-east-1:123456789012:cluster/hello-test"
  security_group_ids      = ["sg-0tasks"]
  private_subnet_ids      = ["subnet-a", "subnet-b"]
  image                   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello:3f2c1ab"
  task_execution_role_arn = "arn:aws:iam::123456789012:role/hello-test-task-execution"
  task_role_arn           = "arn:aws:iam::123456789012:role/hello-test-task"
  log_group_name          = "/ecs/hello-test"
  target_group_arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hello-test/0123456789abcdef"
  listener_arn            = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/hello-test/0123456789abcdef/0123456789abcdef"
  alb_arn_suffix          = "app/hello-test/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/hello-test/0123456789abcdef"
}

run "defaults_are_hardened" {
  command = apply

  assert {
    condition     = aws_ecs_task_definition.this.requires_compatibilities == toset(["FARGATE"]) && aws_ecs_task_definition.this.network_mode == "awsvpc"
    error_message = "Task must be Fargate with awsvpc."
  }
  assert {
    condition     = aws_ecs_task_definition.this.runtime_platform[0].cpu_architecture == "ARM64" && aws_ecs_task_definition.this.cpu == "256" && aws_ecs_task_definition.this.memory == "512"
    error_message = "Default size must be 0.25 vCPU / 512 MiB on ARM64."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem == true
    error_message = "Root filesystem must be read-only."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].user == "65532:65532" && jsondecode(aws_ecs_task_definition.this.container_definitions)[0].privileged == false
    error_message = "Container must run as a non-root user, unprivileged."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].linuxParameters.capabilities.drop == ["ALL"]
    error_message = "All capabilities must be dropped."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.command == ["CMD", "/server", "--healthcheck"]
    error_message = "Health check must run the binary's --healthcheck."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].stopTimeout == 30
    error_message = "stopTimeout must default to 30 s."
  }
  assert {
    condition = (jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.logDriver == "awslogs" &&
    jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["awslogs-group"] == "/ecs/hello-test")
    error_message = "Logs must go to the log group with awslogs."
  }
  assert {
    condition = (jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["mode"] == "non-blocking" &&
    jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["max-buffer-size"] == "25m")
    error_message = "The awslogs driver must be non-blocking with a bounded buffer (a stalled log stream must not stall the service)."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings[0].containerPort == 5000
    error_message = "Container port must default to 5000."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings[1].containerPort == 9090 && jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings[1].name == "metrics"
    error_message = "The metrics port (9090) must be mapped, named metrics."
  }
  assert {
    condition     = one(aws_ecs_service.this.load_balancer).container_port == 5000
    error_message = "Only the container port is registered with the load balancer, never the metrics port."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value } == { PORT = "5000", METRICS_PORT = "9090", LOG_LEVEL = "info" }
    error_message = "PORT and LOG_LEVEL must be set."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].ulimits[0].name == "nofile"
    error_message = "nofile ulimit must be set."
  }
  assert {
    condition     = aws_ecs_service.this.network_configuration[0].assign_public_ip == false && aws_ecs_service.this.network_configuration[0].subnets == toset(["subnet-a", "subnet-b"])
    error_message = "Tasks must run in the private subnets without public IPs."
  }
  assert {
    condition     = aws_ecs_service.this.deployment_circuit_breaker[0].enable && aws_ecs_service.this.deployment_circuit_breaker[0].rollback
    error_message = "Circuit breaker with rollback must be on."
  }
  assert {
    condition     = aws_ecs_task_definition.this.skip_destroy == true
    error_message = "A deploy must not deregister the previous task definition revision (skip_destroy): it is the rollback target."
  }
  assert {
    condition     = aws_ecs_service.this.force_new_deployment == true
    error_message = "force_new_deployment must be true: without it provider 5.x replaces the service (an outage) when capacity_provider_strategy changes (fargate_spot_weight)."
  }
  assert {
    condition     = aws_ecs_service.this.deployment_minimum_healthy_percent == 100 && aws_ecs_service.this.deployment_maximum_percent == 200
    error_message = "Deployments must keep 100% healthy and surge to 200%."
  }
  assert {
    condition     = aws_ecs_service.this.enable_execute_command == false && aws_ecs_service.this.propagate_tags == "SERVICE"
    error_message = "ECS Exec must be off and tags propagated."
  }
  assert {
    condition     = one(aws_ecs_service.this.load_balancer).target_group_arn == var.target_group_arn && one(aws_ecs_service.this.load_balancer).container_port == 5000
    error_message = "Service must register with the target group."
  }
  assert {
    condition     = aws_ecs_service.this.health_check_grace_period_seconds == 30 && aws_ecs_service.this.wait_for_steady_state
    error_message = "Grace period and steady-state wait must be on."
  }
  assert {
    condition     = aws_ecs_service.this.network_configuration[0].security_groups == toset(["sg-0tasks"])
    error_message = "Tasks must use the given security group."
  }
  assert {
    condition     = aws_appautoscaling_target.this[0].min_capacity == 2 && aws_appautoscaling_target.this[0].max_capacity == 6 && aws_appautoscaling_target.this[0].resource_id == "service/hello-test/hello-test"
    error_message = "Autoscaling target must cover this service, 2-6 tasks."
  }
  assert {
    condition     = aws_appautoscaling_policy.cpu[0].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization"
    error_message = "CPU target tracking must be on."
  }
  assert {
    condition     = aws_appautoscaling_policy.requests[0].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].resource_label == "app/hello-test/0123456789abcdef/targetgroup/hello-test/0123456789abcdef"
    error_message = "Request-count tracking must use <alb suffix>/<target group suffix>."
  }
  assert {
    condition     = aws_ecs_service.this.tags["Project"] == "hello" && aws_ecs_task_definition.this.tags["Project"] == "hello"
    error_message = "Tags must be applied."
  }
}

run "without_load_balancer_or_autoscaling" {
  command = apply

  variables {
    enable_load_balancer  = false
    enable_autoscaling    = false
    target_group_arn      = null
    wait_for_steady_state = false
  }

  assert {
    condition     = length(aws_ecs_service.this.load_balancer) == 0 && aws_ecs_service.this.health_check_grace_period_seconds == null
    error_message = "No load balancer block without a load balancer."
  }
  assert {
    condition     = length(aws_appautoscaling_target.this) == 0 && length(aws_appautoscaling_policy.cpu) == 0 && length(aws_appautoscaling_policy.requests) == 0
    error_message = "No autoscaling when disabled."
  }
  assert {
    condition     = aws_ecs_service.this.wait_for_steady_state == false
    error_message = "wait_for_steady_state must be passed through."
  }
}

run "autoscaling_without_load_balancer_tracks_cpu_only" {
  command = plan

  variables {
    enable_load_balancer = false
  }

  assert {
    condition     = length(aws_appautoscaling_policy.cpu) == 1 && length(aws_appautoscaling_policy.requests) == 0
    error_message = "Without an ALB only CPU can be tracked."
  }
}

run "database_secrets_and_sizes" {
  command = apply

  variables {
    cpu                        = 1024
    memory                     = 3072
    cpu_architecture           = "X86_64"
    log_level                  = "debug"
    environment                = { FEATURE = "on" }
    secrets                    = { DATABASE_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-abc" }
    capacity_provider_strategy = [{ capacity_provider = "FARGATE_SPOT", weight = 1 }]
    autoscaling                = { min_capacity = 1, max_capacity = 10, cpu_target_percent = 50 }
  }

  assert {
    condition     = aws_ecs_task_definition.this.cpu == "1024" && aws_ecs_task_definition.this.memory == "3072" && aws_ecs_task_definition.this.runtime_platform[0].cpu_architecture == "X86_64"
    error_message = "Sizes and architecture must be passed through."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets == [{ name = "DATABASE_SECRET", valueFrom = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-abc" }]
    error_message = "Secrets must be ECS secrets (valueFrom), never plain environment."
  }
  assert {
    condition     = !contains([for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name], "DATABASE_SECRET")
    error_message = "A secret must never appear in the plain environment."
  }
  assert {
    condition     = one(aws_ecs_service.this.capacity_provider_strategy).capacity_provider == "FARGATE_SPOT"
    error_message = "Capacity provider strategy must be passed through."
  }
  assert {
    condition     = aws_appautoscaling_target.this[0].max_capacity == 10 && aws_appautoscaling_policy.cpu[0].target_tracking_scaling_policy_configuration[0].target_value == 50
    error_message = "Autoscaling settings must be passed through."
  }
}

run "rejects_invalid_fargate_pair" {
  command = plan
  variables { memory = 4096 }
  expect_failures = [aws_ecs_task_definition.this]
}

run "rejects_missing_target_group" {
  command = plan
  variables { target_group_arn = null }
  expect_failures = [aws_ecs_service.this]
}

run "rejects_missing_suffixes" {
  command = plan
  variables { alb_arn_suffix = null }
  expect_failures = [aws_appautoscaling_policy.requests]
}

run "rejects_bad_name" {
  command = plan
  variables { name = "-bad" }
  expect_failures = [var.name]
}

run "rejects_bad_cluster_arn" {
  command = plan
  variables { cluster_arn = "hello" }
  expect_failures = [var.cluster_arn]
}

run "rejects_no_security_groups" {
  command = plan
  variables { security_group_ids = [] }
  expect_failures = [var.security_group_ids]
}

run "rejects_no_subnets" {
  command = plan
  variables { private_subnet_ids = [] }
  expect_failures = [var.private_subnet_ids]
}

run "rejects_bad_strategy" {
  command = plan
  variables { capacity_provider_strategy = [{ capacity_provider = "EC2" }] }
  expect_failures = [var.capacity_provider_strategy]
}

run "rejects_bad_image" {
  command = plan
  variables { image = "hello" }
  expect_failures = [var.image]
}

run "rejects_bad_container_name" {
  command = plan
  variables { container_name = "a b" }
  expect_failures = [var.container_name]
}

run "rejects_privileged_port" {
  command = plan
  variables { container_port = 80 }
  expect_failures = [var.container_port]
}

run "rejects_bad_cpu" {
  command = plan
  variables { cpu = 300 }
  expect_failures = [var.cpu]
}

run "rejects_bad_architecture" {
  command = plan
  variables { cpu_architecture = "arm64" }
  expect_failures = [var.cpu_architecture]
}

run "rejects_bad_log_level" {
  command = plan
  variables { log_level = "trace" }
  expect_failures = [var.log_level]
}

run "service_metrics_as_environment" {
  command = plan

  variables {
    service_metrics = { namespace = "hello", service = "hello-test", environment = "test" }
  }

  assert {
    condition = { for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value } == {
      PORT = "5000", METRICS_PORT = "9090", LOG_LEVEL = "info", METRICS_NAMESPACE = "hello", METRICS_SERVICE = "hello-test", METRICS_ENVIRONMENT = "test"
    }
    error_message = "The service must get METRICS_NAMESPACE, METRICS_SERVICE and METRICS_ENVIRONMENT (EMF on)."
  }
}

run "rejects_reserved_environment" {
  command = plan
  variables { environment = { PORT = "80" } }
  expect_failures = [var.environment]
}

run "rejects_bad_secret" {
  command = plan
  variables { secrets = { DB = "plaintext-password" } }
  expect_failures = [var.secrets]
}

run "rejects_bad_health_check" {
  command = plan
  variables { health_check = { interval = 5, timeout = 10 } }
  expect_failures = [var.health_check]
}

run "rejects_bad_stop_timeout" {
  command = plan
  variables { stop_timeout = 600 }
  expect_failures = [var.stop_timeout]
}

run "rejects_bad_nofile" {
  command = plan
  variables { nofile_limit = 10 }
  expect_failures = [var.nofile_limit]
}

run "rejects_bad_roles" {
  command = plan
  variables {
    task_role_arn           = "task"
    task_execution_role_arn = "exec"
  }
  expect_failures = [var.task_role_arn, var.task_execution_role_arn]
}

run "rejects_bad_desired_count" {
  command = plan
  variables { desired_count = -1 }
  expect_failures = [var.desired_count]
}

run "rejects_bad_grace_period" {
  command = plan
  variables { health_check_grace_period_seconds = 7200 }
  expect_failures = [var.health_check_grace_period_seconds]
}

run "rejects_bad_autoscaling" {
  command = plan
  variables { autoscaling = { min_capacity = 5, max_capacity = 2 } }
  expect_failures = [var.autoscaling]
}
