mock_provider "aws" {
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0tasks" }
  }
}

variables {
  name                  = "hello-test"
  tags                  = { Project = "hello" }
  vpc_id                = "vpc-0123abcd"
  alb_security_group_id = "sg-0alb"
}

run "ingress_only_from_the_alb" {
  command = apply

  assert {
    condition = (aws_security_group_rule.from_alb[0].type == "ingress" && aws_security_group_rule.from_alb[0].source_security_group_id == "sg-0alb" &&
    aws_security_group_rule.from_alb[0].from_port == 5000 && aws_security_group_rule.from_alb[0].to_port == 5000 && aws_security_group_rule.from_alb[0].protocol == "tcp")
    error_message = "Ingress must come only from the ALB SG on the container port."
  }
  assert {
    condition     = length(aws_security_group_rule.from_cidrs) == 0 && length(aws_security_group_rule.to_database) == 0
    error_message = "No CIDR ingress and no database egress by default."
  }
  assert {
    condition = (aws_security_group_rule.https_out.type == "egress" && aws_security_group_rule.https_out.from_port == 443 &&
    aws_security_group_rule.https_out.to_port == 443 && aws_security_group_rule.https_out.protocol == "tcp")
    error_message = "Egress must be HTTPS only."
  }
  assert {
    condition     = length(aws_security_group.tasks.ingress) == 0 && length(aws_security_group.tasks.egress) == 0
    error_message = "No inline rules (all rules are separate resources)."
  }
  assert {
    condition     = aws_security_group.tasks.tags["Project"] == "hello" && aws_security_group.tasks.tags["Name"] == "hello-test-tasks"
    error_message = "Tags must be applied."
  }
  assert {
    condition     = aws_security_group.tasks.name_prefix == "hello-test-tasks-"
    error_message = "The group needs name_prefix, not a fixed name: create_before_destroy makes the replacement while the old group still holds its name."
  }
}

run "internal_cidrs_and_database_without_alb" {
  command = apply

  variables {
    allow_from_alb             = false
    alb_security_group_id      = null
    ingress_cidr_blocks        = ["10.0.0.0/16"]
    allow_to_database          = true
    database_security_group_id = "sg-0db"
    container_port             = 8080
  }

  assert {
    condition     = length(aws_security_group_rule.from_alb) == 0 && tolist(aws_security_group_rule.from_cidrs[0].cidr_blocks) == tolist(["10.0.0.0/16"]) && aws_security_group_rule.from_cidrs[0].from_port == 8080
    error_message = "Without an ALB only the given CIDRs may reach the container port."
  }
  assert {
    condition     = aws_security_group_rule.to_database[0].type == "egress" && aws_security_group_rule.to_database[0].source_security_group_id == "sg-0db" && aws_security_group_rule.to_database[0].from_port == 5432
    error_message = "Egress to the database SG on 5432 must be allowed."
  }
}

run "rejects_bad_name" {
  command = plan
  variables { name = "A" }
  expect_failures = [var.name]
}

run "rejects_bad_vpc" {
  command = plan
  variables { vpc_id = "default" }
  expect_failures = [var.vpc_id]
}

run "rejects_bad_port" {
  command = plan
  variables { container_port = 22 }
  expect_failures = [var.container_port]
}

run "rejects_open_cidr" {
  command = plan
  variables { ingress_cidr_blocks = ["0.0.0.0/0"] }
  expect_failures = [var.ingress_cidr_blocks]
}

run "rejects_bad_database_port" {
  command = plan
  variables { database_port = 70000 }
  expect_failures = [var.database_port]
}

run "metrics_port_closed_by_default" {
  command = apply

  assert {
    condition     = length(aws_security_group_rule.metrics_from_cidrs) == 0
    error_message = "The metrics port must be closed unless CIDRs inside the VPC are given."
  }
}

run "metrics_port_from_the_vpc_only" {
  command = apply

  variables {
    metrics_cidr_blocks = ["10.0.0.0/16"]
  }

  assert {
    condition = (aws_security_group_rule.metrics_from_cidrs[0].type == "ingress" &&
      aws_security_group_rule.metrics_from_cidrs[0].from_port == 9090 && aws_security_group_rule.metrics_from_cidrs[0].to_port == 9090 &&
    aws_security_group_rule.metrics_from_cidrs[0].cidr_blocks == tolist(["10.0.0.0/16"]))
    error_message = "The metrics port must be open to the given VPC CIDR only."
  }
  assert {
    condition     = aws_security_group_rule.from_alb[0].from_port == 5000 && aws_security_group_rule.from_alb[0].to_port == 5000
    error_message = "The ALB must reach the container port only, never the metrics port."
  }
}

run "metrics_port_never_from_the_internet" {
  command = plan

  variables {
    metrics_cidr_blocks = ["0.0.0.0/0"]
  }

  expect_failures = [var.metrics_cidr_blocks]
}
