data "aws_region" "current" {}

# A name CloudWatch or the binary would refuse fails the plan, not every task's start.
module "service_metrics" {
  source = "../emf-metrics"

  metrics = var.service_metrics
}

locals {
  # Fargate's valid cpu -> memory (MiB) table.
  fargate_memory = {
    256   = [512, 1024, 2048]
    512   = [for gb in range(1, 5) : gb * 1024]
    1024  = [for gb in range(2, 9) : gb * 1024]
    2048  = [for gb in range(4, 17) : gb * 1024]
    4096  = [for gb in range(8, 31) : gb * 1024]
    8192  = [for gb in range(16, 61, 4) : gb * 1024]
    16384 = [for gb in range(32, 121, 8) : gb * 1024]
  }

  environment = merge(var.environment, {
    PORT         = tostring(var.container_port)
    METRICS_PORT = tostring(var.metrics_port)
    LOG_LEVEL    = var.log_level
    }, var.service_metrics == null ? {} : {
    METRICS_NAMESPACE   = var.service_metrics.namespace
    METRICS_SERVICE     = var.service_metrics.service
    METRICS_ENVIRONMENT = var.service_metrics.environment
  })

  container = {
    name      = var.container_name
    image     = var.image
    essential = true
    portMappings = [{
      name          = "http"
      containerPort = var.container_port
      hostPort      = var.container_port
      protocol      = "tcp"
      appProtocol   = "http"
      }, {
      # Not in the service's load_balancer block: the ALB never reaches it.
      name          = "metrics"
      containerPort = var.metrics_port
      hostPort      = var.metrics_port
      protocol      = "tcp"
      appProtocol   = "http"
    }]
    # Hardening: read-only root, non-root user, no capabilities, not privileged.
    readonlyRootFilesystem = true
    user                   = "65532:65532"
    privileged             = false
    linuxParameters = {
      capabilities = { add = [], drop = ["ALL"] }
      # The scratch image has no init; the server handles SIGTERM as PID 1.
      initProcessEnabled = false
    }
    healthCheck = {
      command     = ["CMD", "/server", "--healthcheck"]
      interval    = var.health_check.interval
      timeout     = var.health_check.timeout
      retries     = var.health_check.retries
      startPeriod = var.health_check.start_period
    }
    stopTimeout = var.stop_timeout
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = var.log_group_name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = var.container_name
        # A slow CloudWatch Logs must never stall stdout (and so the service):
        # the driver buffers up to max-buffer-size, then drops lines.
        mode              = "non-blocking"
        "max-buffer-size" = "25m"
      }
    }
    environment    = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]
    secrets        = [for k in sort(keys(var.secrets)) : { name = k, valueFrom = var.secrets[k] }]
    ulimits        = [{ name = "nofile", softLimit = var.nofile_limit, hardLimit = var.nofile_limit }]
    mountPoints    = []
    volumesFrom    = []
    systemControls = []
  }
}

####  Task definition  ####

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  execution_role_arn       = var.task_execution_role_arn
  task_role_arn            = var.task_role_arn
  container_definitions    = jsonencode([local.container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # A new revision leaves the previous one ACTIVE: it stays a rollback target
  # (scripts/deploy.sh re-applies the previous tag; an operator can point the
  # service at it by hand), and the service never briefly names an INACTIVE one.
  skip_destroy = true

  tags = var.tags

  lifecycle {
    precondition {
      condition     = contains(local.fargate_memory[var.cpu], var.memory)
      error_message = "memory ${var.memory} MiB is not valid for cpu ${var.cpu} on Fargate; valid: ${join(", ", [for m in local.fargate_memory[var.cpu] : tostring(m)])}."
    }
  }
}

####  Service  ####

resource "aws_ecs_service" "this" {
  name                               = var.name
  cluster                            = var.cluster_arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.desired_count
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = var.enable_load_balancer ? var.health_check_grace_period_seconds : null
  enable_execute_command             = false
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  wait_for_steady_state              = var.wait_for_steady_state
  # The AWS provider (5.x, capacityProviderStrategyCustomizeDiff) replaces the
  # service on any capacity_provider_strategy change unless
  # force_new_deployment is true: then a weight change is an in-place update
  # rolled out as a normal deployment, not a delete + create (an outage).
  force_new_deployment = true
  # Spread tasks evenly over the AZs again after an AZ outage or scale-in.
  availability_zone_rebalancing = "ENABLED"

  deployment_controller {
    type = "ECS"
  }

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy
    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      weight            = capacity_provider_strategy.value.weight
      base              = capacity_provider_strategy.value.base
    }
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = var.enable_load_balancer ? [1] : []
    content {
      target_group_arn = var.target_group_arn
      container_name   = var.container_name
      container_port   = var.container_port
    }
  }

  # A failed deployment stops and rolls back to the last working one.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = var.tags

  # The target group must be attached to the ALB (through the listener) first.
  depends_on = [terraform_data.listener]

  lifecycle {
    # Autoscaling owns the running count; desired_count is only the start.
    ignore_changes = [desired_count]

    precondition {
      condition     = !var.enable_load_balancer || var.target_group_arn != null
      error_message = "enable_load_balancer needs target_group_arn."
    }
  }
}

# Carries the listener ARN so the service can depend on the listener when the
# ALB is created in the same apply (one-root use).
resource "terraform_data" "listener" {
  input = var.listener_arn
}

####  Autoscaling  ####

resource "aws_appautoscaling_target" "this" {
  count = var.enable_autoscaling ? 1 : 0

  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.autoscaling.min_capacity
  max_capacity       = var.autoscaling.max_capacity
  tags               = var.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  count = var.enable_autoscaling ? 1 : 0

  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling.cpu_target_percent
    scale_in_cooldown  = var.autoscaling.scale_in_cooldown
    scale_out_cooldown = var.autoscaling.scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  count = var.enable_autoscaling && var.enable_load_balancer ? 1 : 0

  name               = "${var.name}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling.requests_per_target
    scale_in_cooldown  = var.autoscaling.scale_in_cooldown
    scale_out_cooldown = var.autoscaling.scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.alb_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }

  lifecycle {
    precondition {
      condition     = var.alb_arn_suffix != null && var.target_group_arn_suffix != null
      error_message = "Autoscaling on requests per target needs alb_arn_suffix and target_group_arn_suffix."
    }
  }
}
