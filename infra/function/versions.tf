terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Partial configuration: bucket, region and key come from
  # infra/envs/<env>.s3.tfbackend and scripts/tf.sh (key function/<env>.tfstate).
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
