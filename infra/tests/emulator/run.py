#!/usr/bin/env python3
"""The emulator-iam suite (make test-emulator-iam): every test_*.py here, one summary line.

    python3 infra/tests/emulator/run.py [-k PATTERN]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(HERE))))
from tests.lib import runner  # noqa: E402

if __name__ == "__main__":
    sys.exit(runner.main(HERE, sys.argv[1:]))
