"""procs: Process start/wait/stop (its whole process group) and run()."""
import contextlib
import io
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tests.lib import ports, procs  # noqa: E402

PY = sys.executable


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie (exited, not yet reaped by its parent) is gone for our purpose.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] == "Z"


def wait_gone(pid, timeout=5):
    deadline = time.monotonic() + timeout
    while not gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class ProcessStop(unittest.TestCase):
    def test_sigterm_stops_a_polite_process(self):
        p = procs.Process([PY, "-c", "import time; print('up', flush=True); time.sleep(60)"]).start()
        time.sleep(0.3)
        started = time.monotonic()
        self.assertEqual(p.stop(timeout=10), -15)
        self.assertLess(time.monotonic() - started, 5)
        self.assertIn("up", p.output())

    def test_sigkill_after_timeout_when_sigterm_is_ignored(self):
        code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
        p = procs.Process([PY, "-c", code]).start()
        deadline = time.monotonic() + 10
        while "ready" not in p.output() and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        self.assertEqual(p.stop(timeout=1), -9)
        self.assertGreaterEqual(time.monotonic() - started, 0.9)
        self.assertIsNotNone(p.returncode)

    def test_children_are_stopped_too(self):
        with tempfile.TemporaryDirectory() as d:
            pid_file = os.path.join(d, "child.pid")
            # A shell that starts a child which ignores SIGTERM and SIGHUP, then waits.
            script = (f"{PY} -c 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                      f"signal.signal(signal.SIGHUP, signal.SIG_IGN); time.sleep(60)' & echo $! > {pid_file}; wait")
            p = procs.Process(["bash", "-c", script]).start()
            deadline = time.monotonic() + 10
            while not os.path.exists(pid_file) or not open(pid_file).read().strip():
                self.assertLess(time.monotonic(), deadline, "the child never started")
                time.sleep(0.05)
            child = int(open(pid_file).read())
            p.stop(timeout=1)
            self.assertTrue(wait_gone(child), f"child {child} outlived stop()")

    def test_stop_is_idempotent_and_context_manager_stops(self):
        with procs.Process([PY, "-c", "import time; time.sleep(60)"]) as p:
            self.assertTrue(p.alive())
        self.assertFalse(p.alive())
        self.assertEqual(p.stop(), p.returncode)
        self.assertIsNone(procs.Process(["true"]).stop())


class ProcessWait(unittest.TestCase):
    def test_wait_port_and_http_succeed_when_serving(self):
        port = ports.free_port()
        with procs.Process([PY, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
                           cwd=os.path.dirname(__file__)) as p:
            p.wait_port(port, timeout=20)
            self.assertEqual(p.wait_http(f"http://127.0.0.1:{port}/", timeout=20), 200)

    def test_wait_port_fails_fast_with_the_log_when_the_process_dies(self):
        p = procs.Process([PY, "-c", "import sys; print('bad config: PORT'); sys.exit(3)"]).start()
        started = time.monotonic()
        with self.assertRaisesRegex(RuntimeError, r"(?s)exited 3.*bad config: PORT"):
            p.wait_port(ports.free_port(), timeout=30)
        self.assertLess(time.monotonic() - started, 10)

    def test_wait_port_times_out(self):
        with procs.Process([PY, "-c", "import time; time.sleep(60)"]) as p:
            with self.assertRaises(TimeoutError):
                p.wait_port(ports.free_port(), timeout=0.5)


class Run(unittest.TestCase):
    def quiet(self, *args, **kwargs):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            result = procs.run(*args, **kwargs)
        return result, out.getvalue()

    def test_returns_code_and_output_and_prints_a_timed_line(self):
        (code, output), printed = self.quiet(["bash", "-c", "echo out; echo err >&2; exit 4"], check=False)
        self.assertEqual(code, 4)
        self.assertEqual(sorted(output.split()), ["err", "out"])
        self.assertRegex(printed, r"^\[\d\d:\d\d:\d\d\] bash -c .* -> exit 4 \(\d+s\)$")

    def test_check_raises_with_the_output(self):
        with self.assertRaisesRegex(AssertionError, "went wrong"):
            self.quiet(["bash", "-c", "echo went wrong; exit 1"])

    def test_writes_the_log_and_runs_in_root(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "pwd.log")
            (code, output), _ = self.quiet(["pwd"], log_path=log)
            self.assertEqual(output.strip(), procs.ROOT)
            self.assertEqual(open(log).read(), output)

    def test_timeout_kills_and_reports_124(self):
        started = time.monotonic()
        (code, output), _ = self.quiet(["sleep", "30"], check=False, timeout=0.5)
        self.assertEqual(code, 124)
        self.assertLess(time.monotonic() - started, 10)


if __name__ == "__main__":
    unittest.main()
