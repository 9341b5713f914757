####  Workload boundary: the ceiling of every role the infra role creates  ####
#
# The platform, service and function roots set it as permissions_boundary on
# their roles (task execution, task, function, flow logs, RDS monitoring), and
# the infra role may create or change a role only with it (infra.tf). So a role
# the infra role manages can never do more than this, whatever policy it gets:
# no IAM, STS or Organizations writes, no escalation. The document is a JSON
# file so that infra/tests/emulator/test_workload_boundary.py can check it
# against every workload role's policies (a new permission there goes red
# until it is added here). Only an administrator's platform apply changes it:
# the infra role's Deny protects it like the -github-* roles.

resource "aws_iam_policy" "workload_boundary" {
  name        = "${var.name}-workload-boundary"
  description = "Permissions boundary of ${var.name}'s workload roles (task, function, flow logs, RDS monitoring)."
  policy      = file("${path.module}/workload-boundary.json")
  tags        = var.tags
}
