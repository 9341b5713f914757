#!/usr/bin/env python3
"""Runs one unittest module of this folder through the shared runner.

    python3 app/tests/container/run_suite.py <test module> [-k PATTERN]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(HERE))))
sys.path.insert(0, HERE)
from tests.lib import runner  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        print("usage: run_suite.py <test module> [-k PATTERN]", file=sys.stderr)
        sys.exit(2)
    sys.exit(runner.main([sys.argv[1]], sys.argv[2:]))
