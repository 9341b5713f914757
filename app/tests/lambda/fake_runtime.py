"""A fake Lambda Runtime API (2018-06-01) for tests and the cold-start benchmark.

It follows the documented contract (docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
  GET  /2018-06-01/runtime/invocation/next           -> 200, the event, and the
       Lambda-Runtime-Aws-Request-Id / -Deadline-Ms / -Trace-Id / -Invoked-Function-Arn headers;
       waits as long as it takes for an invocation
  POST /2018-06-01/runtime/invocation/{id}/response  -> 202 (400 for an id not in flight)
  POST /2018-06-01/runtime/invocation/{id}/error     -> 202, JSON {errorMessage, errorType} and
       an optional Lambda-Runtime-Function-Error-Type header
  POST /2018-06-01/runtime/init/error                -> 202 (403 once an invocation was handed out)

`FakeRuntime.invoke(event)` queues one invocation and waits for the runtime's
answer. Standard library only (http.server), HTTP/1.1 keep-alive as Lambda's.
"""
import http.server
import json
import queue
import select
import socket
import sys
import threading
import time
import uuid

PREFIX = "/2018-06-01/runtime/"
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:hello-server:live"


class Result:
    """What the runtime posted for one invocation (or for init)."""

    def __init__(self, kind, body, headers, received_at):
        self.kind = kind              # "response", "error" or "init_error"
        self.body = body              # bytes
        self.headers = headers        # {lowercased name: value}
        self.received_at = received_at  # time.monotonic()

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<{self.kind} {self.body[:300]!r}>"


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API

    def log_message(self, *args):  # quiet: tests print what matters
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's
        # algorithm holds the body for the client's delayed ACK (40 ms).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.fake.connections += 1

    def _reply(self, status, body=b"", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _client_gone(self):
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def do_GET(self):
        fake = self.server.fake
        if self.path != PREFIX + "invocation/next":
            return self._reply(404, b'{"errorMessage":"unknown path","errorType":"NotFound"}')
        fake.next_calls += 1
        fake.waiting.set()
        while True:
            try:
                item = fake.queue.get(timeout=0.05)
            except queue.Empty:
                item = ()
            if item is not None and self._client_gone():
                # A runtime that died while waiting must not take an invocation.
                if item:
                    fake.queue.put(item)
                self.close_connection = True
                return None
            if item != ():
                break
        fake.waiting.clear()
        if item is None:  # closing: end this connection (the runtime may be gone already)
            self.close_connection = True
            try:
                self._reply(500, b'{"errorMessage":"shutting down","errorType":"Shutdown"}')
            except OSError:
                pass
            return None
        rid, event, headers = item
        fake.handed_out = True
        self._reply(200, event, headers)
        fake.handed_at[rid] = time.monotonic()

    def do_POST(self):
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        now = time.monotonic()
        if self.path == PREFIX + "init/error":
            if fake.handed_out:
                return self._reply(403, b'{"errorMessage":"init already done","errorType":"InvalidStateTransition"}')
            fake.results.put(("init", Result("init_error", body, headers, now)))
            return self._reply(202, b'{"status":"OK"}')
        parts = self.path[len(PREFIX):].split("/") if self.path.startswith(PREFIX) else []
        if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
            rid = parts[1]
            with fake.lock:
                known = rid in fake.in_flight
                fake.in_flight.discard(rid)
            if not known:
                return self._reply(400, b'{"errorMessage":"invalid request id","errorType":"InvalidRequestID"}')
            res = Result(parts[2], body, headers, now)
            res.handled_in = now - fake.handed_at.pop(rid, now)  # event written -> answer read, seconds
            fake.results.put((rid, res))
            return self._reply(202, b'{"status":"OK"}')
        self._reply(404, b'{"errorMessage":"unknown path","errorType":"NotFound"}')


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A runtime killed mid-request (the tests and the benchmark do that) is not an error here.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class FakeRuntime:
    def __init__(self):
        self.queue = queue.Queue()
        self.results = queue.Queue()
        self.lock = threading.Lock()
        self.in_flight = set()
        self.waiting = threading.Event()  # a GET next is waiting for an invocation
        self.handed_out = False
        self.next_calls = 0
        self.connections = 0  # TCP connections the runtime opened
        self.handed_at = {}   # request id -> when its event was written to the runtime
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.fake = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self):
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def submit(self, event, deadline_ms=None, request_id=None, trace_id=None):
        """Queues one invocation; returns its request id. `event`: bytes, str or a JSON-able object."""
        if not isinstance(event, (bytes, str)):
            event = json.dumps(event)
        if isinstance(event, str):
            event = event.encode("utf-8")
        rid = request_id or str(uuid.uuid4())
        if deadline_ms is None:
            deadline_ms = int(time.time() * 1000) + 30_000
        trace = trace_id or f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=1"
        headers = [("Lambda-Runtime-Aws-Request-Id", rid), ("Lambda-Runtime-Deadline-Ms", str(deadline_ms)),
                   ("Lambda-Runtime-Trace-Id", trace), ("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN)]
        with self.lock:
            self.in_flight.add(rid)
        self.queue.put((rid, event, headers))
        return rid

    def result(self, timeout=5.0):
        """The next result posted: (request id or "init", Result); raises queue.Empty on timeout."""
        return self.results.get(timeout=timeout)

    def invoke(self, event, timeout=5.0, **kw):
        rid = self.submit(event, **kw)
        got, res = self.result(timeout)
        if got != rid:
            raise AssertionError(f"answer for {got}, expected {rid}: {res!r}")
        return res

    def close(self):
        for _ in range(4):
            self.queue.put(None)
        self.httpd.shutdown()
        self.httpd.server_close()
