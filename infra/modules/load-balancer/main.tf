data "aws_caller_identity" "current" {}

data "aws_elb_service_account" "current" {
  count = var.enable_access_logs ? 1 : 0
}

locals {
  ingress_ports = var.enable_https ? [80, 443] : [80]
  ingress_rules = { for pair in setproduct(local.ingress_ports, var.ingress_cidr_blocks) : "${pair[0]}-${pair[1]}" => { port = pair[0], cidr = pair[1] } }
}

################################################################################
# Security group: in on 80/443 from ingress_cidr_blocks, out only to the VPC on the container port
################################################################################

resource "aws_security_group" "alb" {
  name_prefix = "${var.name}-alb-"
  description = "ALB ${var.name}: HTTP(S) in from the allowed CIDRs, out to the tasks only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-alb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb" {
  for_each = local.ingress_rules

  security_group_id = aws_security_group.alb.id
  description       = each.value.port == 80 ? "HTTP from ${each.value.cidr}" : "HTTPS from ${each.value.cidr}"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr

  tags = merge(var.tags, { Name = "${var.name}-alb-in-${each.value.port}" })
}

resource "aws_vpc_security_group_egress_rule" "alb_to_targets" {
  security_group_id = aws_security_group.alb.id
  description       = "To the tasks on the container port"
  ip_protocol       = "tcp"
  from_port         = var.container_port
  to_port           = var.container_port
  cidr_ipv4         = var.vpc_cidr_block

  tags = merge(var.tags, { Name = "${var.name}-alb-out-${var.container_port}" })
}

################################################################################
# Load balancer, target group, listeners
################################################################################

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.alb.id]
  subnets            = var.public_subnet_ids

  idle_timeout               = var.idle_timeout
  drop_invalid_header_fields = true        # FSBP ELB.4: malformed headers never reach the service
  desync_mitigation_mode     = "strictest" # FSBP ELB.12: refuse ambiguous (smuggling-prone) requests
  enable_deletion_protection = var.enable_deletion_protection
  enable_http2               = true

  dynamic "access_logs" {
    for_each = var.enable_access_logs ? [1] : []
    content {
      bucket  = aws_s3_bucket.access_logs[0].id
      prefix  = var.name
      enabled = true
    }
  }

  tags = merge(var.tags, { Name = var.name })

  # The bucket policy must exist before the ALB validates it can write logs.
  depends_on = [aws_s3_bucket_policy.access_logs]

  lifecycle {
    precondition {
      condition     = !var.enable_https || var.certificate_arn != null
      error_message = "The enable_https is true but certificate_arn is null: give an ACM certificate ARN, or set enable_https = false."
    }
  }
}

resource "aws_lb_target_group" "this" {
  name                 = var.name
  target_type          = "ip" # Fargate tasks (awsvpc) register by IP
  port                 = var.container_port
  protocol             = "HTTP"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay_seconds

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = var.health_check_path
    matcher             = var.health_check.matcher
    interval            = var.health_check.interval
    timeout             = var.health_check.timeout
    healthy_threshold   = var.health_check.healthy_threshold
    unhealthy_threshold = var.health_check.unhealthy_threshold
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = var.enable_https ? "redirect" : "forward"
    target_group_arn = var.enable_https ? null : aws_lb_target_group.this.arn

    dynamic "redirect" {
      for_each = var.enable_https ? [1] : []
      content {
        protocol    = "HTTPS"
        port        = "443"
        status_code = "HTTP_301"
      }
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-http" })
}

resource "aws_lb_listener" "https" {
  count = var.enable_https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  tags = merge(var.tags, { Name = "${var.name}-https" })
}

################################################################################
# Access logs bucket
################################################################################

resource "aws_s3_bucket" "access_logs" {
  count = var.enable_access_logs ? 1 : 0

  bucket        = var.access_logs_bucket_name
  bucket_prefix = var.access_logs_bucket_name == null ? "${substr(lower(var.name), 0, 26)}-alb-logs-" : null
  force_destroy = var.access_logs_force_destroy

  tags = merge(var.tags, { Name = "${var.name}-alb-logs" })
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  count = var.enable_access_logs ? 1 : 0

  bucket                  = aws_s3_bucket.access_logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  count = var.enable_access_logs ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# ALB access logs support only SSE-S3 (not SSE-KMS).
resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  count = var.enable_access_logs ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  count = var.enable_access_logs ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"
    filter {}

    expiration {
      days = var.access_logs_retention_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

locals {
  access_logs_bucket_arn = try(aws_s3_bucket.access_logs[0].arn, "")
  access_logs_objects    = "${local.access_logs_bucket_arn}/${var.name}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"

  access_logs_statements = concat(
    [
      {
        # Regions opened since August 2022 deliver as this service principal.
        Sid       = "ElbLogDeliveryService"
        Effect    = "Allow"
        Principal = { Service = "logdelivery.elasticloadbalancing.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = local.access_logs_objects
      },
      {
        # Older regions deliver as the regional Elastic Load Balancing account.
        Sid       = "ElbLogDeliveryAccount"
        Effect    = "Allow"
        Principal = { AWS = try(data.aws_elb_service_account.current[0].arn, "") }
        Action    = "s3:PutObject"
        Resource  = local.access_logs_objects
      },
    ],
    var.access_logs_enforce_tls ? [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.access_logs_bucket_arn, "${local.access_logs_bucket_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ] : [],
  )
}

resource "aws_s3_bucket_policy" "access_logs" {
  count = var.enable_access_logs ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.access_logs_statements })

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}
