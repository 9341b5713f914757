####  Deploy role, function deploys: exactly what scripts/deploy-function.sh calls  ####
#
# A policy of its own on the deploy role, only when var.deploy_function is set.
# tests/function/test_deploy_permissions.py checks that the lambda: actions
# below are exactly the Lambda calls the script makes, so the two cannot drift.

locals {
  # Placeholders when there is no function: the statements are then dropped.
  deploy_fn    = coalesce(var.deploy_function, { name = "none", state_key = "none.tfstate" })
  function_arn = "${local.arn_prefix}:lambda:${local.region_account}:function:${local.deploy_fn.name}"

  deploy_function_statements = [for s in [
    {
      # Read the function root's outputs (tf.sh function <env> output): its
      # state object only, never written (Terraform applies it, not deploys).
      Sid       = "ListOnlyTheFunctionState"
      Effect    = "Allow"
      Action    = ["s3:ListBucket"]
      Resource  = [local.bucket_arn]
      Condition = { StringEquals = { "s3:prefix" = [local.deploy_fn.state_key] } }
    },
    {
      Sid      = "ReadFunctionState"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = ["${local.bucket_arn}/${local.deploy_fn.state_key}"]
    },
    {
      # AWS authorizes a call naming a version or alias (get-function-configuration
      # --qualifier) against the qualified ARN, <function>:<qualifier>; the
      # other calls against the function's own ARN. `:*` covers this
      # function's versions and aliases only (no other function's name can
      # follow "function:<name>:").
      Sid    = "PublishAndAliasThisFunction"
      Effect = "Allow"
      Action = [
        "lambda:GetAlias", "lambda:GetFunctionConfiguration", "lambda:ListVersionsByFunction",
        "lambda:PublishVersion", "lambda:UpdateAlias", "lambda:UpdateFunctionCode",
      ]
      Resource = [local.function_arn, "${local.function_arn}:*"]
    },
  ] : s if var.deploy_function != null]
}

resource "aws_iam_role_policy" "deploy_function" {
  count = var.deploy_function == null ? 0 : 1

  name   = "${var.name}-github-deploy-function"
  role   = aws_iam_role.this["deploy"].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.deploy_function_statements })
}
