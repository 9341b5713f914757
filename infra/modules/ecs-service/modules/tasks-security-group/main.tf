resource "aws_security_group" "tasks" {
  # name_prefix: create_before_destroy creates the replacement while the old
  # group still holds its name; a fixed name would fail (duplicate).
  name_prefix = "${var.name}-tasks-"
  description = "${var.name} tasks: in from the load balancer only, out to HTTPS and the database"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-tasks" })

  lifecycle {
    create_before_destroy = true
  }
}

# SG-to-SG rules use aws_security_group_rule (source_security_group_id): the
# newer aws_vpc_security_group_*_rule resources drift forever in the emulator.
resource "aws_security_group_rule" "from_alb" {
  count = var.allow_from_alb ? 1 : 0

  type                     = "ingress"
  description              = "From the load balancer to the container port"
  security_group_id        = aws_security_group.tasks.id
  protocol                 = "tcp"
  from_port                = var.container_port
  to_port                  = var.container_port
  source_security_group_id = var.alb_security_group_id
}

resource "aws_security_group_rule" "from_cidrs" {
  count = length(var.ingress_cidr_blocks) > 0 ? 1 : 0

  type              = "ingress"
  description       = "From internal clients to the container port"
  security_group_id = aws_security_group.tasks.id
  protocol          = "tcp"
  from_port         = var.container_port
  to_port           = var.container_port
  cidr_blocks       = var.ingress_cidr_blocks
}

# /metrics has its own port, open to the VPC only (no rule from the ALB).
resource "aws_security_group_rule" "metrics_from_cidrs" {
  count = length(var.metrics_cidr_blocks) > 0 ? 1 : 0

  type              = "ingress"
  description       = "From inside the VPC to the metrics port"
  security_group_id = aws_security_group.tasks.id
  protocol          = "tcp"
  from_port         = var.metrics_port
  to_port           = var.metrics_port
  cidr_blocks       = var.metrics_cidr_blocks
}

resource "aws_security_group_rule" "https_out" {
  type              = "egress"
  description       = "HTTPS to ECR, CloudWatch Logs and Secrets Manager (via NAT or VPC endpoints)"
  security_group_id = aws_security_group.tasks.id
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "to_database" {
  count = var.allow_to_database ? 1 : 0

  type                     = "egress"
  description              = "To the database"
  security_group_id        = aws_security_group.tasks.id
  protocol                 = "tcp"
  from_port                = var.database_port
  to_port                  = var.database_port
  source_security_group_id = var.database_security_group_id
}

