# Region, tags and retries come from the platform, so the two roots always agree.
provider "aws" {
  region      = local.platform_region
  max_retries = local.p.max_retries

  default_tags {
    tags = local.p.tags
  }
}
