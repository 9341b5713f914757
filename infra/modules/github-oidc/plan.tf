####  Plan role: read-only `terraform plan -lock=false` of both roots (scripts/ci/tf-plan.sh)  ####

locals {
  plan_statements = concat([
    {
      # Describe/Get/List of the services the two roots use, as AWS's
      # ReadOnlyAccess does for them, without its s3:GetObject on every
      # bucket or ssm:GetParameter on every parameter.
      Sid    = "ReadTheStackConfiguration"
      Effect = "Allow"
      Action = [
        "acm:DescribeCertificate", "acm:ListTagsForCertificate",
        "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies",
        "application-autoscaling:ListTagsForResource",
        "cloudwatch:DescribeAlarms", "cloudwatch:GetDashboard", "cloudwatch:ListTagsForResource",
        "ec2:Describe*",
        "ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource",
        "ecs:DescribeCapacityProviders", "ecs:DescribeClusters", "ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:ListTagsForResource",
        "elasticloadbalancing:Describe*",
        "iam:GetOpenIDConnectProvider", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole", "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies", "iam:ListOpenIDConnectProviders", "iam:ListRolePolicies",
        "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags",
        "logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
        "rds:DescribeDBInstances", "rds:DescribeDBParameterGroups", "rds:DescribeDBParameters", "rds:DescribeDBSubnetGroups", "rds:ListTagsForResource",
        # data "aws_route53_zone" lists the zones even when given a zone id.
        "route53:GetChange", "route53:GetHostedZone", "route53:ListHostedZones", "route53:ListResourceRecordSets", "route53:ListTagsForResource",
        "s3:GetAccelerateConfiguration", "s3:GetBucket*", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration",
        "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy",
        "sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource",
        "ssm:DescribeParameters",
        "wafv2:GetLoggingConfiguration", "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:ListTagsForResource",
      ]
      Resource = "*"
    },
    {
      Sid       = "ListOnlyTheStateObjects"
      Effect    = "Allow"
      Action    = ["s3:ListBucket"]
      Resource  = [local.bucket_arn]
      Condition = { StringEquals = { "s3:prefix" = [var.platform_state_key, var.service_state_key] } }
    },
    {
      # The provider reads the access-log buckets (<name>-alb-logs-<random>)
      # with a HeadBucket (s3:ListBucket); refused, the plan would replace
      # the bucket and the five resources configuring it.
      Sid      = "SeeThisEnvironmentsBuckets"
      Effect   = "Allow"
      Action   = ["s3:ListBucket"]
      Resource = ["${local.arn_prefix}:s3:::${var.name}-*"]
    },
    {
      # Plans run with -lock=false: no lock file is written.
      Sid      = "ReadThisEnvironmentsState"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = ["${local.bucket_arn}/${var.platform_state_key}", "${local.bucket_arn}/${var.service_state_key}"]
    },
    {
      Sid      = "ReadImageTagParameter"
      Effect   = "Allow"
      Action   = ["ssm:GetParameter", "ssm:ListTagsForResource"]
      Resource = [var.image_tag_parameter_arn]
    },
  ], local.state_key_statement)
}
