#!/usr/bin/env python3
"""Runs one suite of the pipeline's tests through the shared runner.

    python3 tests/pipeline/run.py workflows|deploy [-k PATTERN]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)
from tests.lib import runner  # noqa: E402

SUITES = {
    "workflows": ["test_workflows", "test_scripts"],
    "deploy": ["test_smoke", "test_deploy"],
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in SUITES:
        print(f"usage: run.py {'|'.join(SUITES)} [-k PATTERN]", file=sys.stderr)
        sys.exit(2)
    sys.exit(runner.main(SUITES[sys.argv[1]], sys.argv[2:]))
