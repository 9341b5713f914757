#!/usr/bin/env python3
"""The `stack` suite: one local stack (make up) serves every check, in this
order, so the suite pays for one cold `make up`:
  tests/stack/test_up.py          make up, the URLs, outputs.json, the tasks, make up again
  tests/rollout/test_rollout.py   rolling deploy, rollback, kill -9, scaling under load
  tests/stack/test_down.py        make down leaves nothing running
Whatever fails, the stack is torn down at the end. Ends with "N passed, N failed".
"""
import os
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, ROOT)
from tests.lib import runner  # noqa: E402
from tests.rollout.test_rollout import Rollout  # noqa: E402
from tests.stack import local_stack as stack  # noqa: E402
from tests.stack.test_down import StackDown  # noqa: E402
from tests.stack.test_up import StackUp  # noqa: E402


def report(_result):
    for key in ("cold_seconds", "warm_seconds"):
        if key in stack.facts:
            print(f"{key}: {stack.facts[key]:.0f}")
    print("\n".join(stack.facts.get("figures", [])))


if __name__ == "__main__":
    load = unittest.defaultTestLoader.loadTestsFromTestCase
    try:
        code = runner.main(unittest.TestSuite([load(StackUp), load(Rollout), load(StackDown)]), sys.argv[1:],
                           before_summary=report)
    finally:
        if not stack.facts.get("down_ok"):
            stack.sweep()
    sys.exit(code)
