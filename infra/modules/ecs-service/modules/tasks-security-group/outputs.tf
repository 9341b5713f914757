output "security_group_id" {
  description = "ID of the tasks' security group."
  value       = aws_security_group.tasks.id
}
