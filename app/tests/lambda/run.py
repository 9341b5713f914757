#!/usr/bin/env python3
"""The app-lambda suite: the real binary in Lambda mode against a fake Runtime API.

    python3 app/tests/lambda/run.py [-k PATTERN]      (SERVER_BIN: the binary, default the release build)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import lambda_harness  # noqa: E402  (puts the repository root on sys.path)
from tests.lib import runner  # noqa: E402


def main(argv):
    try:
        print("server binary:", lambda_harness.harness.server_bin())
    except RuntimeError as e:
        return runner.abort(f"app-lambda: {e}")
    return runner.main(HERE, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
