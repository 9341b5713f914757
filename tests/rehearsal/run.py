#!/usr/bin/env python3
"""The rehearsal suite (make rehearse, make test-rehearsal): see test_rehearsal.py.

    python3 tests/rehearsal/run.py [-k PATTERN]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
from tests.lib import runner  # noqa: E402

if __name__ == "__main__":
    sys.exit(runner.main(HERE, sys.argv[1:]))
