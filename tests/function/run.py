#!/usr/bin/env python3
"""The function suite (make test-function): packaging, then infra/function and
scripts/deploy-function.sh in the AWS emulator. Ends with `N passed, N failed`.

    python3 tests/function/run.py [-k PATTERN]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
from tests.lib import runner  # noqa: E402

if __name__ == "__main__":
    sys.exit(runner.main(HERE, sys.argv[1:]))
