"""Starts the real server binary and talks raw HTTP/1.1 to it.

`Server` launches the binary with PORT=0, learns the port from the
`listening` log line, keeps every stdout/stderr line (drained by threads so
the pipes never fill) and stops the process. `Conn` is a tiny socket client
that reads responses one at a time, so tests can pipeline, send malformed
bytes, and see exactly when the server closes. `ServerTest` is the base
TestCase: it fails a test when the server crashed or a sanitizer reported.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, ROOT)
from tests.lib.ports import free_port  # noqa: E402,F401  (tests import it from here)
# A sanitizer's report, or a failed assert() (the sanitizer builds keep them:
# the connection's invariants), on the server's stderr.
SANITIZER_RE = re.compile(r"ERROR: \w+Sanitizer|WARNING: ThreadSanitizer|runtime error:|Assertion .* failed")


def server_bin():
    path = os.environ.get("SERVER_BIN", "build/app/release/server")
    if not os.path.isabs(path):
        path = os.path.join(ROOT, path)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise RuntimeError(
            f"server binary not found or not executable: {path} "
            "(run `make build`, or set SERVER_BIN)")
    return path


def base_env(extra=None):
    """A clean environment: only what the binary and sanitizers need, with
    short timeouts so the suite stays fast. `None` values unset a key."""
    env = {k: v for k, v in os.environ.items()
           if k in ("PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")}
    env.update(PORT="0", METRICS_PORT="0", HOST="127.0.0.1", THREADS="2", REQUEST_TIMEOUT="3s",
               IDLE_TIMEOUT="5s", DRAIN_TIMEOUT="3s")
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


def run_cli(args, env=None, timeout=10):
    """Runs the binary to completion (flags like --version, bad config)."""
    return subprocess.run([server_bin(), *args], env=base_env(env),
                          capture_output=True, timeout=timeout, text=True,
                          errors="replace")


class Server:
    def __init__(self, env=None, args=(), wait=True, prefix=()):
        self.env = base_env(env)
        self.args = list(args)
        self.prefix = list(prefix)
        self.raw_lines = []      # stdout lines as bytes, without newline
        self.stderr_lines = []
        self._cond = threading.Condition()
        self.port = None
        self.start(wait)

    def start(self, wait):
        self.started_at = time.time()
        self.proc = subprocess.Popen(
            [*self.prefix, server_bin(), *self.args], env=self.env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        self._threads = [
            threading.Thread(target=self._drain, args=(self.proc.stdout, self.raw_lines), daemon=True),
            threading.Thread(target=self._drain, args=(self.proc.stderr, self.stderr_lines), daemon=True),
        ]
        for t in self._threads:
            t.start()
        if wait:
            line = self.wait_log(lambda o: o.get("event") == "listening", timeout=10)
            if line is None:
                self.kill()
                raise RuntimeError(
                    "server printed no `listening` line; stdout:\n"
                    + self.stdout_text() + "\nstderr:\n" + self.stderr_text())
            self.port = int(line["port"])

    def _drain(self, pipe, sink):
        for raw in iter(pipe.readline, b""):
            with self._cond:
                sink.append(raw.rstrip(b"\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    # --- logs -------------------------------------------------------------
    def logs(self):
        """Parsed stdout lines (lines that are not JSON objects are skipped;
        tests that need every line valid check raw_lines)."""
        with self._cond:
            return self._parsed()

    def _parsed(self):
        """logs() for a caller that already holds self._cond."""
        out = []
        for raw in self.raw_lines:
            try:
                obj = json.loads(raw.decode("utf-8"))
            except ValueError:
                continue
            if isinstance(obj, dict):
                out.append(obj)
        return out

    def events(self, event):
        return [o for o in self.logs() if o.get("event") == event]

    def wait_log(self, pred, timeout=3.0):
        """Waits for a parsed log line matching pred; returns it or None."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for o in self._parsed():
                    if pred(o):
                        return o
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._alive_readers()):
                    return None
                self._cond.wait(min(left, 0.05))

    def _alive_readers(self):
        return any(t.is_alive() for t in self._threads)

    def stdout_text(self):
        with self._cond:
            return "\n".join(l.decode("utf-8", "replace") for l in self.raw_lines)

    def stderr_text(self):
        with self._cond:
            return "\n".join(l.decode("utf-8", "replace") for l in self.stderr_lines)

    def sanitizer_report(self):
        text = self.stderr_text()
        return text if SANITIZER_RE.search(text) else None

    # --- lifecycle --------------------------------------------------------
    def alive(self):
        return self.proc.poll() is None

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait_exit(self, timeout):
        """Returns the exit code, or None if still running after timeout."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        for t in self._threads:
            t.join(timeout=2)
        return rc

    def stop(self, timeout=10):
        """SIGTERM and wait; SIGKILL if it does not exit. Returns exit code."""
        if self.alive():
            self.signal(signal.SIGTERM)
        rc = self.wait_exit(timeout)
        if rc is None:
            self.kill()
            rc = self.proc.returncode
        return rc

    def kill(self):
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        for t in self._threads:
            t.join(timeout=2)

    def conn(self, timeout=3.0):
        return Conn(self.port, timeout=timeout)


class Response:
    def __init__(self, version, status, reason, headers, body):
        self.version, self.status, self.reason = version, status, reason
        self.header_list = headers          # [(name, value)] as sent
        self.body = body

    def header(self, name, default=None):
        for k, v in self.header_list:
            if k.lower() == name.lower():
                return v
        return default

    def header_count(self, name):
        return sum(1 for k, _ in self.header_list if k.lower() == name.lower())

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<{self.status} {self.header_list} {self.body[:200]!r}>"


class Conn:
    """One client connection; reads responses one by one from a buffer."""

    def __init__(self, port, host="127.0.0.1", timeout=3.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def request(self, method, target, headers=None, body=b"", version="HTTP/1.1", host=True):
        self.send(build_request(method, target, headers, body, version, host))

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection "
                                  f"(buffered: {self.buf[:200]!r})")
        self.buf += chunk

    def read_response(self, head=False):
        """Reads one response. head=True: the request was HEAD (no body)."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        raw_head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = raw_head.decode("latin-1").split("\r\n")
        m = re.match(r"(HTTP/\d\.\d) (\d{3}) ?(.*)", lines[0])
        if not m:
            raise AssertionError(f"bad status line: {lines[0]!r}")
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name, value.strip()))
        resp = Response(m.group(1), int(m.group(2)), m.group(3), headers, b"")
        if head or resp.status in (204, 304) or 100 <= resp.status < 200:
            return resp
        if (resp.header("Transfer-Encoding") or "").lower() == "chunked":
            resp.body = self._read_chunked()
            return resp
        length = resp.header("Content-Length")
        if length is None:
            raise AssertionError(f"response without Content-Length: {resp!r}")
        n = int(length)
        while len(self.buf) < n:
            self._fill()
        resp.body, self.buf = self.buf[:n], self.buf[n:]
        return resp

    def _read_chunked(self):
        body = b""
        while True:
            while b"\r\n" not in self.buf:
                self._fill()
            size_line, self.buf = self.buf.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(self.buf) < size + 2:
                self._fill()
            body += self.buf[:size]
            self.buf = self.buf[size + 2:]
            if size == 0:
                return body

    def roundtrip(self, method, target, headers=None, body=b"", version="HTTP/1.1"):
        self.request(method, target, headers, body, version)
        return self.read_response(head=(method == "HEAD"))

    def wait_closed(self, timeout):
        """True if the server closes (EOF or reset) within timeout with no
        more bytes; raises if it sends data; False if still open."""
        deadline = time.monotonic() + timeout
        if self.buf:
            raise AssertionError(f"unexpected bytes before close: {self.buf[:200]!r}")
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                return False
            except ConnectionResetError:
                return True
            if not chunk:
                return True
            raise AssertionError(f"unexpected bytes instead of close: {chunk[:200]!r}")


def build_request(method, target, headers=None, body=b"", version="HTTP/1.1", host=True):
    if isinstance(target, str):
        target = target.encode("latin-1")
    lines = [method.encode() + b" " + target + b" " + version.encode()]
    hdrs = list((headers or {}).items()) if isinstance(headers, dict) else list(headers or [])
    if host and not any(k.lower() == "host" for k, _ in hdrs):
        hdrs.insert(0, ("Host", "test"))
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in hdrs):
        hdrs.append(("Content-Length", str(len(body))))
    for k, v in hdrs:
        k = k.encode("latin-1") if isinstance(k, str) else k
        v = v.encode("latin-1") if isinstance(v, str) else v
        lines.append(k + b": " + v)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def get(port, target, headers=None, method="GET"):
    with Conn(port) as c:
        return c.roundtrip(method, target, headers)


def metrics_port(server):
    """The port of the server's /metrics listener (METRICS_PORT), from its
    `listening` log line."""
    return int(server.events("listening")[0]["metrics_port"])


class ServerTest(unittest.TestCase):
    """Base class: one shared server per class (ENV/ARGS), and after every
    test a check that the server is alive and no sanitizer reported."""
    ENV = {}
    ARGS = ()
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(cls.ENV, cls.ARGS)
        cls.port = cls.server.port

    @classmethod
    def tearDownClass(cls):
        if cls.server is None:
            return
        rc = cls.server.stop()
        report = cls.server.sanitizer_report()
        if report:
            raise AssertionError("sanitizer report on server stderr:\n" + report[-4000:])
        if rc != 0:
            raise AssertionError(f"server exited {rc} on SIGTERM; stderr:\n"
                                 + cls.server.stderr_text()[-4000:])

    def tearDown(self):
        self.check_server(self.server)

    def check_server(self, srv):
        if srv is None:
            return
        report = srv.sanitizer_report()
        if report:
            self.fail("sanitizer report on server stderr:\n" + report[-4000:])
        if not srv.alive() and srv is self.server:
            self.fail(f"server died (exit {srv.proc.returncode}); stderr:\n"
                      + srv.stderr_text()[-4000:])

    def start(self, env=None, args=(), **kw):
        """A server of this test's own, stopped (and checked) at cleanup."""
        srv = Server(env, args, **kw)

        def cleanup():
            srv.stop()
            report = srv.sanitizer_report()
            if report:
                raise AssertionError("sanitizer report on server stderr:\n" + report[-4000:])
        self.addCleanup(cleanup)
        return srv
