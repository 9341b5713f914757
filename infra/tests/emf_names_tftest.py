#!/usr/bin/env python3
"""Writes a terraform test of infra/modules/emf-metrics from the table of EMF
names app/tests/unit/emf_names.json, which emf_test.cpp also reads: one run
per name, a plan that passes for an accepted name and fails var.metrics'
validation for a refused one. So the Terraform rule and the binary's cannot
drift apart. infra/tests/unit.sh writes it into its scratch copy of the module.

Usage: emf_names_tftest.py TABLE.json > emf_names.tftest.hcl
"""
import json
import sys

# Valid values for the fields a run does not test.
OTHERS = {"namespace": "hello", "service": "hello-test", "environment": "test"}


def expand(entry):
    """A table entry: a string, or {"repeat": s, "times": n}."""
    return entry["repeat"] * entry["times"] if isinstance(entry, dict) else entry


def hcl_string(value):
    # JSON's string escapes are HCL's; HCL also reads ${ and %{ as templates.
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


def runs(table):
    # A dimension value is tested as Service and as Environment.
    fields = {"namespace": ["namespace"], "dimension_value": ["service", "environment"]}
    for kind, targets in fields.items():
        for verdict in ("accept", "reject"):
            for i, entry in enumerate(table[kind][verdict]):
                value = expand(entry)
                for target in targets:
                    metrics = dict(OTHERS, **{target: value})
                    body = ", ".join(f"{k} = {hcl_string(v)}" for k, v in metrics.items())
                    lines = [f'run "{target}_{verdict}s_{i}" {{', "  command = plan",
                             f"  variables {{ metrics = {{ {body} }} }}"]
                    if verdict == "accept":
                        lines += ["  assert {",
                                  f"    condition     = output.metrics.{target} == {hcl_string(value)}",
                                  f"    error_message = {hcl_string(f'{kind} {value!r} is in the accept list')}",
                                  "  }"]
                    else:
                        lines.append("  expect_failures = [var.metrics]")
                    yield "\n".join(lines + ["}"])


def main(argv):
    if len(argv) != 2:
        print("usage: emf_names_tftest.py TABLE.json > emf_names.tftest.hcl", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        table = json.load(f)
    print(f"# Generated from {argv[1]} by infra/tests/emf_names_tftest.py: do not edit.\n")
    print("\n\n".join(runs(table)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
