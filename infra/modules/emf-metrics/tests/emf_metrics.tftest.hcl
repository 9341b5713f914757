# The rule against CloudWatch's and the binary's names is tested from the
# shared table (app/tests/unit/emf_names.json): infra/tests/unit.sh writes
# emf_names.tftest.hcl beside this file in its scratch copy.

run "null_is_off" {
  command = plan
  variables { metrics = null }
  assert {
    condition     = output.metrics == null
    error_message = "Null (no metrics) must pass."
  }
}

run "passes_the_object_through" {
  command = plan
  variables { metrics = { namespace = "hello", service = "hello-dev", environment = "dev" } }
  assert {
    condition     = output.metrics == { namespace = "hello", service = "hello-dev", environment = "dev" }
    error_message = "The object must come out unchanged."
  }
}

run "rejects_a_reserved_namespace" {
  command = plan
  variables { metrics = { namespace = "AWS/ECS", service = "hello-dev", environment = "dev" } }
  expect_failures = [var.metrics]
}
