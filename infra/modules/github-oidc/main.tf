data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

# An account has one provider per URL: one environment creates it, the
# others (create_oidc_provider = false) look it up.
data "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 0 : 1
  url   = "https://${local.github_host}"
}

locals {
  github_host  = "token.actions.githubusercontent.com"
  provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

  # The exact `sub` claims GitHub presents (no wildcards): a job with
  # `environment: <env>` (deploy.yml, infra.yml's applies), and a pull
  # request job without an environment (infra.yml's plans).
  environment_subject  = "repo:${var.repository}:environment:${var.github_environment}"
  pull_request_subject = "repo:${var.repository}:pull_request"

  arn_prefix          = "arn:${data.aws_partition.current.partition}"
  region_account      = "${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
  account_id          = data.aws_caller_identity.current.account_id
  task_definition_arn = "${local.arn_prefix}:ecs:${local.region_account}:task-definition/${var.task_definition_family}:*"
  bucket_arn          = "${local.arn_prefix}:s3:::${var.state_bucket_name}"
  platform_lock_key   = "${var.platform_state_key}.tflock"
  service_lock_key    = "${var.service_state_key}.tflock"

  state_key_statement = var.state_kms_key_arn == null ? [] : [{
    Sid      = "StateBucketKey"
    Effect   = "Allow"
    Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
    Resource = [var.state_kms_key_arn]
  }]
}

####  OIDC provider  ####

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.github_host}"
  client_id_list = ["sts.amazonaws.com"]
  # AWS no longer checks these for GitHub (it trusts its own CA store), but
  # the API still accepts them and older accounts expect them.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
  tags            = var.tags
}

####  Roles: deploy and infra (environment jobs), plan (pull requests)  ####

locals {
  roles = {
    deploy = { subject = local.environment_subject, description = "GitHub Actions deploys (deploy.yml) of ${var.repository} to ${var.github_environment}" }
    infra  = { subject = local.environment_subject, description = "GitHub Actions infrastructure applies (infra.yml) of ${var.repository} to ${var.github_environment}" }
    plan   = { subject = local.pull_request_subject, description = "GitHub Actions read-only plans (infra.yml, pull requests) of ${var.repository} for ${var.github_environment}" }
  }
  policies = {
    deploy = local.deploy_statements
    infra  = local.infra_statements
    plan   = local.plan_statements
  }
}

resource "aws_iam_role" "this" {
  for_each = local.roles

  name                 = "${var.name}-github-${each.key}"
  description          = each.value.description
  max_session_duration = var.max_session_duration
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubActionsOidc"
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.provider_arn }
      Condition = {
        StringEquals = {
          "${local.github_host}:aud" = "sts.amazonaws.com"
          "${local.github_host}:sub" = each.value.subject
        }
      }
    }]
  })
  tags = var.tags
}

# Built with jsonencode so that the unit tests (mocked provider) see the real
# documents. Resource "*" appears only where AWS offers no resource-level
# permission for the action (each such statement says so).
resource "aws_iam_role_policy" "this" {
  for_each = local.roles

  name   = "${var.name}-github-${each.key}"
  role   = aws_iam_role.this[each.key].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.policies[each.key] })
}

# Before the plan and infra roles, the deploy role was a single resource.
moved {
  from = aws_iam_role.deploy
  to   = aws_iam_role.this["deploy"]
}

moved {
  from = aws_iam_role_policy.deploy
  to   = aws_iam_role_policy.this["deploy"]
}
