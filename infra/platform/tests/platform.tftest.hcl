# Unit tests of the platform root: flags and their combinations (plan only,
# mocked provider). The modules' own suites test what each module builds.
mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-east-1a", "us-east-1b", "us-east-1c"] }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_elb_service_account" {
    defaults = { arn = "arn:aws:iam::127311923021:root" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_data "aws_route53_zone" {
    defaults = { name = "example.com.", private_zone = false }
  }
  mock_data "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
}

variables {
  environment  = "test"
  region       = "us-east-1"
  state_bucket = "hello-tfstate-test"
}

run "defaults" {
  command = plan

  assert {
    condition     = length(module.load_balancer) == 1 && length(module.waf) == 1 && length(module.database) == 0 && length(module.github_oidc) == 0
    error_message = "Defaults: ALB and WAF on, database and OIDC off."
  }
  assert {
    condition     = aws_ssm_parameter.image_tag.name == "/hello/test/image-tag" && aws_ssm_parameter.image_tag.value == "none"
    error_message = "The image-tag parameter must be /<name>/<env>/image-tag, created as \"none\"."
  }
  assert {
    condition     = output.service_inputs.enable_load_balancer && output.service_inputs.enable_autoscaling && output.service_inputs.container_port == 5000
    error_message = "The service must get the ALB and autoscaling by default."
  }
  assert {
    condition     = output.service_name == "hello-test" && output.cluster_name == "hello-test" && output.deploy_role_arn == null
    error_message = "Names must be <name>-<env>; no deploy role when OIDC is off."
  }
  assert {
    condition     = length(output.service_inputs.secrets) == 0 && length(output.service_inputs.environment) == 0
    error_message = "No database settings without a database."
  }
  assert {
    condition     = length(output.service_inputs.capacity_provider_strategy) == 1
    error_message = "Only FARGATE by default."
  }
  assert {
    condition     = output.service_inputs.service_metrics == { namespace = "hello", service = "hello-test", environment = "test" }
    error_message = "The service writes EMF metrics by default, under the name as namespace and its own Service/Environment."
  }
  assert {
    condition     = contains(module.observability.alarm_names, "hello-test-service-5xx-rate") && contains(module.observability.alarm_names, "hello-test-service-p99-latency")
    error_message = "The alarms must watch the service's own metrics by default."
  }
}

run "metrics_namespace_off" {
  command = plan

  variables { metrics_namespace = "" }

  assert {
    condition     = output.service_inputs.service_metrics == null && !contains(module.observability.alarm_names, "hello-test-service-5xx-rate")
    error_message = "metrics_namespace \"\" turns the service's metrics and their alarms off."
  }
}

run "everything_on" {
  command = plan

  variables {
    nat_mode                    = "per_az"
    enable_vpc_endpoints        = true
    enable_flow_logs            = true
    enable_https                = true
    domain_name                 = "app.example.com"
    certificate_arn             = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    alb_access_logs             = true
    enable_database             = true
    create_github_oidc          = true
    create_github_oidc_provider = false
    github_repository           = "my-org/hello-server"
    service                     = { fargate_spot_weight = 2 }
  }

  assert {
    condition     = length(module.database) == 1 && length(module.github_oidc) == 1 && length(module.waf) == 1
    error_message = "Database, OIDC and WAF must be created."
  }
  assert {
    condition     = toset(keys(output.service_inputs.secrets)) == toset(["DATABASE_USER", "DATABASE_PASSWORD"]) && toset(keys(output.service_inputs.environment)) == toset(["DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME"])
    error_message = "Database credentials must go to the container as secrets, the rest as environment."
  }
  assert {
    condition     = [for s in output.service_inputs.capacity_provider_strategy : s.capacity_provider] == ["FARGATE", "FARGATE_SPOT"]
    error_message = "Spot weight must add FARGATE_SPOT after a FARGATE base."
  }
}

run "without_alb" {
  command = plan

  variables {
    enable_alb         = false
    enable_waf         = false
    enable_autoscaling = false
  }

  assert {
    condition     = length(module.load_balancer) == 0 && length(module.waf) == 0
    error_message = "No ALB or WAF when enable_alb is off."
  }
  assert {
    condition     = output.app_url == null && output.alb_dns_name == null
    error_message = "No URL without an ALB."
  }
  assert {
    condition     = !output.service_inputs.enable_load_balancer && output.service_inputs.target_group_arn == null && !output.service_inputs.enable_autoscaling
    error_message = "The service must run without a load balancer (and autoscaling off here)."
  }
}

run "rejects_waf_without_alb" {
  command = plan
  variables {
    enable_alb = false
    enable_waf = true
  }
  expect_failures = [terraform_data.flag_checks]
}

run "rejects_https_without_alb" {
  command = plan
  variables {
    enable_alb      = false
    enable_waf      = false
    enable_https    = true
    certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  }
  expect_failures = [terraform_data.flag_checks]
}

run "rejects_no_nat_without_endpoints" {
  command = plan
  variables { nat_mode = "none" }
  expect_failures = [terraform_data.flag_checks]
}

run "rejects_bad_repository" {
  command = plan
  variables { github_repository = "my-org/*" }
  expect_failures = [var.github_repository]
}

run "rejects_bad_name" {
  command = plan
  variables { name = "Hello" }
  expect_failures = [var.name]
}

run "rejects_bad_environment" {
  command = plan
  variables { environment = "my-env-name-too-long" }
  expect_failures = [var.environment]
}

run "rejects_bad_region" {
  command = plan
  variables { region = "moon-1" }
  expect_failures = [var.region]
}

run "rejects_bad_retries" {
  command = plan
  variables { max_retries = -1 }
  expect_failures = [var.max_retries]
}

run "rejects_bad_state_bucket" {
  command = plan
  variables { state_bucket = "Bad_Bucket" }
  expect_failures = [var.state_bucket]
}

run "rejects_bad_nat_mode" {
  command = plan
  variables { nat_mode = "double" }
  expect_failures = [var.nat_mode]
}

run "rejects_bad_spot_weight" {
  command = plan
  variables { service = { fargate_spot_weight = -1 } }
  expect_failures = [var.service]
}

run "rejects_bad_fargate_size" {
  command = plan
  variables { service = { cpu = 256, memory = 4096 } }
  expect_failures = [var.service]
}

run "rejects_bad_architecture" {
  command = plan
  variables { service = { cpu_architecture = "arm" } }
  expect_failures = [var.service]
}

run "rejects_bad_capacity" {
  command = plan
  variables { service = { min_capacity = 3, max_capacity = 2 } }
  expect_failures = [var.service]
}

####  HTTPS only under a name a certificate can cover  ####

run "https_with_domain_and_zone_gets_a_validated_certificate" {
  command = plan

  variables {
    enable_https   = true
    domain_name    = "app.example.com"
    hosted_zone_id = "Z0123456789ABCDEFGHIJ"
  }

  assert {
    condition     = length(module.domain) == 1 && output.app_url == "https://app.example.com"
    error_message = "A domain and zone must give the certificate + alias, and app_url https://<domain>."
  }
}

run "https_with_imported_certificate_and_own_dns" {
  command = plan

  variables {
    enable_https    = true
    domain_name     = "app.example.com"
    certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  }

  assert {
    condition     = length(module.domain) == 0 && output.app_url == "https://app.example.com"
    error_message = "With a certificate and no zone: no records made, app_url is still the certificate's name."
  }
}

run "domain_without_https_is_plain_http_on_that_name" {
  command = plan

  variables {
    domain_name    = "app.example.com"
    hosted_zone_id = "Z0123456789ABCDEFGHIJ"
  }

  assert {
    condition     = length(module.domain) == 1 && output.app_url == "http://app.example.com"
    error_message = "A domain without HTTPS gets the alias record and an http URL."
  }
}

run "rejects_https_on_the_alb_name" {
  # https://<ALB DNS name> cannot be verified by any client: no certificate covers it.
  command = plan
  variables {
    enable_https    = true
    certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  }
  expect_failures = [terraform_data.flag_checks]
}

run "rejects_https_without_certificate_or_zone" {
  command = plan
  variables {
    enable_https = true
    domain_name  = "app.example.com"
  }
  expect_failures = [terraform_data.flag_checks]
}

run "rejects_zone_without_domain" {
  command = plan
  variables {
    hosted_zone_id = "Z0123456789ABCDEFGHIJ"
  }
  expect_failures = [terraform_data.flag_checks]
}

run "rejects_bad_domain_name" {
  command = plan
  variables {
    domain_name = "https://app.example.com"
  }
  expect_failures = [var.domain_name]
}

run "rejects_bad_hosted_zone_id" {
  command = plan
  variables {
    domain_name    = "app.example.com"
    hosted_zone_id = "example.com"
  }
  expect_failures = [var.hosted_zone_id]
}

run "rejects_bad_certificate_arn" {
  command = plan
  variables {
    domain_name     = "app.example.com"
    enable_https    = true
    certificate_arn = "my-cert"
  }
  expect_failures = [var.certificate_arn]
}
