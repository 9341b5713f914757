# Plans the function root with one env file (infra/tests/unit.sh runs this
# suite once per infra/envs/<env>.function.tfvars with -var-file), so a bad
# value in an env file fails here and not at apply time.
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
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

run "env_file_plans_with_a_cost_guard" {
  command = plan

  assert {
    condition     = output.function_name == "hello-${var.environment}"
    error_message = "The env file must plan."
  }
  assert {
    condition     = var.function.reserved_concurrency >= 1
    error_message = "Every env must cap the function's concurrency (the cost guard)."
  }
}
