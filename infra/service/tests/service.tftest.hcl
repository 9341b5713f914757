# Unit tests of the service root: which image it deploys, and the wiring from
# the platform's outputs (remote state and SSM overridden; provider mocked).
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  # The digest ECR reports for any tag here.
  mock_data "aws_ecr_image" {
    defaults = { image_digest = "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/hello-test:1" }
  }
}

override_data {
  target = data.terraform_remote_state.platform
  values = {
    outputs = {
      region = "us-east-1"
      service_inputs = {
        name                       = "hello-test"
        environment                = {}
        secrets                    = {}
        tags                       = { Project = "hello" }
        max_retries                = 1
        cluster_name               = "hello-test"
        cluster_arn                = "arn:aws:ecs:us-east-1:123456789012:cluster/hello-test"
        service_name               = "hello-test"
        private_subnet_ids         = ["subnet-a", "subnet-b"]
        security_group_ids         = ["sg-0tasks"]
        ecr_repository_name        = "hello-test"
        ecr_repository_url         = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-test"
        image_tag_parameter        = "/hello/test/image-tag"
        task_execution_role_arn    = "arn:aws:iam::123456789012:role/hello-test-task-execution"
        task_role_arn              = "arn:aws:iam::123456789012:role/hello-test-task"
        log_group_name             = "/ecs/hello-test"
        container_name             = "app"
        container_port             = 5000
        enable_load_balancer       = true
        target_group_arn           = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hello-test/0123456789abcdef"
        listener_arn               = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/hello-test/0123456789abcdef/0123456789abcdef"
        alb_arn_suffix             = "app/hello-test/0123456789abcdef"
        target_group_arn_suffix    = "targetgroup/hello-test/0123456789abcdef"
        enable_autoscaling         = true
        capacity_provider_strategy = [{ capacity_provider = "FARGATE", weight = 1, base = 1 }]
        settings = {
          cpu                   = 256, memory = 512, cpu_architecture = "ARM64", desired_count = 2, log_level = "info",
          wait_for_steady_state = true, health_check_grace_period_seconds = 30, fargate_spot_weight = 0,
          min_capacity          = 2, max_capacity = 6, cpu_target_percent = 60, requests_per_target = 1000
        }
      }
    }
  }
}

override_data {
  target = data.aws_ssm_parameter.image_tag[0]
  values = { value = "deployedtag@sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" }
}

variables {
  environment  = "test"
  state_bucket = "hello-tfstate-test"
  state_region = "us-east-1"
}

run "deploys_the_given_tag" {
  command = plan

  variables {
    image_tag = "3f2c1ab"
  }

  assert {
    condition     = output.image == "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-test@sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" && output.image_tag == "3f2c1ab" && output.image_digest == "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
    error_message = "A given image_tag must be deployed by the digest it points to."
  }
  assert {
    condition     = length(data.aws_ssm_parameter.image_tag) == 0
    error_message = "With image_tag given, the parameter is not read."
  }
  assert {
    condition     = data.aws_ecr_image.this.image_tag == "3f2c1ab" && data.aws_ecr_image.this.repository_name == "hello-test"
    error_message = "The image must be checked in ECR."
  }
  assert {
    condition     = output.service_name == "hello-test" && output.task_definition_family == "hello-test" && output.cluster_name == "hello-test"
    error_message = "Names come from the platform."
  }
}

run "without_tag_keeps_the_deployed_one" {
  command = plan

  assert {
    condition     = output.image_tag == "deployedtag" && output.image == "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-test@sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
    error_message = "Without image_tag the image recorded in SSM must be kept, by digest (no rollback by infrastructure applies)."
  }
  assert {
    condition     = data.aws_ecr_image.this.image_tag == "deployedtag"
    error_message = "The recorded tag must be looked up in ECR."
  }
}

run "deploys_the_given_digest" {
  command = plan

  variables {
    image_tag    = "3f2c1ab"
    image_digest = "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
  }

  assert {
    condition     = output.image == "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-test@sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
    error_message = "A given digest must be what the task definition names."
  }
}

run "refuses_a_tag_that_points_elsewhere" {
  command = plan

  variables {
    image_tag    = "3f2c1ab"
    image_digest = "sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
  }

  expect_failures = [data.aws_ecr_image.this]
}

run "refuses_when_the_recorded_tag_was_pushed_again" {
  command = plan

  override_data {
    target = data.aws_ssm_parameter.image_tag[0]
    values = { value = "deployedtag@sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee" }
  }

  expect_failures = [data.aws_ecr_image.this]
}

run "reads_a_tag_recorded_before_digests" {
  command = plan

  override_data {
    target = data.aws_ssm_parameter.image_tag[0]
    values = { value = "oldtag" }
  }

  assert {
    condition     = output.image_tag == "oldtag" && output.image == "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-test@sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
    error_message = "A tag recorded alone must still deploy, by the digest it points to."
  }
}

run "rejects_bad_digest" {
  command = plan
  variables {
    image_tag    = "3f2c1ab"
    image_digest = "sha256:abc"
  }
  expect_failures = [var.image_digest]
}

run "rejects_digest_without_tag" {
  command = plan
  variables { image_digest = "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" }
  expect_failures = [var.image_digest]
}

run "refuses_when_nothing_was_deployed" {
  command = plan

  override_data {
    target = data.aws_ssm_parameter.image_tag[0]
    values = { value = "none" }
  }

  expect_failures = [data.aws_ecr_image.this]
}

run "passes_the_service_metrics_to_the_tasks" {
  command = plan

  override_data {
    target = data.terraform_remote_state.platform
    values = {
      outputs = {
        region = "us-east-1"
        service_inputs = {
          name                       = "hello-test"
          environment                = {}
          secrets                    = {}
          tags                       = { Project = "hello" }
          max_retries                = 1
          cluster_name               = "hello-test"
          cluster_arn                = "arn:aws:ecs:us-east-1:123456789012:cluster/hello-test"
          service_name               = "hello-test"
          private_subnet_ids         = ["subnet-a", "subnet-b"]
          security_group_ids         = ["sg-0tasks"]
          ecr_repository_name        = "hello-test"
          ecr_repository_url         = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-test"
          image_tag_parameter        = "/hello/test/image-tag"
          task_execution_role_arn    = "arn:aws:iam::123456789012:role/hello-test-task-execution"
          task_role_arn              = "arn:aws:iam::123456789012:role/hello-test-task"
          log_group_name             = "/ecs/hello-test"
          container_name             = "app"
          container_port             = 5000
          enable_load_balancer       = true
          target_group_arn           = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hello-test/0123456789abcdef"
          listener_arn               = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/hello-test/0123456789abcdef/0123456789abcdef"
          alb_arn_suffix             = "app/hello-test/0123456789abcdef"
          target_group_arn_suffix    = "targetgroup/hello-test/0123456789abcdef"
          enable_autoscaling         = true
          capacity_provider_strategy = [{ capacity_provider = "FARGATE", weight = 1, base = 1 }]
          service_metrics            = { namespace = "hello", service = "hello-test", environment = "test" }
          settings = {
            cpu                   = 256, memory = 512, cpu_architecture = "ARM64", desired_count = 2, log_level = "info",
            wait_for_steady_state = true, health_check_grace_period_seconds = 30, fargate_spot_weight = 0,
            min_capacity          = 2, max_capacity = 6, cpu_target_percent = 60, requests_per_target = 1000
          }
        }
      }
    }
  }

  assert {
    condition     = { for e in module.service.container_definition.environment : e.name => e.value if startswith(e.name, "METRICS_") && e.name != "METRICS_PORT" } == { METRICS_NAMESPACE = "hello", METRICS_SERVICE = "hello-test", METRICS_ENVIRONMENT = "test" }
    error_message = "The platform's service_metrics must reach the task definition as METRICS_* variables."
  }
}

run "a_platform_state_without_service_metrics_turns_emf_off" {
  command = plan

  assert {
    condition     = !contains([for e in module.service.container_definition.environment : e.name], "METRICS_NAMESPACE")
    error_message = "A platform applied before EMF existed (no service_metrics output) must plan, with EMF off."
  }
}

run "rejects_bad_tag" {
  command = plan
  variables { image_tag = "bad tag" }
  expect_failures = [var.image_tag]
}

run "rejects_bad_environment" {
  command = plan
  variables { environment = "Prod" }
  expect_failures = [var.environment]
}

run "rejects_bad_bucket" {
  command = plan
  variables { state_bucket = "B" }
  expect_failures = [var.state_bucket]
}

run "rejects_bad_region" {
  command = plan
  variables { state_region = "nowhere" }
  expect_failures = [var.state_region]
}
