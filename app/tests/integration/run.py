"""Runs the integration tests and ends with the line `N passed, N failed`.

Usage: python3 app/tests/integration/run.py [-k PATTERN]
A skipped test counts as failed (nothing here may be skipped), and so does
an error in a class or module fixture.
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class CountingResult(unittest.TextTestResult):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.passed = 0
        self.failed_ids = set()

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1

    def _bad(self, test):
        self.failed_ids.add(test.id())

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._bad(test)

    def addError(self, test, err):
        super().addError(test, err)
        self._bad(test)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._bad(test)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._bad(test)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._bad(test)


def main():
    sys.path.insert(0, HERE)
    import harness
    try:
        print("server binary:", harness.server_bin())
    except RuntimeError as e:
        print(f"integration: {e}")
        print("0 passed, 1 failed")
        return 1
    argv = sys.argv[1:]
    loader = unittest.TestLoader()
    if len(argv) >= 2 and argv[0] == "-k":
        loader.testNamePatterns = [f"*{argv[1]}*"]
    suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2,
                                     resultclass=CountingResult)
    result = runner.run(suite)
    failed = len(result.failed_ids)
    print(f"{result.passed} passed, {failed} failed")
    return 1 if failed or result.passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
