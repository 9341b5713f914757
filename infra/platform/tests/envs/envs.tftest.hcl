# Plans the platform with one env file (infra/tests/unit.sh runs this suite
# once per infra/envs/<env>.tfvars with -var-file), so a bad value in an env
# file fails here and not at apply time.
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
}

variables {
  state_bucket = "hello-tfstate-test"
}

run "env_file_plans" {
  command = plan

  assert {
    condition     = output.service_name == "hello-${var.environment}"
    error_message = "The env file must plan."
  }
}
