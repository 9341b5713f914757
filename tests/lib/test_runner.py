"""runner: the summary line and the one skip rule, on small made-up suites."""
import contextlib
import io
import os
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tests.lib import runner  # noqa: E402


def sample(**methods):
    """A TestSuite of one made-up TestCase (built here, so discovery never sees it)."""
    case = type("Sample", (unittest.TestCase,), methods)
    return unittest.defaultTestLoader.loadTestsFromTestCase(case)


def run(tests, argv=None, **kwargs):
    """runner.main on `tests`; returns (exit code, its output, its last line)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = runner.main(tests, argv, **kwargs)
    text = out.getvalue()
    lines = text.rstrip("\n").splitlines()
    return code, text, lines[-1] if lines else ""


def ok(self):
    pass


def fails(self):
    self.fail("on purpose")


def raises(self):
    raise RuntimeError("on purpose")


class SummaryLine(unittest.TestCase):
    def test_all_passed(self):
        self.assertEqual(run(sample(test_a=ok, test_b=ok))[0::2], (0, "2 passed, 0 failed"))

    def test_failure_and_error_are_failed(self):
        code, _, last = run(sample(test_a=ok, test_b=fails, test_c=raises))
        self.assertEqual((code, last), (1, "1 passed, 2 failed"))

    def test_failing_subtests_count_their_test_once(self):
        def two_bad_subtests(self):
            for i in range(2):
                with self.subTest(i=i):
                    self.fail("on purpose")
        self.assertEqual(run(sample(test_a=two_bad_subtests))[0::2], (1, "0 passed, 1 failed"))

    def test_unexpected_success_is_failed(self):
        self.assertEqual(run(sample(test_a=unittest.expectedFailure(ok)))[0::2], (1, "0 passed, 1 failed"))

    def test_zero_tests_is_a_failure(self):
        code, text, last = run(unittest.TestSuite())
        self.assertEqual((code, last), (1, "0 passed, 1 failed"))
        self.assertIn("no tests ran", text)

    def test_class_fixture_errors_are_failures(self):
        def broken(cls):
            raise RuntimeError("fixture broke")
        for fixture, expected in (("setUpClass", "0 passed, 1 failed"), ("tearDownClass", "1 passed, 1 failed")):
            with self.subTest(fixture=fixture):
                code, text, last = run(sample(**{fixture: classmethod(broken)}, test_a=ok))
                self.assertEqual((code, last), (1, expected))
                self.assertIn("fixture broke", text)


class SkipRule(unittest.TestCase):
    def test_skip_with_reason_is_counted_and_printed(self):
        def skipped(self):
            self.skipTest("needs a GPU")
        code, text, last = run(sample(test_a=ok, test_b=skipped))
        self.assertEqual((code, last), (0, "1 passed, 0 failed, 1 skipped"))
        self.assertRegex(text, r"(?m)^skipped: \S+test_b: needs a GPU$")

    def test_skip_without_reason_is_failed(self):
        def skipped(self):
            self.skipTest("")
        self.assertEqual(run(sample(test_a=ok, test_b=skipped))[0::2], (1, "1 passed, 1 failed"))

    def test_blank_reason_is_no_reason(self):
        self.assertEqual(run(sample(test_a=unittest.skip("   ")(ok)))[0::2], (1, "0 passed, 1 failed"))

    def test_skipped_class_fixture_with_reason(self):
        def skip_all(cls):
            raise unittest.SkipTest("no engine here")
        code, text, last = run(sample(setUpClass=classmethod(skip_all), test_a=ok))
        self.assertEqual((code, last), (0, "0 passed, 0 failed, 1 skipped"))
        self.assertIn("no engine here", text)


class Loading(unittest.TestCase):
    def test_folder_is_discovered_and_k_filters(self):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "test_made_up.py"), "w") as f:
                f.write(textwrap.dedent("""\
                    import unittest
                    class MadeUp(unittest.TestCase):
                        def test_alpha(self): pass
                        def test_beta(self): pass
                    """))
            with open(os.path.join(folder, "helper.py"), "w") as f:
                f.write("raise SystemExit('not a test module: must not be imported')\n")
            self.assertEqual(run(folder)[0::2], (0, "2 passed, 0 failed"))
            self.assertEqual(run(folder, ["-k", "beta"])[0::2], (0, "1 passed, 0 failed"))
            # A pattern that matches nothing runs nothing: a failure, not a pass.
            self.assertEqual(run(folder, ["-k", "gamma"])[0::2], (1, "0 passed, 1 failed"))
            sys.modules.pop("test_made_up", None)

    def test_module_names(self):
        self.assertEqual(run(["tests.lib.test_ports"])[0], 0)

    def test_before_summary_sees_the_result_and_prints_before_the_line(self):
        seen = []

        def closing(result):
            seen.append(list(result.failed_ids))
            print("times: 1s")
        code, text, last = run(sample(test_a=fails), before_summary=closing)
        self.assertEqual((code, last), (1, "0 passed, 1 failed"))
        self.assertEqual(len(seen[0]), 1)
        self.assertIn("times: 1s\n0 passed, 1 failed", text)

    def test_abort_is_one_failure(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = runner.abort("no server binary")
        self.assertEqual((code, out.getvalue()), (1, "no server binary\n0 passed, 1 failed\n"))

    def test_bad_argument_is_exit_2(self):
        self.assertEqual(run(sample(test_a=ok), ["--bogus"])[0], 2)


if __name__ == "__main__":
    unittest.main()
