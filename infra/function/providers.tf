provider "aws" {
  region = var.region
  # The emulator sets 3 so an unsupported call fails fast instead of retrying for minutes.
  max_retries = var.max_retries

  default_tags {
    tags = local.tags
  }
}
