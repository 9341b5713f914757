"""The deploy role's Lambda permissions (infra/modules/github-oidc/deploy_function.tf)
are exactly the Lambda API calls scripts/deploy-function.sh makes: a new call in
the script without its permission (or a permission no call needs) fails here,
before a real deploy would fail with AccessDenied (or a role would keep a
right it does not use).

The calls are read from the script (`aws lambda <command>`, `aws lambda wait
<waiter>`) and turned into API operations with botocore's own Lambda model
(a waiter polls one operation); the permissions are the `lambda:` actions
written in the Terraform file."""
import os
import re
import unittest

import botocore.session
from botocore import xform_name

from tests.lib import ROOT

SCRIPT = os.path.join(ROOT, "scripts", "deploy-function.sh")
POLICY = os.path.join(ROOT, "infra", "modules", "github-oidc", "deploy_function.tf")
# `lambda CMD` in code (after `aws`, `aws_`, or global options); `wait` takes a
# waiter name. A word after `lambda` that is no command fails loudly.
CALL = re.compile(r"(?<![\w-])lambda\s+(wait\s+)?([a-z][a-z0-9-]*)")
# IAM names the one Lambda operation whose action differs from it.
IAM_ACTION = {"Invoke": "InvokeFunction"}


def operations_called(script_text):
    """The Lambda API operations a script calls, as IAM actions (lambda:Name)."""
    session = botocore.session.get_session()
    model = session.get_service_model("lambda")
    by_command = {xform_name(op, "-"): op for op in model.operation_names}
    waiters = session.get_waiter_model("lambda")
    by_waiter = {xform_name(name, "-"): name for name in waiters.waiter_names}
    code = "\n".join(re.sub(r"(^|\s)#.*", "", line) for line in script_text.splitlines())
    found = set()
    for wait, command in CALL.findall(code):
        if wait:
            if command not in by_waiter:
                raise ValueError(f"unknown Lambda waiter '{command}'")
            operation = waiters.get_waiter(by_waiter[command]).operation
        else:
            if command not in by_command:
                raise ValueError(f"unknown Lambda command '{command}'")
            operation = by_command[command]
        found.add(f"lambda:{IAM_ACTION.get(operation, operation)}")
    return found


def actions_granted(terraform_text):
    """The lambda: actions a Terraform file writes (comments ignored)."""
    code = "\n".join(line.split("#", 1)[0] for line in terraform_text.splitlines())
    return set(re.findall(r'"(lambda:[A-Za-z*]+)"', code))


class DeployPermissions(unittest.TestCase):
    def test_policy_grants_exactly_the_calls_the_script_makes(self):
        with open(SCRIPT) as f:
            called = operations_called(f.read())
        with open(POLICY) as f:
            granted = actions_granted(f.read())
        self.assertGreaterEqual(len(called), 6, f"the parser found too few calls: {called}")
        self.assertEqual(called - granted, set(), "deploy-function.sh calls these without a permission in deploy_function.tf")
        self.assertEqual(granted - called, set(), "deploy_function.tf grants these, but deploy-function.sh never calls them")

    def test_parser_reads_commands_waiters_and_the_wrapper(self):
        script = """
            prev=$(aws_ lambda get-alias --function-name "$f" --name live)
            aws lambda wait function-updated --function-name "$f"
            aws --region x lambda invoke --function-name "$f" out.json  # lambda delete-function: a comment
            # aws lambda delete-function
        """
        self.assertEqual(operations_called(script),
                         {"lambda:GetAlias", "lambda:GetFunctionConfiguration", "lambda:InvokeFunction"})
        with self.assertRaises(ValueError):
            operations_called("aws lambda publish-versions --function-name f")

    def test_granted_actions_ignore_comments(self):
        self.assertEqual(actions_granted('Action = ["lambda:GetAlias"] # "lambda:DeleteFunction"\n# "lambda:X"'),
                         {"lambda:GetAlias"})


if __name__ == "__main__":
    unittest.main()
