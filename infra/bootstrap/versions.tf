terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # No backend block: this root creates the state bucket, so its own state is
  # local (infra/bootstrap/terraform.tfstate). Keep that file; it is tiny and
  # git-ignored. Losing it only means importing the bucket again.
}

provider "aws" {
  region              = var.region
  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null

  default_tags {
    tags = var.tags
  }
}
