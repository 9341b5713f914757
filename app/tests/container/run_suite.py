#!/usr/bin/env python3
"""Runs unittest modules of this folder and ends with the line
`N passed, N failed` that scripts/run-tests.sh sums. A skipped test counts
as failed: these suites have no optional parts."""
import os
import sys
import unittest


def main(modules):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    suite = unittest.defaultTestLoader.loadTestsFromNames(modules)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout, failfast=False).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.skipped) + len(result.unexpectedSuccesses)
    # A failed setUpModule/setUpClass is an error without a test run.
    passed = max(result.testsRun - failed, 0)
    sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: run_suite.py <test module>...", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
