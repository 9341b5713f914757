#!/usr/bin/env python3
"""Runs one suite of the pipeline's tests and ends with the line
`N passed, N failed` that scripts/run-tests.sh sums.

    python3 tests/pipeline/run.py workflows|deploy

A skipped test counts as failed: nothing here is optional."""
import os
import sys
import unittest

SUITES = {
    "workflows": ["test_workflows", "test_scripts", "test_terraform_env"],
    "deploy": ["test_smoke", "test_deploy"],
}


def main(argv):
    if len(argv) != 1 or argv[0] not in SUITES:
        sys.exit(f"usage: run.py {'|'.join(SUITES)}")
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    suite = unittest.defaultTestLoader.loadTestsFromNames(SUITES[argv[0]])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.skipped) + len(result.unexpectedSuccesses)
    sys.stdout.flush()
    print(f"{result.testsRun - failed} passed, {failed} failed")
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
