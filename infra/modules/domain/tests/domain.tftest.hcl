# Unit tests: mocked provider.
mock_provider "aws" {
  mock_data "aws_route53_zone" {
    defaults = { name = "example.com.", private_zone = false }
  }
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000001"
      domain_validation_options = [{
        domain_name           = "app.example.com"
        resource_record_name  = "_abc.app.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_def.acm-validations.aws."
      }]
    }
  }
  mock_resource "aws_acm_certificate_validation" {
    defaults = { certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000001" }
  }
}

variables {
  tags           = { Project = "hello" }
  domain_name    = "app.example.com"
  hosted_zone_id = "Z0123456789ABCDEFGHIJ"
  alb_dns_name   = "hello-dev-123.us-east-1.elb.amazonaws.com"
  alb_zone_id    = "Z35SXDOTRQ7X7K"
}

run "certificate_validated_in_the_zone_and_alias_to_the_alb" {
  command = apply

  assert {
    condition     = aws_acm_certificate.this[0].domain_name == "app.example.com" && aws_acm_certificate.this[0].validation_method == "DNS"
    error_message = "The certificate must be for domain_name, validated through DNS."
  }
  assert {
    condition = (aws_route53_record.validation["app.example.com"].zone_id == "Z0123456789ABCDEFGHIJ" &&
      aws_route53_record.validation["app.example.com"].name == "_abc.app.example.com." &&
      aws_route53_record.validation["app.example.com"].type == "CNAME" &&
    aws_route53_record.validation["app.example.com"].records == toset(["_def.acm-validations.aws."]))
    error_message = "The validation record must be the CNAME ACM asks for, in the zone."
  }
  assert {
    condition     = aws_acm_certificate_validation.this[0].certificate_arn == aws_acm_certificate.this[0].arn
    error_message = "The certificate must be waited for until issued."
  }
  assert {
    condition     = output.certificate_arn == aws_acm_certificate_validation.this[0].certificate_arn
    error_message = "The output must be the validated certificate, so the listener waits for issuance."
  }
  assert {
    condition = (aws_route53_record.alias.name == "app.example.com" && aws_route53_record.alias.type == "A" &&
      one(aws_route53_record.alias.alias).name == "hello-dev-123.us-east-1.elb.amazonaws.com" &&
    one(aws_route53_record.alias.alias).zone_id == "Z35SXDOTRQ7X7K")
    error_message = "The name must be an alias A record to the ALB."
  }
  assert {
    condition     = output.url == "https://app.example.com"
    error_message = "The URL must be https://<domain_name>."
  }
}

run "imported_certificate_gets_only_the_alias" {
  command = apply

  variables {
    create_certificate = false
  }

  assert {
    condition     = length(aws_acm_certificate.this) == 0 && length(aws_route53_record.validation) == 0 && output.certificate_arn == null
    error_message = "No certificate or validation record when the listener uses an imported certificate."
  }
  assert {
    condition     = aws_route53_record.alias.name == "app.example.com"
    error_message = "The alias record is still made."
  }
}

run "rejects_a_name_outside_the_zone" {
  command = plan

  variables {
    domain_name = "app.example.org"
  }

  expect_failures = [terraform_data.zone_check]
}

run "rejects_bad_domain_names" {
  command = plan

  variables {
    domain_name = "App.Example.com."
  }

  expect_failures = [var.domain_name]
}

run "rejects_a_wildcard" {
  command = plan

  variables {
    domain_name = "*.example.com"
  }

  expect_failures = [var.domain_name]
}

run "rejects_bad_zone_id" {
  command = plan

  variables {
    hosted_zone_id = "example.com"
  }

  expect_failures = [var.hosted_zone_id]
}
