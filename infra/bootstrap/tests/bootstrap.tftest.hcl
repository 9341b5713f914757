mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::hello-tfstate-123456789012"
      id  = "hello-tfstate-123456789012"
    }
  }
}

variables {
  region            = "eu-west-1"
  state_bucket_name = "hello-tfstate-123456789012"
  tags              = { Project = "hello" }
}

run "state_bucket_versioned_encrypted_blocked_tls_only" {
  command = apply

  assert {
    condition     = aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "The state bucket must be versioned."
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "The state bucket must be encrypted (SSE-S3 by default)."
  }
  assert {
    condition = (
      aws_s3_bucket_public_access_block.state.block_public_acls && aws_s3_bucket_public_access_block.state.block_public_policy &&
      aws_s3_bucket_public_access_block.state.ignore_public_acls && aws_s3_bucket_public_access_block.state.restrict_public_buckets
    )
    error_message = "All four public access blocks must be on."
  }
  assert {
    condition     = aws_s3_bucket_ownership_controls.state.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }
  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.state[0].policy).Statement :
      s.Effect == "Deny" && s.Principal == "*" && s.Action == "s3:*" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false" &&
      toset(s.Resource) == toset(["arn:aws:s3:::hello-tfstate-123456789012", "arn:aws:s3:::hello-tfstate-123456789012/*"])
    ])
    error_message = "The bucket policy must deny every non-TLS request to the bucket and its objects."
  }
  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.state.rule[0].noncurrent_version_expiration[0].noncurrent_days == 90 &&
      coalesce(aws_s3_bucket_lifecycle_configuration.state.rule[0].noncurrent_version_expiration[0].newer_noncurrent_versions, 0) == 0 &&
      aws_s3_bucket_lifecycle_configuration.state.rule[0].status == "Enabled"
    )
    error_message = "Old state versions must expire after 90 days by default."
  }
  assert {
    condition     = aws_s3_bucket.state.force_destroy == false
    error_message = "The state bucket must not be force-destroyable by default."
  }
  assert {
    condition     = output.backend_config == "bucket       = \"hello-tfstate-123456789012\"\nregion       = \"eu-west-1\"\nencrypt      = true\nuse_lockfile = true\n"
    error_message = "The backend snippet must name the bucket and region, with encryption and S3 native locking."
  }
  assert {
    condition     = output.state_bucket_arn == "arn:aws:s3:::hello-tfstate-123456789012"
    error_message = "The bucket ARN must be an output."
  }
}

run "kms_encryption" {
  command = apply

  variables {
    sse_algorithm = "aws:kms"
    kms_key_arn   = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = (
      one(one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" &&
      one(one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn &&
      one(aws_s3_bucket_server_side_encryption_configuration.state.rule).bucket_key_enabled
    )
    error_message = "SSE-KMS must use the given key with a bucket key."
  }
  assert {
    condition     = strcontains(output.backend_config, "kms_key_id   = \"${var.kms_key_arn}\"")
    error_message = "The backend snippet must name the KMS key."
  }
}

run "keep_newest_versions" {
  command = plan

  variables {
    noncurrent_versions_to_keep        = 10
    noncurrent_version_expiration_days = 30
  }

  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.state.rule[0].noncurrent_version_expiration[0].newer_noncurrent_versions == 10 &&
      aws_s3_bucket_lifecycle_configuration.state.rule[0].noncurrent_version_expiration[0].noncurrent_days == 30
    )
    error_message = "The newest noncurrent versions must be kept when asked for."
  }
}

run "emulator_without_tls_policy" {
  command = plan

  variables {
    enforce_tls   = false
    force_destroy = true
  }

  assert {
    condition     = length(aws_s3_bucket_policy.state) == 0 && aws_s3_bucket.state.force_destroy
    error_message = "enforce_tls = false must drop the TLS-only policy (emulator only)."
  }
}

run "rejects_uppercase_bucket" {
  command = plan
  variables {
    state_bucket_name = "Hello-State"
  }
  expect_failures = [var.state_bucket_name]
}

run "rejects_short_bucket" {
  command = plan
  variables {
    state_bucket_name = "ab"
  }
  expect_failures = [var.state_bucket_name]
}

run "rejects_ip_bucket" {
  command = plan
  variables {
    state_bucket_name = "192.168.1.10"
  }
  expect_failures = [var.state_bucket_name]
}

run "rejects_double_dot_bucket" {
  command = plan
  variables {
    state_bucket_name = "hello..state"
  }
  expect_failures = [var.state_bucket_name]
}

run "rejects_reserved_prefix_bucket" {
  command = plan
  variables {
    state_bucket_name = "xn--hello-state"
  }
  expect_failures = [var.state_bucket_name]
}

run "rejects_reserved_suffix_bucket" {
  command = plan
  variables {
    state_bucket_name = "hello-state-s3alias"
  }
  expect_failures = [var.state_bucket_name]
}

run "rejects_bad_region" {
  command = plan
  variables {
    region = "Ireland"
  }
  expect_failures = [var.region]
}

run "rejects_bad_sse" {
  command = plan
  variables {
    sse_algorithm = "aws:kms:dsse-x"
  }
  expect_failures = [var.sse_algorithm]
}

run "rejects_bad_kms_arn" {
  command = plan
  variables {
    sse_algorithm = "aws:kms"
    kms_key_arn   = "alias/aws/s3"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_kms_key_with_aes256" {
  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }
  expect_failures = [aws_s3_bucket.state]
}

run "rejects_bad_account_id" {
  command = plan
  variables {
    allowed_account_ids = ["1234"]
  }
  expect_failures = [var.allowed_account_ids]
}

run "rejects_zero_expiration" {
  command = plan
  variables {
    noncurrent_version_expiration_days = 0
  }
  expect_failures = [var.noncurrent_version_expiration_days]
}

run "rejects_negative_versions_kept" {
  command = plan
  variables {
    noncurrent_versions_to_keep = -1
  }
  expect_failures = [var.noncurrent_versions_to_keep]
}
