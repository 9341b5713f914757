"""Command line and configuration: --help, --version, --healthcheck exit
codes, every invalid variable/flag exits 2 naming it, edge values accepted,
container-aware THREADS default."""
import http.server
import math
import socket
import threading
import time

from harness import Conn, ServerTest, free_port, get, run_cli

BAD_VALUES = {
    "PORT": ["-1", "65536", "abc", "80x"],
    "HOST": ["not-an-ip", "999.1.1.1", "localhost"],
    "THREADS": ["0", "257", "two", "-1"],
    "LOG_LEVEL": ["verbose", "trace"],
    "ACCESS_LOG": ["maybe", "2"],
    "MAX_HEADER_BYTES": ["1023", "1048577", "x"],
    "MAX_BODY_BYTES": ["-1", "1073741825", "1k"],
    "MAX_CONNECTIONS": ["0", "1000001", "many"],
    "REQUEST_TIMEOUT": ["0s", "10", "abc", "-5s", "1h"],
    "IDLE_TIMEOUT": ["0ms", "5x", "s"],
    "DRAIN_TIMEOUT": ["0m", "ten", "1.5s"],
}


def flag(var):
    return "--" + var.lower().replace("_", "-")


class CliTest(ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.server = None

    def assertExit2(self, args, env, names):
        out = run_cli(args, env, timeout=5)
        self.assertEqual(out.returncode, 2, f"{args} {env}: stdout={out.stdout!r} stderr={out.stderr!r}")
        self.assertTrue(any(n in out.stderr for n in names),
                        f"stderr does not name {names}: {out.stderr!r}")
        return out

    def test_version_flag(self):
        out = run_cli(["--version"])
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout.strip(), r"^server \S+ \(\S+, built \S+\)$")

    def test_help_flag(self):
        out = run_cli(["--help"])
        self.assertEqual(out.returncode, 0, out.stderr)
        text = out.stdout + out.stderr
        for word in ("--port", "--healthcheck", "--version", "PORT", "DRAIN_TIMEOUT"):
            self.assertIn(word, text)

    def test_unknown_flag_exits_2(self):
        self.assertExit2(["--bogus"], {}, ["--bogus"])
        self.assertExit2(["stray"], {}, ["stray"])

    def test_flag_missing_value_exits_2(self):
        self.assertExit2(["--port"], {}, ["--port", "PORT"])

    def _bad_env(self, var):
        for value in BAD_VALUES[var]:
            with self.subTest(value=value):
                out = self.assertExit2([], {var: value}, [var])
                self.assertIn(value, out.stderr, "message should show the bad value")

    def _bad_flag(self, var):
        value = BAD_VALUES[var][0]
        for args in ([flag(var), value], [f"{flag(var)}={value}"]):
            with self.subTest(args=args):
                self.assertExit2(args, {}, [flag(var), var])

    def test_bad_port(self):
        self._bad_env("PORT")
        self._bad_flag("PORT")

    def test_bad_host(self):
        self._bad_env("HOST")
        self._bad_flag("HOST")

    def test_bad_threads(self):
        self._bad_env("THREADS")
        self._bad_flag("THREADS")

    def test_bad_log_level(self):
        self._bad_env("LOG_LEVEL")
        self._bad_flag("LOG_LEVEL")

    def test_bad_access_log(self):
        self._bad_env("ACCESS_LOG")
        self._bad_flag("ACCESS_LOG")

    def test_bad_max_header_bytes(self):
        self._bad_env("MAX_HEADER_BYTES")
        self._bad_flag("MAX_HEADER_BYTES")

    def test_bad_max_body_bytes(self):
        self._bad_env("MAX_BODY_BYTES")
        self._bad_flag("MAX_BODY_BYTES")

    def test_bad_max_connections(self):
        self._bad_env("MAX_CONNECTIONS")
        self._bad_flag("MAX_CONNECTIONS")

    def test_bad_request_timeout(self):
        self._bad_env("REQUEST_TIMEOUT")
        self._bad_flag("REQUEST_TIMEOUT")

    def test_bad_idle_timeout(self):
        self._bad_env("IDLE_TIMEOUT")
        self._bad_flag("IDLE_TIMEOUT")

    def test_bad_drain_timeout(self):
        self._bad_env("DRAIN_TIMEOUT")
        self._bad_flag("DRAIN_TIMEOUT")

    def test_edge_values_accepted(self):
        srv = self.start({"MAX_HEADER_BYTES": "1048576", "MAX_BODY_BYTES": "0",
                          "MAX_CONNECTIONS": "1000000", "ACCESS_LOG": "false",
                          "LOG_LEVEL": "debug", "REQUEST_TIMEOUT": "1m",
                          "IDLE_TIMEOUT": "100000ms", "DRAIN_TIMEOUT": "1s",
                          "THREADS": "256"})
        self.assertEqual(get(srv.port, "/").status, 200)
        self.assertEqual(srv.events("starting")[0]["threads"], 256)
        # MAX_BODY_BYTES=0: any body is too large.
        with srv.conn() as c:
            self.assertEqual(c.roundtrip("POST", "/", body=b"x").status, 413)

    def test_ipv6_host(self):
        srv = self.start({"HOST": "::1"})
        with Conn(srv.port, host="::1") as c:
            self.assertEqual(c.roundtrip("GET", "/").status, 200)

    def test_threads_default_follows_affinity(self):
        srv = self.start({"THREADS": None}, prefix=["taskset", "-c", "0"])
        quota = cgroup_cpus()
        threads = srv.events("starting")[0]["threads"]
        self.assertIn(threads, {1} if quota is None else {1, quota})

    # --- --healthcheck ------------------------------------------------------
    def test_healthcheck_live_server_exit_0(self):
        srv = self.start()
        out = run_cli(["--healthcheck"], {"PORT": srv.port})
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        out = run_cli(["--healthcheck", "--port", str(srv.port)], {"PORT": "1"})
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    def test_healthcheck_dead_port_exit_1(self):
        out = run_cli(["--healthcheck"], {"PORT": free_port()})
        self.assertEqual(out.returncode, 1)
        text = (out.stdout + out.stderr).strip()
        self.assertTrue(text, "a failing health check prints one line")
        self.assertEqual(len(text.splitlines()), 1, text)

    def test_healthcheck_non_200_exit_1(self):
        seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(self.path)
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass
        httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        t = threading.Thread(target=httpd.serve_forever, daemon=True)
        t.start()
        self.addCleanup(httpd.server_close)
        self.addCleanup(httpd.shutdown)
        out = run_cli(["--healthcheck"], {"PORT": httpd.server_address[1]})
        self.assertEqual(out.returncode, 1)
        self.assertEqual(seen, ["/healthz"])

    def test_healthcheck_hanging_server_times_out(self):
        with socket.socket() as s:  # accepts (backlog) but never answers
            s.bind(("127.0.0.1", 0))
            s.listen(4)
            start = time.monotonic()
            out = run_cli(["--healthcheck"], {"PORT": s.getsockname()[1]}, timeout=8)
            took = time.monotonic() - start
        self.assertEqual(out.returncode, 1)
        self.assertLess(took, 4, "the 2 s deadline was not applied")


def cgroup_cpus():
    """CPUs granted by a cgroup quota (v2 cpu.max or v1), or None."""
    try:
        quota, period = open("/sys/fs/cgroup/cpu.max").read().split()
        return None if quota == "max" else math.ceil(int(quota) / int(period))
    except (OSError, ValueError):
        pass
    try:
        quota = int(open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").read())
        period = int(open("/sys/fs/cgroup/cpu/cpu.cfs_period_us").read())
        return None if quota <= 0 else math.ceil(quota / period)
    except (OSError, ValueError):
        return None
