#!/usr/bin/env python3
"""The `lib` suite: the shared test library's own tests (tests/lib/test_*.py)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
from tests.lib import runner  # noqa: E402

if __name__ == "__main__":
    sys.exit(runner.main(HERE, sys.argv[1:]))
