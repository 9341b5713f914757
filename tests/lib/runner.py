"""Runs a suite verbosely and ends with the line `N passed, N failed` (and
`, N skipped` when any) that scripts/run-tests.sh sums.

One rule for every suite: a skip counts as failed unless it names a reason,
and the summary prints each skip with its reason. Errors in class or module
fixtures count as failures, and so does a run in which no test passed,
failed or was skipped (a wrong -k, an empty folder).

    sys.exit(runner.main(HERE, sys.argv[1:]))   # HERE: a folder of test_*.py
"""
import argparse
import fnmatch
import os
import sys
import unittest


class CountingResult(unittest.TextTestResult):
    """Counts each test once: passed, failed (with every reason it failed) or skipped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0
        self.failed_ids = []       # in order, each once
        self.skips = []            # (test id, reason) of skips with a reason

    def _failed(self, test):
        if test.id() not in self.failed_ids:
            self.failed_ids.append(test.id())

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._failed(test)

    def addError(self, test, err):
        # Also what unittest calls for a failed setUpClass/setUpModule.
        super().addError(test, err)
        self._failed(test)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._failed(test)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._failed(test)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if reason and reason.strip():
            self.skips.append((test.id(), reason.strip()))
        else:
            self._failed(test)


def _flatten(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _flatten(item)
        else:
            yield item


def load(tests, patterns=()):
    """A TestSuite from a folder (discovers test_*.py), module names or a suite,
    keeping only tests whose id matches one of `patterns` (unittest's -k rule)."""
    loader = unittest.TestLoader()
    if isinstance(tests, unittest.TestSuite):
        suite = tests
    elif isinstance(tests, (str, os.PathLike)):
        folder = os.fspath(tests)
        if not os.path.isdir(folder):
            raise ValueError(f"runner: not a folder of tests: {folder}")
        suite = loader.discover(folder, pattern="test_*.py", top_level_dir=folder)
    else:
        suite = loader.loadTestsFromNames(list(tests))
    if not patterns:
        return suite
    globs = [p if "*" in p else f"*{p}*" for p in patterns]
    return unittest.TestSuite(t for t in _flatten(suite)
                              if any(fnmatch.fnmatchcase(t.id(), g) for g in globs))


def summary(result):
    """The closing lines: each skip with its reason, then the counted line."""
    lines = [f"skipped: {test_id}: {reason}" for test_id, reason in result.skips]
    failed = len(result.failed_ids)
    if result.passed == 0 and failed == 0 and not result.skips:
        lines.append("runner: no tests ran (counted as one failure)")
        failed = 1
    line = f"{result.passed} passed, {failed} failed"
    if result.skips:
        line += f", {len(result.skips)} skipped"
    lines.append(line)
    return lines, failed


def abort(message):
    """For a suite that cannot start at all (say, no binary to test): prints
    why and counts it as one failure; returns the exit code."""
    print(message, file=sys.stdout)
    print("0 passed, 1 failed", flush=True)
    return 1


def main(tests, argv=None, before_summary=None):
    """Runs `tests` and prints the summary; returns the exit code (0 only if
    nothing failed). argv may hold `-k PATTERN` (repeatable). before_summary,
    if given, is called with the result (its `failed_ids` empty when all
    passed) just before the summary, for a suite's own closing lines."""
    parser = argparse.ArgumentParser(prog=os.path.basename(sys.argv[0]),
                                     description="Runs this suite; ends with `N passed, N failed`.")
    parser.add_argument("-k", dest="patterns", action="append", default=[], metavar="PATTERN",
                        help="run only tests whose id contains PATTERN (or matches it as a glob)")
    try:
        args = parser.parse_args(argv or [])
    except SystemExit as e:      # argparse printed the usage line
        return e.code if isinstance(e.code, int) else 2
    suite = load(tests, args.patterns)
    stream = sys.stdout
    result = unittest.TextTestRunner(stream=stream, verbosity=2, resultclass=CountingResult).run(suite)
    if before_summary:
        before_summary(result)
    lines, failed = summary(result)
    stream.flush()
    print("\n".join(lines), flush=True)
    return 1 if failed else 0
