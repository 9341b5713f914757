"""A fake Lambda Runtime API (2018-06-01) for tests and the cold-start benchmark.

It follows the documented contract (docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
  GET  /2018-06-01/runtime/invocation/next           -> 200, the event, and the
       Lambda-Runtime-Aws-Request-Id / -Deadline-Ms / -Trace-Id / -Invoked-Function-Arn headers;
       waits as long as it takes for an invocation
  POST /2018-06-01/runtime/invocation/{id}/response  -> 202 (400 for an id not in flight)
  POST /2018-06-01/runtime/invocation/{id}/error     -> 202, JSON {errorMessage, errorType} and
       an optional Lambda-Runtime-Function-Error-Type header
  POST /2018-06-01/runtime/init/error                -> 202 (403 once an invocation was handed out)

and the Extensions API (runtimes-extensions-api.html; error types as the Lambda
Runtime Interface Emulator's rapi handlers answer them), for internal extensions:
  POST /2020-01-01/extension/register  Lambda-Extension-Name, body {"events": [...]}
       -> 200 with a Lambda-Extension-Identifier (a UUID); 403 for no name, a body that is
       not {"events": [...]}, SHUTDOWN (not for internal extensions), a name taken, or
       once the runtime asked for its first invocation (registration closes then)
  GET  /2020-01-01/extension/event/next  Lambda-Extension-Identifier
       -> 403 without a known id; else marks the extension ready and waits: no
       event is ever sent (INVOKE events are not modelled)
Init ends, and invocations are handed out, only once every registered
extension has called event/next.

`FakeRuntime.invoke(event)` queues one invocation and waits for the runtime's
answer. `FakeRuntime.shutdown(server)` ends the environment as Lambda does:
SIGKILL when no extension registered; else SIGTERM, and SIGKILL if the runtime
is still there after SHUTDOWN_BUDGET_S. Standard library only (http.server),
HTTP/1.1 keep-alive as Lambda's.
"""
import http.server
import json
import queue
import select
import signal
import socket
import sys
import threading
import time
import uuid

PREFIX = "/2018-06-01/runtime/"
EXTENSION_PREFIX = "/2020-01-01/extension/"
# The Shutdown phase's limit with an internal extension registered (no
# external one): SIGTERM, then SIGKILL 500 ms later (runtimes-extensions-api.html).
SHUTDOWN_BUDGET_S = 0.5
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

    def _error(self, status, error_type, message):
        self._reply(status, json.dumps({"errorMessage": message, "errorType": error_type}).encode())

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
        if self.path == EXTENSION_PREFIX + "event/next":
            return self._extension_next()
        if self.path != PREFIX + "invocation/next":
            return self._reply(404, b'{"errorMessage":"unknown path","errorType":"NotFound"}')
        self._runtime_connection()
        with fake.lock:
            fake.next_calls += 1
            if fake.registration_open:
                fake.registration_open = False
                fake.first_next_at = time.monotonic()
                fake.check_init_locked()
        fake.waiting.set()
        while True:
            if not fake.init_complete.is_set():
                # Init lasts until every registered extension called event/next
                fake.init_complete.wait(0.05)
                item = () if not fake.closing else None
            else:
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

    def _runtime_connection(self):
        if not getattr(self, "counted", False):
            self.counted = True
            self.server.fake.runtime_connections += 1

    def _extension_register(self, body):
        fake = self.server.fake
        name = self.headers.get("Lambda-Extension-Name", "")
        if fake.register_status is not None:
            return self._error(fake.register_status, "Extension.ContainerError", "registration refused by the test")
        if not name:
            return self._error(403, "Extension.InvalidExtensionName", "Empty extension name")
        try:
            request = json.loads(body)
            events = request["events"]
            if not isinstance(events, list):
                raise TypeError("events is not a list")
        except (ValueError, KeyError, TypeError) as e:
            return self._error(403, "InvalidRequestFormat", f"body is not {{\"events\": [...]}}: {e}")
        for event in events:
            if event != "INVOKE":  # SHUTDOWN is for external extensions only
                return self._error(403, "Extension.InvalidEventType", f"{event}: not an event for an internal extension")
        with fake.lock:
            if not fake.registration_open:
                return self._error(403, "Extension.RegistrationClosed", "Extension registration closed already")
            if name in fake.extensions.values():
                return self._error(403, "Extension.InvalidExtensionState", "Extension with this name already registered")
            ext_id = str(uuid.uuid4())
            fake.extensions[ext_id] = name
            fake.registrations.append({"name": name, "events": events, "at": time.monotonic()})
        body = json.dumps({"functionName": "hello-server", "functionVersion": "$LATEST",
                           "handler": "bootstrap"}).encode()
        self._reply(200, body, [("Lambda-Extension-Identifier", ext_id)])

    def _extension_next(self):
        fake = self.server.fake
        ext_id = self.headers.get("Lambda-Extension-Identifier", "")
        if not ext_id:
            return self._error(403, "Extension.MissingExtensionIdentifier", "Missing Lambda-Extension-Identifier header")
        try:
            uuid.UUID(ext_id)
        except ValueError:
            return self._error(403, "Extension.InvalidExtensionIdentifier", "Invalid Lambda-Extension-Identifier")
        with fake.lock:
            if ext_id not in fake.extensions:
                return self._error(403, "Extension.UnknownExtensionIdentifier", f"Unknown extension {ext_id}")
            fake.extensions_ready.add(ext_id)
            fake.check_init_locked()
        # No event is ever sent: wait until the extension's process is gone or the fake closes.
        while not fake.closing and not self._client_gone():
            time.sleep(0.05)
        self.close_connection = True

    def do_POST(self):
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        now = time.monotonic()
        if self.path == EXTENSION_PREFIX + "register":
            return self._extension_register(body)
        if self.path.startswith(PREFIX):
            self._runtime_connection()
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
    def __init__(self, register_status=None):
        self.register_status = register_status  # an HTTP status: every extension/register gets it
        self.closing = False
        self.queue = queue.Queue()
        self.results = queue.Queue()
        self.lock = threading.Lock()
        self.in_flight = set()
        self.waiting = threading.Event()  # a GET next is waiting for an invocation
        self.next_calls = 0
        self.connections = 0  # TCP connections the runtime opened
        self.runtime_connections = 0  # ... of them, those that carried Runtime API (not Extensions API) calls
        self.handed_at = {}   # request id -> when its event was written to the runtime
        self.new_environment()
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.fake = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def new_environment(self):
        """A fresh execution environment (the cold-start benchmark starts one per run): Init again."""
        with self.lock:
            self.registration_open = True  # until the runtime's first invocation/next
            self.first_next_at = None
            self.extensions = {}        # id -> name
            self.extensions_ready = set()  # ids that called event/next
            self.registrations = []     # each: name, events, at (monotonic)
            self.handed_out = False
            self.init_complete = threading.Event()

    def check_init_locked(self):
        """Init is complete once the runtime asked for an invocation and every extension for an event."""
        if not self.registration_open and self.extensions_ready >= set(self.extensions):
            self.init_complete.set()

    def shutdown(self, server, budget=SHUTDOWN_BUDGET_S):
        """Ends `server` (harness.Server) as Lambda ends an environment. Returns
        (signal sent first, exit code, seconds from that signal to the exit)."""
        sig = signal.SIGTERM if self.extensions else signal.SIGKILL
        start = time.monotonic()
        server.signal(sig)
        rc = server.wait_exit(budget if sig == signal.SIGTERM else 5)
        if rc is None:
            server.kill()
            rc = server.proc.returncode
        return sig, rc, time.monotonic() - start

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
        self.closing = True
        for _ in range(4):
            self.queue.put(None)
        self.httpd.shutdown()
        self.httpd.server_close()
