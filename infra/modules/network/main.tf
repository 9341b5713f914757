data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

data "aws_region" "current" {}
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  azs = length(var.availability_zones) > 0 ? var.availability_zones : slice(data.aws_availability_zones.available.names, 0, min(var.az_count, length(data.aws_availability_zones.available.names)))

  # Public subnets take indexes 0-5, private ones 8-13: adding zones later never renumbers a subnet.
  public_cidrs  = [for i in range(var.az_count) : cidrsubnet(var.cidr_block, var.subnet_newbits, i)]
  private_cidrs = [for i in range(var.az_count) : cidrsubnet(var.cidr_block, var.subnet_newbits, i + 8)]

  nat_count = { single = 1, per_az = var.az_count, none = 0 }[var.nat_mode]

  region                      = data.aws_region.current.name
  interface_endpoint_services = var.enable_vpc_endpoints ? toset(concat(["ecr.api", "ecr.dkr", "logs"], var.interface_endpoints_extra)) : toset([])
}

################################################################################
# VPC
################################################################################

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true # private DNS of interface endpoints needs both

  tags = merge(var.tags, { Name = var.name })

  lifecycle {
    precondition {
      condition     = length(var.availability_zones) == 0 || length(var.availability_zones) == var.az_count
      error_message = "The availability_zones list has ${length(var.availability_zones)} entries but az_count is ${var.az_count}: give exactly az_count zones, or none."
    }
    precondition {
      condition     = length(local.azs) == var.az_count
      error_message = "The region offers only ${length(local.azs)} available zones, fewer than az_count = ${var.az_count}."
    }
  }
}

# Adopt the default security group and strip every rule from it (FSBP EC2.2):
# nothing can use it by accident.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-default-unused" })
}

################################################################################
# Subnets
################################################################################

resource "aws_subnet" "public" {
  count = var.az_count

  vpc_id                  = aws_vpc.this.id
  cidr_block              = local.public_cidrs[count.index]
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = false # only the ALB and NAT live here, with their own addresses (FSBP EC2.15)

  tags = merge(var.tags, { Name = "${var.name}-public-${local.azs[count.index]}", Tier = "public" })
}

resource "aws_subnet" "private" {
  count = var.az_count

  vpc_id                  = aws_vpc.this.id
  cidr_block              = local.private_cidrs[count.index]
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${var.name}-private-${local.azs[count.index]}", Tier = "private" })
}

################################################################################
# Internet gateway and public routing
################################################################################

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = var.az_count

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

################################################################################
# NAT and private routing (one route table per zone, whatever the NAT mode)
################################################################################

resource "aws_eip" "nat" {
  count = local.nat_count

  domain = "vpc"

  tags = merge(var.tags, { Name = "${var.name}-nat-${local.azs[count.index]}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = local.nat_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = merge(var.tags, { Name = "${var.name}-${local.azs[count.index]}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "private" {
  count = var.az_count

  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-private-${local.azs[count.index]}" })
}

resource "aws_route" "private_nat" {
  count = local.nat_count > 0 ? var.az_count : 0

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[var.nat_mode == "per_az" ? count.index : 0].id
}

resource "aws_route_table_association" "private" {
  count = var.az_count

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

################################################################################
# VPC endpoints
################################################################################

resource "aws_vpc_endpoint" "s3" {
  count = var.enable_vpc_endpoints ? 1 : 0

  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id # ECR image layers are served from S3

  tags = merge(var.tags, { Name = "${var.name}-s3" })
}

resource "aws_security_group" "vpc_endpoints" {
  count = var.enable_vpc_endpoints ? 1 : 0

  name_prefix = "${var.name}-vpce-"
  description = "Interface VPC endpoints: HTTPS from inside the VPC only"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-vpc-endpoints" })

  lifecycle {
    create_before_destroy = true
  }
}

# No egress rule: endpoints only answer, and security groups are stateful.
resource "aws_vpc_security_group_ingress_rule" "vpc_endpoints_https" {
  count = var.enable_vpc_endpoints ? 1 : 0

  security_group_id = aws_security_group.vpc_endpoints[0].id
  description       = "HTTPS from the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = aws_vpc.this.cidr_block

  tags = merge(var.tags, { Name = "${var.name}-vpce-https" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoint_services

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${local.region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.vpc_endpoints[0].id]
  private_dns_enabled = true

  tags = merge(var.tags, { Name = "${var.name}-${each.value}" })
}

################################################################################
# Flow logs
################################################################################

resource "aws_cloudwatch_log_group" "flow_logs" {
  count = var.enable_flow_logs ? 1 : 0

  name              = "/aws/vpc-flow-logs/${var.name}"
  retention_in_days = var.flow_logs_retention_days
  kms_key_id        = var.flow_logs_kms_key_arn

  tags = var.tags
}

resource "aws_iam_role" "flow_logs" {
  count = var.enable_flow_logs ? 1 : 0

  name_prefix = "${var.name}-flow-logs-"
  description = "Lets VPC flow logs of ${var.name} write to their log group"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "VpcFlowLogsOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${data.aws_partition.current.partition}:ec2:${local.region}:${data.aws_caller_identity.current.account_id}:vpc-flow-log/*" }
      }
    }]
  })

  tags = var.tags

  # The workload boundary: the infra role can create this role only with it.
  permissions_boundary = var.permissions_boundary_arn
}

# Least privilege: write streams and events to this one log group, nothing else.
resource "aws_iam_role_policy" "flow_logs" {
  count = var.enable_flow_logs ? 1 : 0

  name = "write-flow-log-group"
  role = aws_iam_role.flow_logs[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteThisLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = [aws_cloudwatch_log_group.flow_logs[0].arn, "${aws_cloudwatch_log_group.flow_logs[0].arn}:*"]
    }]
  })
}

resource "aws_flow_log" "this" {
  count = var.enable_flow_logs ? 1 : 0

  vpc_id                   = aws_vpc.this.id
  traffic_type             = var.flow_logs_traffic_type
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.flow_logs[0].arn
  iam_role_arn             = aws_iam_role.flow_logs[0].arn
  max_aggregation_interval = 60

  tags = merge(var.tags, { Name = var.name })
}

################################################################################
# Network ACLs (stateless, so return traffic needs the ephemeral ports open)
################################################################################

locals {
  # Rules every tier shares: all traffic inside the VPC, and return traffic
  # of connections opened outwards (through NAT or by the ALB).
  nacl_common_ingress = [
    { rule_no = 200, protocol = "-1", cidr = var.cidr_block, from = 0, to = 0 },
    # Ephemeral ports, skipping 3389 so that no rule opens RDP to the internet (FSBP EC2.21).
    { rule_no = 210, protocol = "tcp", cidr = "0.0.0.0/0", from = 1024, to = 3388 },
    { rule_no = 211, protocol = "tcp", cidr = "0.0.0.0/0", from = 3390, to = 65535 },
    { rule_no = 220, protocol = "udp", cidr = "0.0.0.0/0", from = 1024, to = 3388 },
    { rule_no = 221, protocol = "udp", cidr = "0.0.0.0/0", from = 3390, to = 65535 },
  ]
  nacl_public_ingress = concat([
    { rule_no = 100, protocol = "tcp", cidr = "0.0.0.0/0", from = 80, to = 80 },
    { rule_no = 110, protocol = "tcp", cidr = "0.0.0.0/0", from = 443, to = 443 },
  ], local.nacl_common_ingress)

  # One ACL per tier: its subnets and inbound rules (outbound is all for both).
  nacl_tiers = { for tier, acl in {
    public  = { subnet_ids = aws_subnet.public[*].id, ingress = local.nacl_public_ingress }
    private = { subnet_ids = aws_subnet.private[*].id, ingress = local.nacl_common_ingress }
  } : tier => acl if var.enable_network_acls }
}

resource "aws_network_acl" "tier" {
  for_each = local.nacl_tiers

  vpc_id     = aws_vpc.this.id
  subnet_ids = each.value.subnet_ids

  dynamic "ingress" {
    for_each = each.value.ingress
    content {
      rule_no    = ingress.value.rule_no
      action     = "allow"
      protocol   = ingress.value.protocol
      cidr_block = ingress.value.cidr
      from_port  = ingress.value.from
      to_port    = ingress.value.to
    }
  }

  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

# No rules: every subnet has its own ACL above, and a subnet added later
# without one is closed until it gets one.
resource "aws_default_network_acl" "this" {
  count = var.enable_network_acls ? 1 : 0

  default_network_acl_id = aws_vpc.this.default_network_acl_id

  tags = merge(var.tags, { Name = "${var.name}-default-unused" })

  lifecycle {
    ignore_changes = [subnet_ids] # AWS moves subnets here when their ACL is deleted
  }
}
