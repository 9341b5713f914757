#!/usr/bin/env python3
"""Runs the integration tests through the shared runner (tests/lib/runner.py).

    python3 app/tests/integration/run.py [-k PATTERN]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402  (puts the repository root on sys.path)
from tests.lib import runner  # noqa: E402


def main(argv):
    try:
        print("server binary:", harness.server_bin())
    except RuntimeError as e:
        return runner.abort(f"integration: {e}")
    return runner.main(HERE, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
