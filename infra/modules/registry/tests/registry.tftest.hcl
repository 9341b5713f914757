mock_provider "aws" {
  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:eu-west-1:123456789012:repository/hello"
      registry_id    = "123456789012"
      repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/hello"
    }
  }
}

variables {
  name = "hello-service"
  tags = { Project = "hello" }
}

run "secure_defaults" {
  command = plan

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "Tags must be immutable."
  }
  assert {
    condition     = aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push
    error_message = "Scan on push must be on."
  }
  assert {
    condition     = aws_ecr_repository.this.encryption_configuration[0].encryption_type == "AES256"
    error_message = "Default encryption must be AES256."
  }
  assert {
    condition     = aws_ecr_repository.this.force_delete == false
    error_message = "force_delete must default to false."
  }
  assert {
    condition     = aws_ecr_repository.this.tags["Project"] == "hello"
    error_message = "Tags must reach the repository."
  }
}

run "lifecycle_policy_expires_untagged_and_old_tagged" {
  command = plan

  variables {
    keep_tagged_images   = 12
    untagged_expire_days = 3
  }

  assert {
    condition = (
      jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection.tagStatus == "untagged" &&
      jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection.countNumber == 3 &&
      jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection.countType == "sinceImagePushed"
    )
    error_message = "Rule 1 must expire untagged images after untagged_expire_days."
  }
  assert {
    condition = (
      jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection.tagStatus == "tagged" &&
      jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection.countType == "imageCountMoreThan" &&
      jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection.countNumber == 12
    )
    error_message = "Rule 2 must keep keep_tagged_images tagged images."
  }
}

run "kms_encryption_with_key" {
  command = plan

  variables {
    encryption_type = "KMS"
    kms_key_arn     = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_ecr_repository.this.encryption_configuration[0].encryption_type == "KMS"
    error_message = "Encryption type must be KMS."
  }
  assert {
    condition     = aws_ecr_repository.this.encryption_configuration[0].kms_key == "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "The given KMS key must be used."
  }
}

run "scan_on_push_off_and_force_delete_on" {
  command = plan

  variables {
    scan_on_push = false
    force_delete = true
  }

  assert {
    condition     = !aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push && aws_ecr_repository.this.force_delete
    error_message = "The flags must reach the repository."
  }
}

run "apply_outputs" {
  command = apply

  assert {
    condition     = output.repository_arn == "arn:aws:ecr:eu-west-1:123456789012:repository/hello" && output.registry_id == "123456789012"
    error_message = "Outputs must come from the repository."
  }
}

run "rejects_mutable_tags" {
  command = plan
  variables {
    image_tag_mutability = "MUTABLE"
  }
  expect_failures = [var.image_tag_mutability]
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "Hello_Service"
  }
  expect_failures = [var.name]
}

run "rejects_bad_encryption_type" {
  command = plan
  variables {
    encryption_type = "SSE"
  }
  expect_failures = [var.encryption_type]
}

run "rejects_bad_kms_arn" {
  command = plan
  variables {
    encryption_type = "KMS"
    kms_key_arn     = "not-an-arn"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_kms_key_with_aes256" {
  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }
  expect_failures = [aws_ecr_repository.this]
}

run "rejects_zero_kept_images" {
  command = plan
  variables {
    keep_tagged_images = 0
  }
  expect_failures = [var.keep_tagged_images]
}

run "rejects_bad_untagged_days" {
  command = plan
  variables {
    untagged_expire_days = 1.5
  }
  expect_failures = [var.untagged_expire_days]
}
