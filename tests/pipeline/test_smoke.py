"""scripts/smoke-test.sh against a real local HTTP server (a stub of the
service's /healthz and /version on an ephemeral loopback port)."""
import json
import os
import signal
import subprocess
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMIT = "3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3"


class Stub(ThreadingHTTPServer):
    """Serves /healthz and /version like the service; behaviour set per test."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.commit = COMMIT
        self.health_failures = 0  # answer /healthz 503 this many times first
        self.requests = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self):
        if not self.thread.is_alive():
            return
        self.shutdown()
        self.server_close()
        self.thread.join(5)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        srv = self.server
        srv.requests.append((self.path, self.headers.get("X-Request-Id")))
        if self.path == "/healthz":
            if srv.health_failures > 0:
                srv.health_failures -= 1
                self.reply(503, {"status": "draining"})
            else:
                self.reply(200, {"status": "ok"})
        elif self.path == "/version":
            self.reply(200, {"version": "1.2.3", "commit": srv.commit, "build_time": "2026-11-25T09:00:00Z"})
        else:
            self.reply(404, {"error": "not found"})

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def smoke(url, commit=COMMIT, timeout="3", interval="1"):
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "SMOKE_TIMEOUT": timeout, "SMOKE_INTERVAL": interval}
    start = time.monotonic()
    r = subprocess.run([str(ROOT / "scripts/smoke-test.sh"), url, commit], capture_output=True, text=True,
                       env=env, timeout=60)
    return r, time.monotonic() - start


class SmokeTest(unittest.TestCase):
    def setUp(self):
        self.stub = Stub()
        self.addCleanup(self.stub.stop)

    def test_passes_when_healthy_and_on_the_expected_commit(self):
        r, _ = smoke(self.stub.url)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"/version commit {COMMIT}", r.stdout)
        self.assertEqual([p for p, _ in self.stub.requests], ["/healthz", "/version"])
        self.assertTrue(all(rid and rid.startswith("smoke-test-") for _, rid in self.stub.requests))

    def test_trailing_slash_in_url(self):
        r, _ = smoke(self.stub.url + "/")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_fails_on_another_commit_after_the_deadline(self):
        self.stub.commit = "0000000"
        r, secs = smoke(self.stub.url, timeout="2")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("commit '0000000' (want '" + COMMIT + "')", r.stderr)
        self.assertIn("FAIL", r.stderr)
        self.assertLess(secs, 10)

    def test_retries_until_healthy(self):
        self.stub.health_failures = 2  # e.g. the old task draining
        r, _ = smoke(self.stub.url, timeout="20")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("try 1: /healthz answered HTTP 503", r.stdout)
        self.assertIn("pass after 3 tries", r.stdout)

    def test_fails_when_never_healthy(self):
        self.stub.health_failures = 10**6
        r, _ = smoke(self.stub.url, timeout="2")
        self.assertEqual(r.returncode, 1)
        self.assertIn("/healthz answered HTTP 503", r.stderr)

    def test_fails_when_nothing_listens(self):
        url = self.stub.url
        self.stub.stop()
        r, _ = smoke(url, timeout="1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no answer (", r.stderr)


class RealServer(unittest.TestCase):
    """The release binary (make build) speaks the contract the smoke test reads."""

    @classmethod
    def setUpClass(cls):
        build = subprocess.run(["nice", "-n", "10", "make", "--no-print-directory", "build"], cwd=ROOT,
                               capture_output=True, text=True, timeout=1800)
        if build.returncode != 0:
            raise RuntimeError(f"make build failed: {build.stdout[-2000:]}{build.stderr[-2000:]}")
        env = {**os.environ, "PORT": "0", "HOST": "127.0.0.1", "THREADS": "1"}
        cls.proc = subprocess.Popen([str(ROOT / "build/app/release/server")], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
        try:
            cls.commit = cls.port = None
            deadline = time.monotonic() + 20
            while cls.port is None and time.monotonic() < deadline:
                line = cls.proc.stdout.readline()
                if not line:
                    break
                event = json.loads(line) if line.startswith("{") else {}
                cls.commit = event.get("commit", cls.commit)
                if event.get("event") == "listening":
                    cls.port = event["port"]
            if cls.port is None or not cls.commit:
                raise RuntimeError("the server logged no 'starting' commit and 'listening' port")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        try:
            cls.proc.wait(25)
        except subprocess.TimeoutExpired:
            cls.proc.kill()
            cls.proc.wait()
        cls.proc.stdout.close()

    def test_passes_on_the_binarys_commit(self):
        r, _ = smoke(f"http://127.0.0.1:{self.port}", self.commit)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_fails_on_another_commit(self):
        r, _ = smoke(f"http://127.0.0.1:{self.port}", "0" * 40, timeout="1")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"commit '{self.commit}'", r.stderr)


class SmokeTls(unittest.TestCase):
    """HTTPS: the certificate must be valid for the URL's name (what a client checks)."""

    def setUp(self):
        import ssl
        import tempfile
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.cert, key = Path(self.tmp.name, "tls.crt"), Path(self.tmp.name, "tls.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                        "-keyout", str(key), "-out", str(self.cert)], check=True, capture_output=True)
        self.stub = Stub()
        self.addCleanup(self.stub.stop)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, key)
        self.stub.socket = ctx.wrap_socket(self.stub.socket, server_side=True)
        self.port = self.stub.server_address[1]

    def smoke_tls(self, host, timeout="1", **extra):
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "SMOKE_TIMEOUT": timeout, "SMOKE_INTERVAL": "1",
               "CURL_CA_BUNDLE": str(self.cert), **extra}
        return subprocess.run([str(ROOT / "scripts/smoke-test.sh"), f"https://{host}:{self.port}", COMMIT],
                              capture_output=True, text=True, env=env, timeout=60)

    def test_passes_for_the_name_the_certificate_covers(self):
        r = self.smoke_tls("localhost", timeout="30")  # passes at the first good answer
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_fails_for_a_name_the_certificate_does_not_cover(self):
        # As https://<ALB DNS name> against a certificate for the domain would.
        r = self.smoke_tls("127.0.0.1")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("no answer", r.stderr)
        self.assertRegex(r.stderr, r"(?i)certificate|subject name|SSL")


if __name__ == "__main__":
    unittest.main()
