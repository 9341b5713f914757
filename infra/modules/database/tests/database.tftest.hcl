mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/test-rds-mon" }
  }
  mock_resource "aws_db_instance" {
    defaults = {
      arn                = "arn:aws:rds:eu-west-1:123456789012:db:test"
      master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf", kms_key_id = "", secret_status = "active" }]
    }
  }
}

variables {
  name                       = "test"
  tags                       = { Project = "hello" }
  vpc_id                     = "vpc-0123456789abcdef0"
  private_subnet_ids         = ["subnet-0a", "subnet-0b"]
  allowed_security_group_ids = ["sg-0123456789abcdef0"]
}

run "secure_defaults" {
  command = plan

  assert {
    condition     = aws_db_instance.this.publicly_accessible == false
    error_message = "The database must not be publicly accessible."
  }
  assert {
    condition     = aws_db_instance.this.storage_encrypted == true
    error_message = "Storage must be encrypted."
  }
  assert {
    condition     = aws_db_instance.this.manage_master_user_password == true && aws_db_instance.this.password == null
    error_message = "The master password must be managed by RDS in Secrets Manager, never set in Terraform."
  }
  assert {
    condition     = aws_db_instance.this.engine == "postgres" && aws_db_instance.this.engine_version == "16" && aws_db_instance.this.instance_class == "db.t4g.micro"
    error_message = "Default engine must be PostgreSQL 16 on db.t4g.micro."
  }
  assert {
    condition = (
      aws_db_instance.this.backup_retention_period == 7 && aws_db_instance.this.copy_tags_to_snapshot &&
      aws_db_instance.this.auto_minor_version_upgrade && aws_db_instance.this.iam_database_authentication_enabled
    )
    error_message = "Backups, tag copying, minor upgrades and IAM authentication must be on by default."
  }
  assert {
    condition     = aws_db_instance.this.deletion_protection && !aws_db_instance.this.skip_final_snapshot && aws_db_instance.this.final_snapshot_identifier == "test-final"
    error_message = "By default the instance must be protected from deletion and keep a final snapshot."
  }
  assert {
    condition     = aws_db_instance.this.multi_az == false && aws_db_instance.this.max_allocated_storage == 100 && aws_db_instance.this.storage_type == "gp3"
    error_message = "Dev-sized defaults: single-AZ, gp3, storage autoscaling up to 100 GiB."
  }
  assert {
    condition     = aws_db_instance.this.performance_insights_enabled == false && aws_db_instance.this.monitoring_interval == 0 && length(aws_iam_role.monitoring) == 0
    error_message = "Performance Insights and Enhanced Monitoring must be off by default."
  }
  assert {
    condition     = aws_db_instance.this.tags["Project"] == "hello" && aws_security_group.this.tags["Project"] == "hello" && aws_db_parameter_group.this.tags["Project"] == "hello"
    error_message = "Tags must reach every resource."
  }
}

run "security_sg_only_from_given_groups" {
  command = apply

  variables {
    allowed_security_group_ids = ["sg-0aaa", "sg-0bbb"]
  }

  assert {
    condition     = length(aws_security_group.this.ingress) == 1
    error_message = "The database SG must have exactly one ingress rule."
  }
  assert {
    condition = alltrue([
      for r in aws_security_group.this.ingress :
      r.from_port == 5432 && r.to_port == 5432 && r.protocol == "tcp" && length(coalesce(r.cidr_blocks, [])) == 0 && length(coalesce(r.ipv6_cidr_blocks, [])) == 0 && length(coalesce(r.prefix_list_ids, [])) == 0 && r.self != true &&
      r.security_groups == toset(["sg-0aaa", "sg-0bbb"])
    ])
    error_message = "The database SG may only allow 5432 from the given security groups, never from CIDRs."
  }
  assert {
    condition     = length(aws_security_group.this.egress) == 0
    error_message = "The database SG must have no egress rule."
  }
}

run "security_parameter_group_forces_tls" {
  command = plan

  assert {
    condition     = aws_db_parameter_group.this.family == "postgres16"
    error_message = "The parameter group family must follow the major version."
  }
  assert {
    condition     = one([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "rds.force_ssl"]) == "1"
    error_message = "rds.force_ssl must be 1."
  }
}

run "managed_secret_output" {
  command = apply

  assert {
    condition     = output.master_user_secret_arn == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf"
    error_message = "The master user secret ARN must be an output."
  }
  assert {
    condition     = aws_db_subnet_group.this.subnet_ids == toset(["subnet-0a", "subnet-0b"]) && aws_db_instance.this.db_subnet_group_name == "test"
    error_message = "The instance must use the subnet group of the private subnets."
  }
}

run "production_flags_on" {
  command = apply

  variables {
    engine_version                      = "17.2"
    instance_class                      = "db.m7g.large"
    multi_az                            = true
    backup_retention_days               = 35
    enable_performance_insights         = true
    performance_insights_retention_days = 93
    monitoring_interval                 = 30
    kms_key_arn                         = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    parameters                          = [{ name = "log_min_duration_statement", value = "500", apply_method = "immediate" }]
  }

  assert {
    condition     = aws_db_instance.this.multi_az && aws_db_instance.this.backup_retention_period == 35 && aws_db_parameter_group.this.family == "postgres17"
    error_message = "Multi-AZ, retention and the version's parameter family must follow the inputs."
  }
  assert {
    condition     = aws_db_instance.this.performance_insights_enabled && aws_db_instance.this.performance_insights_retention_period == 93 && aws_db_instance.this.performance_insights_kms_key_id == var.kms_key_arn
    error_message = "Performance Insights must be on with the given retention and key."
  }
  assert {
    condition     = aws_db_instance.this.monitoring_interval == 30 && aws_db_instance.this.monitoring_role_arn == "arn:aws:iam::123456789012:role/test-rds-mon"
    error_message = "Enhanced Monitoring must use the created role."
  }
  assert {
    condition     = jsondecode(aws_iam_role.monitoring[0].assume_role_policy).Statement[0].Principal.Service == "monitoring.rds.amazonaws.com" && endswith(aws_iam_role_policy_attachment.monitoring[0].policy_arn, "service-role/AmazonRDSEnhancedMonitoringRole")
    error_message = "Only RDS monitoring may assume the role, with the AWS managed monitoring policy."
  }
  assert {
    condition     = aws_db_instance.this.kms_key_id == var.kms_key_arn && aws_db_instance.this.storage_encrypted
    error_message = "Storage must be encrypted with the given key."
  }
  assert {
    condition     = length(aws_db_parameter_group.this.parameter) == 2
    error_message = "Extra parameters must be added next to rds.force_ssl."
  }
}

run "throwaway_stack" {
  command = plan

  variables {
    deletion_protection = false
    skip_final_snapshot = true
  }

  assert {
    condition     = !aws_db_instance.this.deletion_protection && aws_db_instance.this.skip_final_snapshot && aws_db_instance.this.final_snapshot_identifier == null
    error_message = "Dev stacks must be deletable without a final snapshot."
  }
}

run "optional_flags_off" {
  command = plan

  variables {
    iam_database_authentication = false
    auto_minor_version_upgrade  = false
    apply_immediately           = true
    max_allocated_storage       = 0
    cloudwatch_logs_exports     = []
  }

  assert {
    condition = (
      !aws_db_instance.this.iam_database_authentication_enabled && !aws_db_instance.this.auto_minor_version_upgrade &&
      aws_db_instance.this.apply_immediately && aws_db_instance.this.max_allocated_storage == 0
    )
    error_message = "The optional flags must reach the instance."
  }
  assert {
    condition     = aws_db_instance.this.storage_encrypted && !aws_db_instance.this.publicly_accessible && aws_db_instance.this.manage_master_user_password
    error_message = "Turning optional flags off must never weaken encryption, exposure or password handling."
  }
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "Test_DB"
  }
  expect_failures = [var.name]
}

run "rejects_one_subnet" {
  command = plan
  variables {
    private_subnet_ids = ["subnet-0a"]
  }
  expect_failures = [var.private_subnet_ids]
}

run "rejects_no_allowed_groups" {
  command = plan
  variables {
    allowed_security_group_ids = []
  }
  expect_failures = [var.allowed_security_group_ids]
}

run "rejects_cidr_as_allowed_group" {
  command = plan
  variables {
    allowed_security_group_ids = ["0.0.0.0/0"]
  }
  expect_failures = [var.allowed_security_group_ids]
}

run "rejects_bad_vpc_id" {
  command = plan
  variables {
    vpc_id = "vpc"
  }
  expect_failures = [var.vpc_id]
}

run "rejects_old_engine" {
  command = plan
  variables {
    engine_version = "12.9"
  }
  expect_failures = [var.engine_version]
}

run "rejects_bad_instance_class" {
  command = plan
  variables {
    instance_class = "t4g.micro"
  }
  expect_failures = [var.instance_class]
}

run "rejects_small_storage" {
  command = plan
  variables {
    allocated_storage = 10
  }
  expect_failures = [var.allocated_storage]
}

run "rejects_max_below_allocated" {
  command = plan
  variables {
    allocated_storage     = 50
    max_allocated_storage = 40
  }
  expect_failures = [aws_db_instance.this]
}

run "rejects_zero_backup_retention" {
  command = plan
  variables {
    backup_retention_days = 0
  }
  expect_failures = [var.backup_retention_days]
}

run "rejects_reserved_db_name" {
  command = plan
  variables {
    db_name = "postgres"
  }
  expect_failures = [var.db_name]
}

run "rejects_reserved_username" {
  command = plan
  variables {
    master_username = "rdsadmin"
  }
  expect_failures = [var.master_username]
}

run "rejects_bad_port" {
  command = plan
  variables {
    port = 80
  }
  expect_failures = [var.port]
}

run "rejects_bad_monitoring_interval" {
  command = plan
  variables {
    monitoring_interval = 20
  }
  expect_failures = [var.monitoring_interval]
}

run "rejects_bad_pi_retention" {
  command = plan
  variables {
    performance_insights_retention_days = 30
  }
  expect_failures = [var.performance_insights_retention_days]
}

run "rejects_bad_kms_key" {
  command = plan
  variables {
    kms_key_arn = "aws/rds"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_bad_log_export" {
  command = plan
  variables {
    cloudwatch_logs_exports = ["slowquery"]
  }
  expect_failures = [var.cloudwatch_logs_exports]
}

run "rejects_force_ssl_override" {
  command = plan
  variables {
    parameters = [{ name = "rds.force_ssl", value = "0" }]
  }
  expect_failures = [var.parameters]
}

run "rejects_bad_snapshot_name" {
  command = plan
  variables {
    final_snapshot_identifier = "1-final"
  }
  expect_failures = [var.final_snapshot_identifier]
}
