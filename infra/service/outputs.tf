output "cluster_name" {
  description = "ECS cluster of the service."
  value       = local.p.cluster_name
}

output "service_name" {
  description = "ECS service."
  value       = module.service.service_name
}

output "task_definition_arn" {
  description = "Task definition revision the service runs."
  value       = module.service.task_definition_arn
}

output "task_definition_family" {
  description = "Task definition family."
  value       = module.service.task_definition_family
}

output "image" {
  description = "Image the service runs, by digest (repository@sha256:...)."
  value       = module.service.image
}

output "image_tag" {
  description = "Tag of that image."
  value       = local.image_tag
}

output "image_digest" {
  description = "Digest of that image in ECR (the task definition names it)."
  value       = local.image_digest
}

output "container_name" {
  description = "Name of the application container."
  value       = module.service.container_name
}

output "region" {
  description = "Region of the service."
  value       = local.platform_region
}
