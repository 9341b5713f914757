# The zone must exist and hold domain_name: a wrong zone fails the plan with
# a message instead of leaving a certificate waiting for validation.
data "aws_route53_zone" "this" {
  zone_id = var.hosted_zone_id
}

locals {
  zone_name = trimsuffix(data.aws_route53_zone.this.name, ".")
}

resource "terraform_data" "zone_check" {
  input = local.zone_name

  lifecycle {
    precondition {
      condition     = var.domain_name == local.zone_name || endswith(var.domain_name, ".${local.zone_name}")
      error_message = "domain_name ${var.domain_name} is not in hosted zone ${var.hosted_zone_id} (${local.zone_name})."
    }
    precondition {
      condition     = data.aws_route53_zone.this.private_zone != true
      error_message = "hosted zone ${var.hosted_zone_id} is private: ACM validates through public DNS, and clients could not resolve the name."
    }
  }
}

####  Certificate  ####

resource "aws_acm_certificate" "this" {
  count = var.create_certificate ? 1 : 0

  domain_name       = var.domain_name
  validation_method = "DNS"
  tags              = merge(var.tags, { Name = var.domain_name })

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  # A replacement (e.g. a new domain_name) is issued before the listener lets go of the old one.
  lifecycle {
    create_before_destroy = true
  }

  depends_on = [terraform_data.zone_check]
}

locals {
  # Keyed by the name (known at plan), not by the options (known after apply).
  validation = var.create_certificate ? {
    for o in aws_acm_certificate.this[0].domain_validation_options : o.domain_name => o
  } : {}
}

# The CNAME ACM looks for; ACM renews the certificate while it exists.
resource "aws_route53_record" "validation" {
  for_each = var.create_certificate ? toset([var.domain_name]) : toset([])

  zone_id         = var.hosted_zone_id
  name            = local.validation[each.key].resource_record_name
  type            = local.validation[each.key].resource_record_type
  records         = [local.validation[each.key].resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

# Waits until ACM has issued the certificate (on AWS: minutes after the
# validation record appears), so the listener only ever gets an issued one.
resource "aws_acm_certificate_validation" "this" {
  count = var.create_certificate ? 1 : 0

  certificate_arn         = aws_acm_certificate.this[0].arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

####  Name -> ALB  ####

# A only: the ALB is IPv4 (ip_address_type "ipv4"), an AAAA alias would answer nothing.
resource "aws_route53_record" "alias" {
  zone_id = var.hosted_zone_id
  name    = var.domain_name
  type    = "A"

  alias {
    name                   = var.alb_dns_name
    zone_id                = var.alb_zone_id
    evaluate_target_health = true
  }

  depends_on = [terraform_data.zone_check]
}
