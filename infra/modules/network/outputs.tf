output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "Zones the subnets are in, in subnet order."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "Public subnet IDs, one per zone (for the ALB and NAT gateways)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnet IDs, one per zone (for tasks, endpoints and the database)."
  value       = aws_subnet.private[*].id
}

output "public_route_table_id" {
  description = "ID of the public route table."
  value       = aws_route_table.public.id
}

output "private_route_table_ids" {
  description = "Private route table IDs, one per zone."
  value       = aws_route_table.private[*].id
}

output "nat_gateway_ids" {
  description = "NAT gateway IDs (empty with nat_mode = \"none\")."
  value       = aws_nat_gateway.this[*].id
}

output "nat_public_ips" {
  description = "Public IPs the private subnets reach the internet from (allow-list them elsewhere); empty with nat_mode = \"none\"."
  value       = aws_eip.nat[*].public_ip
}

output "vpc_endpoints_security_group_id" {
  description = "Security group of the interface endpoints; null when enable_vpc_endpoints is false."
  value       = try(aws_security_group.vpc_endpoints[0].id, null)
}

output "vpc_endpoint_ids" {
  description = "Endpoint IDs by service (s3, ecr.api, ecr.dkr, logs and the extras); empty when enable_vpc_endpoints is false."
  value       = merge({ for k, e in aws_vpc_endpoint.interface : k => e.id }, { for e in aws_vpc_endpoint.s3 : "s3" => e.id })
}

output "flow_log_group_name" {
  description = "CloudWatch Logs group of the flow logs; null when enable_flow_logs is false."
  value       = try(aws_cloudwatch_log_group.flow_logs[0].name, null)
}
