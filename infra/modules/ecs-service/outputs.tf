output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "service_arn" {
  description = "ARN of the ECS service."
  value       = aws_ecs_service.this.id
}

output "task_definition_arn" {
  description = "ARN (with revision) of the task definition the service runs."
  value       = aws_ecs_task_definition.this.arn
}

output "task_definition_family" {
  description = "Family of the task definition."
  value       = aws_ecs_task_definition.this.family
}

output "container_name" {
  description = "Name of the application container."
  value       = var.container_name
}

output "image" {
  description = "Image the task definition runs."
  value       = var.image
}

output "autoscaling_resource_id" {
  description = "Application Auto Scaling resource id (service/<cluster>/<service>), null without autoscaling."
  value       = one(aws_appautoscaling_target.this[*].resource_id)
}

output "container_definition" {
  description = "The container definition (decoded), for review and tests."
  value       = local.container
}
