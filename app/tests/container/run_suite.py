#!/usr/bin/env python3
"""Runs unittest modules of this folder through the shared runner.

    python3 app/tests/container/run_suite.py <test module>... [-k PATTERN]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(HERE))))
sys.path.insert(0, HERE)
from tests.lib import runner  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    modules = [a for a in args[:next((i for i, a in enumerate(args) if a.startswith("-")), len(args))]]
    if not modules:
        print("usage: run_suite.py <test module>... [-k PATTERN]", file=sys.stderr)
        sys.exit(2)
    sys.exit(runner.main(modules, args[len(modules):]))
