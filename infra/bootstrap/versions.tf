terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # No backend block: this root creates the state bucket, so its own state is
  # local: scripts/tf.sh keeps it in infra/envs/<env>.bootstrap.tfstate
  # (git-ignored, outside build/). Keep that file; it is tiny. Losing it means
  # importing the bucket again before `bootstrap <env> destroy`.
}

provider "aws" {
  region              = var.region
  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null

  default_tags {
    tags = var.tags
  }
}
