#!/usr/bin/env python3
"""The workload boundary (infra/modules/github-oidc/boundary.tf) against the
roles it bounds (make test-emulator-iam): every aws_iam_role outside the
pipeline's module sets permissions_boundary, and every action those roles are
granted (their inline policies in the Terraform source, the AWS managed
policies they attach, read from moto's copy of AWS's documents) is allowed by
the boundary, which itself allows no IAM, STS or Organizations call. Adding a
permission to a workload role without widening the boundary goes red here
(on AWS the role would be silently refused it).

Static: reads the .tf files, no emulator. The HCL is scanned by hand (no HCL
parser in the standard library or the Debian archive for Python): an action
list counts as a role's permission unless its enclosing statement names a
principal (trust and resource policies do).
"""
import fnmatch
import json
import os
import re
import unittest

from moto.iam.aws_managed_policies import aws_managed_policies_data

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
INFRA = os.path.join(ROOT, "infra")
PIPELINE_MODULE = os.path.join(INFRA, "modules", "github-oidc")
BOUNDARY = os.path.join(PIPELINE_MODULE, "workload-boundary.json")

ACTION_LIST = re.compile(r'\b(?:Action|actions)\s*=\s*(\[[^\]]*\]|"[^"]*")')
ACTION = re.compile(r'"([a-z0-9-]+:[A-Za-z0-9*]+)"')
MANAGED_POLICY = re.compile(r'policy_arn\s*=\s*"arn:[^"]*:iam::aws:policy/(?:[^"]*/)?([A-Za-z0-9+=,.@_-]+)"')
ROLE_BLOCK = re.compile(r'^resource "aws_iam_role" "([^"]+)" \{$', re.M)


def read(path: str) -> str:
    with open(path) as f:
        return f.read()


def tf_files():
    """Every .tf file of the roots and modules but the pipeline's own module."""
    for top, dirs, files in os.walk(INFRA):
        dirs[:] = [d for d in dirs if d not in (".terraform", "tests")]
        if top.startswith(PIPELINE_MODULE):
            continue
        for f in sorted(files):
            if f.endswith(".tf"):
                yield os.path.join(top, f)


def block_at(text: str, pos: int) -> str:
    """The innermost { ... } enclosing pos (hand-written brace matching)."""
    depth, start = 0, pos
    while start > 0:
        start -= 1
        if text[start] == "}":
            depth += 1
        elif text[start] == "{":
            if depth == 0:
                break
            depth -= 1
    depth, end = 0, pos
    while end < len(text):
        if text[end] == "{":
            depth += 1
        elif text[end] == "}":
            if depth == 0:
                break
            depth -= 1
        end += 1
    return text[start:end + 1]


def granted_actions(text: str) -> set[str]:
    """Actions of identity-policy statements: those naming no principal."""
    found = set()
    for m in ACTION_LIST.finditer(text):
        statement = block_at(text, m.start())
        if re.search(r"\b(Principal|NotPrincipal|principals)\b", statement):
            continue
        found.update(ACTION.findall(m.group(1)))
    return found


def managed_policy_actions(name: str) -> set[str]:
    policies = json.loads(aws_managed_policies_data)
    if name not in policies:
        raise AssertionError(f"AWS managed policy {name} is not in moto's copy: add its actions to the test by hand")
    actions = set()
    for s in policies[name]["Document"]["Statement"]:
        if s["Effect"] == "Allow":
            actions.update([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    return actions


def boundary_actions() -> list[str]:
    with open(BOUNDARY) as f:
        doc = json.load(f)
    actions = []
    for s in doc["Statement"]:
        if s["Effect"] == "Allow":
            actions += [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
    return actions


def allowed(action: str, patterns: list[str]) -> bool:
    # IAM action names match case-insensitively, with * wildcards.
    return any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in patterns)


class WorkloadBoundaryTest(unittest.TestCase):
    def test_every_workload_role_sets_the_boundary(self):
        roles = 0
        for path in tf_files():
            text = read(path)
            for m in ROLE_BLOCK.finditer(text):
                roles += 1
                block = text[m.start():text.index("\n}\n", m.start()) + 1]
                with self.subTest(role=f"{os.path.relpath(path, ROOT)}: {m.group(1)}"):
                    self.assertRegex(block, r"\n  permissions_boundary\s*=\s*var\.permissions_boundary_arn\n",
                                     "a role outside modules/github-oidc must set permissions_boundary "
                                     "(the infra role can create roles only with the workload boundary)")
        # execution, task, function, flow logs, RDS monitoring
        self.assertGreaterEqual(roles, 5, "the scan found fewer roles than the stack has")

    def test_the_boundary_allows_every_action_the_workload_roles_are_granted(self):
        patterns = boundary_actions()
        granted = {}
        for path in tf_files():
            text = read(path)
            for a in granted_actions(text):
                granted.setdefault(a, os.path.relpath(path, ROOT))
            for name in MANAGED_POLICY.findall(text):
                for a in managed_policy_actions(name):
                    granted.setdefault(a, f"{os.path.relpath(path, ROOT)} ({name})")
        # The stack's known grants: the scan must see them, or it proves nothing.
        for a in ("ecr:BatchGetImage", "secretsmanager:GetSecretValue", "logs:DescribeLogStreams", "logs:GetLogEvents"):
            self.assertIn(a, granted)
        missing = {a: where for a, where in granted.items() if not allowed(a, patterns)}
        self.assertEqual(missing, {}, "granted to a workload role but outside infra/modules/github-oidc/workload-boundary.json")

    def test_the_boundary_allows_no_identity_or_account_changes(self):
        for a in boundary_actions():
            with self.subTest(action=a):
                self.assertNotIn("*", a.split(":", 1)[1].rstrip("*") or "*", "no action wildcards")
                self.assertFalse(a.lower().startswith(("iam:", "sts:", "organizations:", "account:")),
                                 "the boundary must not let a workload role touch identities or the account")

    def test_the_scan_skips_trust_and_resource_policies(self):
        text = '''
  assume_role_policy = jsonencode({ Statement = [{ Principal = { Service = "x" }, Action = "sts:AssumeRole" }] })
  statement {
    actions = ["kms:Encrypt*"]
    principals { type = "Service" }
  }
  policy = jsonencode({ Statement = [{ Sid = "Own", Action = ["logs:PutLogEvents"], Resource = "*" }] })
'''
        self.assertEqual(granted_actions(text), {"logs:PutLogEvents"})


if __name__ == "__main__":
    unittest.main()
