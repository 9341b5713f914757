mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d", "eu-west-1e", "eu-west-1f"]
    }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vpc-flow-logs/test" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/test-flow-logs" }
  }
}

variables {
  name = "test"
  tags = { Project = "hello" }
}

run "defaults_two_zones_single_nat" {
  command = plan

  assert {
    condition     = length(aws_subnet.public) == 2 && length(aws_subnet.private) == 2
    error_message = "Default must create one public and one private subnet in each of 2 zones."
  }
  assert {
    condition     = aws_subnet.public[0].availability_zone == "eu-west-1a" && aws_subnet.private[1].availability_zone == "eu-west-1b"
    error_message = "Subnets must be spread over the first available zones."
  }
  assert {
    condition     = aws_subnet.public[0].cidr_block == "10.0.0.0/20" && aws_subnet.private[0].cidr_block == "10.0.128.0/20"
    error_message = "Subnet CIDRs must follow the documented layout (public index 0-5, private index 8-13)."
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1 && length(aws_route.private_nat) == 2
    error_message = "nat_mode single must create one NAT gateway routed from every private route table."
  }
  assert {
    condition     = length(aws_vpc_endpoint.interface) == 0 && length(aws_vpc_endpoint.s3) == 0 && output.vpc_endpoints_security_group_id == null
    error_message = "VPC endpoints must be off by default, with a null security group output."
  }
  assert {
    condition     = length(aws_flow_log.this) == 0 && length(aws_iam_role.flow_logs) == 0
    error_message = "Flow logs must be off by default."
  }
  assert {
    condition     = aws_vpc.this.enable_dns_hostnames && aws_vpc.this.enable_dns_support
    error_message = "DNS support and hostnames must be on (interface endpoints need them)."
  }
  assert {
    condition     = aws_route.public_internet.destination_cidr_block == "0.0.0.0/0"
    error_message = "The public route table must route to the internet gateway."
  }
  assert {
    condition     = aws_vpc.this.tags["Project"] == "hello" && aws_subnet.private[0].tags["Tier"] == "private" && aws_nat_gateway.this[0].tags["Project"] == "hello"
    error_message = "Tags must reach every resource."
  }
}

run "security_private_subnets_map_no_public_ip" {
  command = plan

  variables {
    az_count = 3
  }

  assert {
    condition     = alltrue([for s in aws_subnet.private : s.map_public_ip_on_launch == false])
    error_message = "Private subnets must not map public IPs."
  }
  assert {
    condition     = alltrue([for s in aws_subnet.public : s.map_public_ip_on_launch == false])
    error_message = "Public subnets must not auto-assign public IPs either (FSBP EC2.15)."
  }
}

run "security_default_sg_has_no_rules" {
  command = apply

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group must have no ingress and no egress rules."
  }
}

run "per_az_nat" {
  command = apply

  variables {
    az_count = 3
    nat_mode = "per_az"
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_eip.nat) == 3 && length(aws_route.private_nat) == 3
    error_message = "nat_mode per_az must create one NAT gateway and route per zone."
  }
  assert {
    condition     = aws_nat_gateway.this[2].subnet_id == aws_subnet.public[2].id && aws_route.private_nat[2].nat_gateway_id == aws_nat_gateway.this[2].id
    error_message = "Each zone's NAT gateway must sit in that zone's public subnet and serve that zone's private route table."
  }
  assert {
    condition     = length(aws_route_table.private) == 3
    error_message = "There must be one private route table per zone."
  }
}

run "no_nat" {
  command = apply

  variables {
    nat_mode = "none"
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_eip.nat) == 0 && length(aws_route.private_nat) == 0
    error_message = "nat_mode none must create no NAT gateway and no default route."
  }
  assert {
    condition     = length(output.nat_public_ips) == 0 && length(output.private_route_table_ids) == 2
    error_message = "nat_public_ips must be empty and private route tables still exist."
  }
}

run "explicit_zones_and_six_azs" {
  command = plan

  variables {
    az_count           = 6
    availability_zones = ["eu-west-1f", "eu-west-1e", "eu-west-1d", "eu-west-1c", "eu-west-1b", "eu-west-1a"]
  }

  assert {
    condition     = aws_subnet.public[0].availability_zone == "eu-west-1f" && aws_subnet.private[5].cidr_block == "10.0.208.0/20"
    error_message = "Explicit zones must be used in order, and six zones must fit the layout."
  }
}

run "vpc_endpoints_on" {
  command = apply

  variables {
    nat_mode                  = "none"
    enable_vpc_endpoints      = true
    interface_endpoints_extra = ["secretsmanager", "ssm"]
  }

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"])
    error_message = "Interface endpoints must be ECR api, ECR dkr, logs and the extras."
  }
  assert {
    condition     = aws_vpc_endpoint.interface["ecr.dkr"].service_name == "com.amazonaws.eu-west-1.ecr.dkr" && aws_vpc_endpoint.interface["logs"].private_dns_enabled
    error_message = "Interface endpoints must use the regional service name with private DNS."
  }
  assert {
    condition     = aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway" && length(aws_vpc_endpoint.s3[0].route_table_ids) == 2
    error_message = "The S3 gateway endpoint must be attached to every private route table."
  }
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.vpc_endpoints_https[0].cidr_ipv4 == "10.0.0.0/16" &&
      aws_vpc_security_group_ingress_rule.vpc_endpoints_https[0].from_port == 443 &&
      aws_vpc_security_group_ingress_rule.vpc_endpoints_https[0].to_port == 443
    )
    error_message = "The endpoint security group must allow only 443 from the VPC CIDR."
  }
  assert {
    condition     = output.vpc_endpoints_security_group_id != null && length(output.vpc_endpoint_ids) == 6
    error_message = "Endpoint outputs must be set when endpoints are on."
  }
}

run "flow_logs_on_least_privilege" {
  command = apply

  variables {
    enable_flow_logs         = true
    flow_logs_retention_days = 90
  }

  assert {
    condition     = aws_cloudwatch_log_group.flow_logs[0].retention_in_days == 90 && aws_flow_log.this[0].log_destination_type == "cloud-watch-logs"
    error_message = "Flow logs must go to a CloudWatch log group with the given retention."
  }
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.flow_logs[0].policy).Statement : [
        for a in flatten([s.Action]) : !strcontains(a, "*")
      ]
    ]))
    error_message = "The flow-log IAM policy must not use a wildcard action."
  }
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.flow_logs[0].policy).Statement : [
        for r in flatten([s.Resource]) : startswith(r, "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vpc-flow-logs/")
      ]
    ]))
    error_message = "The flow-log IAM policy must be scoped to its own log group."
  }
  assert {
    condition     = jsondecode(aws_iam_role.flow_logs[0].assume_role_policy).Statement[0].Principal.Service == "vpc-flow-logs.amazonaws.com"
    error_message = "Only the VPC flow logs service may assume the role."
  }
  assert {
    condition     = jsondecode(aws_iam_role.flow_logs[0].assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "The trust policy must be limited to this account (confused deputy)."
  }
}

run "flow_logs_kms_and_rejects_only" {
  command = plan

  variables {
    enable_flow_logs       = true
    flow_logs_traffic_type = "REJECT"
    flow_logs_kms_key_arn  = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_flow_log.this[0].traffic_type == "REJECT" && aws_cloudwatch_log_group.flow_logs[0].kms_key_id == var.flow_logs_kms_key_arn
    error_message = "Traffic type and KMS key must reach the flow log and its group."
  }
  assert {
    condition     = aws_cloudwatch_log_group.flow_logs[0].name == "/aws/vpc-flow-logs/test" && aws_cloudwatch_log_group.flow_logs[0].retention_in_days == 30
    error_message = "The flow log group must be /aws/vpc-flow-logs/<name> with the default 30-day retention."
  }
}

run "security_network_acls_no_ssh_rdp_from_internet" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for acl in [aws_network_acl.tier["public"], aws_network_acl.tier["private"]] : [
        for r in acl.ingress : !(r.cidr_block == "0.0.0.0/0" && (r.protocol == "-1" || (r.from_port <= 22 && r.to_port >= 22) || (r.from_port <= 3389 && r.to_port >= 3389)))
      ]
    ]))
    error_message = "No network ACL may allow SSH (22) or RDP (3389) from 0.0.0.0/0 (FSBP EC2.21)."
  }
  assert {
    condition     = toset([for r in aws_network_acl.tier["public"].ingress : r.from_port if r.cidr_block == "0.0.0.0/0" && r.from_port < 1024]) == toset([80, 443])
    error_message = "The public ACL may only open 80 and 443 below the ephemeral range to the internet."
  }
  assert {
    condition     = length([for r in aws_network_acl.tier["private"].ingress : r if r.cidr_block == "0.0.0.0/0" && r.from_port < 1024]) == 0
    error_message = "The private ACL must not open any port below the ephemeral range to the internet."
  }
  assert {
    condition     = anytrue([for r in aws_network_acl.tier["private"].ingress : r.cidr_block == "10.0.0.0/16" && r.protocol == "-1"])
    error_message = "The private ACL must allow all traffic from inside the VPC (ALB, endpoints, NAT, database)."
  }
}

run "default_network_acl_has_no_rules" {
  command = apply

  assert {
    condition     = length(aws_default_network_acl.this[0].ingress) == 0 && length(aws_default_network_acl.this[0].egress) == 0
    error_message = "The default network ACL must have no rules when the tiers have their own."
  }
  assert {
    condition     = length(aws_network_acl.tier["public"].subnet_ids) == 2 && length(aws_network_acl.tier["private"].subnet_ids) == 2
    error_message = "Each tier's subnets must be associated with its own ACL."
  }
  assert {
    condition     = aws_network_acl.tier["public"].tags["Name"] == "test-public" && aws_network_acl.tier["private"].tags["Name"] == "test-private"
    error_message = "Each tier's ACL must be named <name>-<tier>."
  }
}

run "network_acls_off" {
  command = plan

  variables {
    enable_network_acls = false
  }

  assert {
    condition     = length(aws_network_acl.tier) == 0 && length(aws_default_network_acl.this) == 0
    error_message = "enable_network_acls = false must leave the default network ACL alone and create none."
  }
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "bad name!"
  }
  expect_failures = [var.name]
}

run "rejects_bad_cidr" {
  command = plan
  variables {
    cidr_block = "10.0.0.0/33"
  }
  expect_failures = [var.cidr_block]
}

run "rejects_too_large_cidr" {
  command = plan
  variables {
    cidr_block = "10.0.0.0/8"
  }
  expect_failures = [var.cidr_block]
}

run "rejects_one_az" {
  command = plan
  variables {
    az_count = 1
  }
  expect_failures = [var.az_count]
}

run "rejects_seven_azs" {
  command = plan
  variables {
    az_count = 7
  }
  expect_failures = [var.az_count]
}

run "rejects_bad_nat_mode" {
  command = plan
  variables {
    nat_mode = "double"
  }
  expect_failures = [var.nat_mode]
}

run "rejects_bad_newbits" {
  command = plan
  variables {
    subnet_newbits = 2
  }
  expect_failures = [var.subnet_newbits]
}

run "rejects_bad_az_name" {
  command = plan
  variables {
    availability_zones = ["west", "east"]
  }
  expect_failures = [var.availability_zones]
}

run "rejects_az_list_length_mismatch" {
  command = plan
  variables {
    availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  }
  expect_failures = [aws_vpc.this]
}

run "rejects_bad_extra_endpoint" {
  command = plan
  variables {
    interface_endpoints_extra = ["Secrets Manager"]
  }
  expect_failures = [var.interface_endpoints_extra]
}

run "rejects_builtin_extra_endpoint" {
  command = plan
  variables {
    interface_endpoints_extra = ["logs"]
  }
  expect_failures = [var.interface_endpoints_extra]
}

run "rejects_duplicate_extra_endpoint" {
  command = plan
  variables {
    interface_endpoints_extra = ["ssm", "ssm"]
  }
  expect_failures = [var.interface_endpoints_extra]
}

run "rejects_bad_retention" {
  command = plan
  variables {
    flow_logs_retention_days = 10
  }
  expect_failures = [var.flow_logs_retention_days]
}

run "rejects_bad_traffic_type" {
  command = plan
  variables {
    flow_logs_traffic_type = "SOME"
  }
  expect_failures = [var.flow_logs_traffic_type]
}

run "rejects_bad_kms_arn" {
  command = plan
  variables {
    flow_logs_kms_key_arn = "alias/mine"
  }
  expect_failures = [var.flow_logs_kms_key_arn]
}
