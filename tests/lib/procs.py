"""Processes a test starts: wait until they serve, stop them (and their
children), run commands to completion with one timed line each.

    with procs.Process([binary], env=env, log_path=log) as p:
        p.wait_port(port)
        ...                      # stopped on exit, also on failure
"""
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from . import ROOT

TAIL_LINES = 30


def _tail(text, lines=TAIL_LINES):
    return "\n".join(text.splitlines()[-lines:])


def _kill_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Process:
    """A long-running process in its own process group; stdout and stderr go
    to log_path (a temporary file when None)."""

    def __init__(self, args, env=None, cwd=None, log_path=None):
        self.args = [os.fspath(a) for a in args]
        self.env = env
        self.cwd = cwd
        self.log_path = log_path
        self.proc = None
        self._log = None

    def start(self):
        if self.proc is not None:
            raise RuntimeError(f"already started: {self.args[0]}")
        if self.log_path is None:
            fd, self.log_path = tempfile.mkstemp(prefix="proc-", suffix=".log")
            os.close(fd)
        self._log = open(self.log_path, "wb")
        # start_new_session: stop() signals the whole group, so children go too.
        self.proc = subprocess.Popen(self.args, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    @property
    def returncode(self):
        """None while running (or never started), else the exit code."""
        return self.proc.poll() if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def output(self):
        """Everything the process wrote so far (stdout and stderr)."""
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def _died(self, waiting_for):
        return RuntimeError(f"{self.args[0]} exited {self.proc.returncode} while waiting for "
                            f"{waiting_for}; last lines of {self.log_path}:\n{_tail(self.output())}")

    def _wait(self, waiting_for, ready, timeout):
        if self.proc is None:
            raise RuntimeError(f"{self.args[0]} was never started")
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise self._died(waiting_for)
            if ready():
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{self.args[0]}: no {waiting_for} after {timeout}s; "
                                   f"last lines of {self.log_path}:\n{_tail(self.output())}")
            time.sleep(0.1)

    def wait_port(self, port, timeout=30, host="127.0.0.1"):
        """Waits until something accepts TCP connections on host:port."""
        def ready():
            try:
                with socket.create_connection((host, port), timeout=1):
                    return True
            except OSError:
                return False
        self._wait(f"listener on {host}:{port}", ready, timeout)

    def wait_http(self, url, timeout=30):
        """Waits until `url` answers 2xx or 3xx; returns that status."""
        status = []

        def ready():
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    status.append(r.status)
                    return True
            except (urllib.error.URLError, OSError):
                return False
        self._wait(f"answer from {url}", ready, timeout)
        return status[-1]

    def stop(self, timeout=10):
        """SIGTERM to the process group, SIGKILL after `timeout`; returns the exit
        code. Idempotent; harmless if never started."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            _kill_group(self.proc, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(self.proc, signal.SIGKILL)
                self.proc.wait()
        # Children that outlived the leader still belong to the group.
        _kill_group(self.proc, signal.SIGKILL)
        if self._log:
            self._log.close()
            self._log = None
        return self.proc.returncode

    def __enter__(self):
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def run(args, log_path=None, check=True, env=None, cwd=ROOT, timeout=None):
    """Runs a command to completion; returns (exit code, stdout+stderr). Prints
    one timed line; writes the output to log_path if given. check: raise
    AssertionError with the output's tail on a non-zero exit. On timeout the
    process group is killed and the exit code is 124 (as timeout(1))."""
    args = [os.fspath(a) for a in args]
    start = time.monotonic()
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        _kill_group(proc, signal.SIGKILL)
        out, _ = proc.communicate()
        out += f"\n[killed after {timeout}s]\n".encode()
        code = 124
    output = out.decode("utf-8", "replace")
    secs = time.monotonic() - start
    if log_path:
        with open(log_path, "w") as f:
            f.write(output)
    where = f", log {log_path}" if log_path else ""
    print(f"[{time.strftime('%H:%M:%S')}] {' '.join(args)} -> exit {code} ({secs:.0f}s{where})", flush=True)
    if check and code != 0:
        raise AssertionError(f"{' '.join(args)} failed ({code}) after {secs:.0f}s:\n{output[-4000:]}")
    return code, output
