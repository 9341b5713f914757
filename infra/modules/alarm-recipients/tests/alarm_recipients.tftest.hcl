variables {
  name              = "hello-prod"
  require_recipient = true
}

run "a_real_address_is_a_recipient" {
  command = plan
  variables { alarm_emails = ["oncall@my-org.com"] }
  assert {
    condition     = length(output.problems) == 0
    error_message = "A real address must pass."
  }
}

run "an_action_is_a_recipient" {
  command = plan
  variables { alarm_actions = ["arn:aws:sns:us-east-1:123456789012:pager"] }
  assert {
    condition     = length(output.problems) == 0
    error_message = "An alarm action must pass."
  }
}

run "nobody_is_refused" {
  command = plan
  assert {
    condition     = length(output.problems) == 1 && strcontains(output.problems[0], "would notify nobody: set alarm_emails")
    error_message = "No recipient must be a problem that says what to set."
  }
}

run "the_placeholder_is_refused" {
  command = plan
  variables { alarm_emails = ["replace-with-your-oncall@example.com"] }
  assert {
    condition     = length(output.problems) == 1 && strcontains(output.problems[0], "placeholder or an example address (replace-with-your-oncall@example.com)")
    error_message = "The env files' placeholder must be a problem naming it."
  }
}

run "example_domains_are_refused" {
  command = plan
  variables { alarm_emails = ["oncall@my-org.com", "ops@example.org", "a@mail.example.net", "b@host.test", "c@x.invalid"] }
  assert {
    condition     = length(output.problems) == 1 && strcontains(output.problems[0], "(ops@example.org, a@mail.example.net, b@host.test, c@x.invalid)")
    error_message = "Every address at a reserved domain must be named."
  }
}

run "lookalike_domains_pass" {
  command = plan
  variables { alarm_emails = ["oncall@example.company.com", "ops@myexample.com"] }
  assert {
    condition     = length(output.problems) == 0
    error_message = "Only the reserved domains themselves are examples."
  }
}

run "not_required_anything_goes" {
  command = plan
  variables {
    require_recipient = false
    alarm_emails      = ["replace-with-your-oncall@example.com"]
  }
  assert {
    condition     = length(output.problems) == 0
    error_message = "dev and the emulator need no recipient."
  }
}
