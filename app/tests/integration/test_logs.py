"""JSON logs on stdout: every line one valid object, the request line
fields, hostile input that cannot break a line, ACCESS_LOG and LOG_LEVEL."""
import json
import re
import time

from harness import Conn, ServerTest, free_port, get

TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
LEVELS = {"debug", "info", "warn", "error"}


def strict_lines(server):
    """Every stdout line decoded as strict UTF-8 and parsed as JSON."""
    out = []
    with server._cond:
        raws = list(server.raw_lines)
    for raw in raws:
        text = raw.decode("utf-8")  # raises on invalid UTF-8
        obj = json.loads(text)      # strict: raw control characters fail
        if not isinstance(obj, dict):
            raise AssertionError(f"log line is not an object: {text!r}")
        out.append(obj)
    return out


class LogTest(ServerTest):
    def request_line(self, rid):
        line = self.server.wait_log(lambda o: o.get("event") == "request"
                                    and o.get("request_id") == rid)
        self.assertIsNotNone(line, f"no request line for {rid}:\n{self.server.stdout_text()}")
        return line

    def test_every_line_valid_json_with_time_level_event(self):
        get(self.port, "/")
        get(self.port, "/nope")
        for obj in strict_lines(self.server):
            self.assertRegex(obj.get("time", ""), TIME_RE, obj)
            self.assertIn(obj.get("level"), LEVELS, obj)
            self.assertIsInstance(obj.get("event"), str, obj)

    def test_starting_and_listening_lines(self):
        starting = self.server.events("starting")[0]
        for key in ("version", "commit", "threads", "port", "host"):
            self.assertIn(key, starting)
        self.assertEqual(starting["threads"], 2)
        self.assertEqual(starting["host"], "127.0.0.1")
        listening = self.server.events("listening")[0]
        self.assertEqual(listening["port"], self.port)
        self.assertIn("address", listening)

    def test_request_line_fields(self):
        get(self.port, "/", {"X-Request-Id": "log-1", "User-Agent": "itest/1.0"})
        line = self.request_line("log-1")
        self.assertEqual(line["method"], "GET")
        self.assertEqual(line["route"], "/")
        self.assertEqual(line["path"], "/")
        self.assertEqual(line["status"], 200)
        self.assertIsInstance(line["duration_ms"], float)
        self.assertTrue(0 <= line["duration_ms"] < 5000)
        self.assertEqual(line["bytes"], 13)
        self.assertEqual(line["user_agent"], "itest/1.0")
        self.assertTrue(line["peer"].startswith("127.0.0.1"), line)
        self.assertTrue(line["client"].startswith("127.0.0.1"), line)
        self.assertRegex(line["time"], TIME_RE)

    def test_head_logs_zero_bytes(self):
        get(self.port, "/", {"X-Request-Id": "log-head"}, method="HEAD")
        self.assertEqual(self.request_line("log-head")["bytes"], 0)

    def test_unmatched_route_keeps_raw_path(self):
        get(self.port, "/nope/123?x=1", {"X-Request-Id": "log-2"})
        line = self.request_line("log-2")
        self.assertEqual(line["route"], "unmatched")
        self.assertEqual(line["path"], "/nope/123?x=1")
        self.assertEqual(line["status"], 404)

    def test_x_forwarded_for_rightmost_is_client(self):
        get(self.port, "/", {"X-Request-Id": "log-xff",
                             "X-Forwarded-For": "203.0.113.7, 198.51.100.9"})
        line = self.request_line("log-xff")
        self.assertEqual(line["client"], "198.51.100.9")
        self.assertTrue(line["peer"].startswith("127.0.0.1"), line)

    def test_hostile_path_and_headers_stay_valid_json(self):
        path = b'/a"b\\c\xff\xfe}{"x":1?q="\'</script>'
        ua = b'evil"\t\\agent\xc3\x28\x7e'
        with Conn(self.port) as c:
            c.request("GET", path, [("X-Request-Id", "log-evil"), ("User-Agent", ua)])
            self.assertEqual(c.read_response().status, 404)
        with Conn(self.port) as c:  # control bytes: rejected, still logged safely
            c.send(b"GET /\x01\x1b[31m HTTP/1.1\r\nHost: t\r\n\r\n")
            c.read_response()
        time.sleep(0.1)
        line = self.request_line("log-evil")
        self.assertTrue(line["path"].startswith('/a"b\\c'), line["path"])
        self.assertIn('"x":1', line["path"])
        self.assertTrue(line["user_agent"].startswith('evil"\t\\agent'), line["user_agent"])
        strict_lines(self.server)  # raises if any line broke


class AccessLogOffTest(ServerTest):
    ENV = {"ACCESS_LOG": "off"}

    def test_access_log_off_suppresses_request_lines(self):
        for _ in range(3):
            get(self.port, "/")
        get(self.port, "/nope")
        time.sleep(0.2)
        self.assertEqual(self.server.events("request"), [])
        self.assertTrue(self.server.events("listening"))

    def test_access_log_flag_wins_over_env(self):
        srv = self.start({"ACCESS_LOG": "off"}, ["--access-log", "on"])
        get(srv.port, "/", {"X-Request-Id": "flag-on"})
        self.assertIsNotNone(srv.wait_log(lambda o: o.get("request_id") == "flag-on"))


class LogLevelTest(ServerTest):
    def test_log_level_warn_hides_info(self):
        port = free_port()
        srv = self.start({"LOG_LEVEL": "warn", "PORT": port}, wait=False)
        deadline = time.monotonic() + 5
        while True:
            try:
                r = get(port, "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.fail("server with LOG_LEVEL=warn never answered")
                time.sleep(0.02)
        self.assertEqual(r.status, 200)
        srv.stop()
        levels = {o.get("level") for o in strict_lines(srv)}
        self.assertFalse(levels & {"debug", "info"}, srv.stdout_text())

    def test_port_flag_wins_over_env(self):
        port = free_port()
        srv = self.start({"PORT": "0"}, ["--port", str(port)])
        self.assertEqual(srv.port, port)
        self.assertEqual(get(port, "/").status, 200)

    def test_stopped_line_on_exit(self):
        srv = self.start()
        self.assertEqual(srv.stop(), 0)
        stopped = srv.events("stopped")
        self.assertEqual(len(stopped), 1, srv.stdout_text())
        self.assertEqual(stopped[0]["exit_code"], 0)
        self.assertEqual(strict_lines(srv)[-1]["event"], "stopped")
