"""One event loop per thread (THREADS), each with its own SO_REUSEPORT
listener on the public port: connections spread over the loops, the drain
reaches every loop, and the port is still the server's alone."""
import re
import signal
import socket
import time

from harness import Conn, Server, ServerTest, get, metrics_port

ACCEPTED_RE = re.compile(r'^http_connections_accepted_total\{loop="(\d+)"\} (\d+)$', re.M)
CONNECTIONS = 64  # all on one of two loops by chance: 2 in 2**64


def accepted_per_loop(srv):
    """{loop: connections accepted} from /metrics."""
    r = get(metrics_port(srv), "/metrics")
    return {int(loop): int(n) for loop, n in ACCEPTED_RE.findall(r.body.decode())}


class EventLoopTest(ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.server = None  # every test starts its own server

    def open_served(self, srv, n):
        """n keep-alive connections, each answered once (so each is accepted)."""
        conns = []
        for _ in range(n):
            c = Conn(srv.port)
            self.addCleanup(c.close)
            self.assertEqual(c.roundtrip("GET", "/").status, 200)
            conns.append(c)
        return conns

    def test_connections_spread_over_both_loops(self):
        srv = self.start({"THREADS": "2"})
        self.open_served(srv, CONNECTIONS)
        per_loop = accepted_per_loop(srv)
        self.assertEqual(set(per_loop), {0, 1}, per_loop)
        self.assertEqual(sum(per_loop.values()), CONNECTIONS, per_loop)
        self.assertGreater(min(per_loop.values()), 0, f"one loop served no connection: {per_loop}")

    def test_one_thread_is_one_loop(self):
        srv = self.start({"THREADS": "1"})
        self.open_served(srv, 4)
        self.assertEqual(accepted_per_loop(srv), {0: 4})

    def test_drain_reaches_connections_on_both_loops(self):
        srv = self.start({"THREADS": "2", "DRAIN_TIMEOUT": "5s", "REQUEST_TIMEOUT": "10s"})
        conns = self.open_served(srv, CONNECTIONS)
        self.assertGreater(min(accepted_per_loop(srv).values()), 0)
        for c in conns:
            c.send(b"GET / HTTP/1.1\r\nHost: t\r\n")  # in flight when the drain starts
        time.sleep(0.3)  # let the server read the first halves (an idle connection is just closed)
        srv.signal(signal.SIGTERM)
        self.assertIsNotNone(srv.wait_log(lambda o: o.get("event") == "drain_started", timeout=3))
        self.assertPortCloses(srv.port)
        for c in conns:
            c.send(b"\r\n")
            r = c.read_response()
            self.assertEqual((r.status, r.body), (200, b"Hello, World!"))
            self.assertEqual((r.header("Connection") or "").lower(), "close", r)
            self.assertTrue(c.wait_closed(2))
        self.assertEqual(srv.wait_exit(5), 0, srv.stderr_text()[-2000:])
        finished = srv.events("drain_finished")
        self.assertEqual([f["forced"] for f in finished], [False], srv.stdout_text())

    def assertPortCloses(self, port):
        """Every loop's listener closes (each on its own loop, soon after
        drain_started): connects are refused, 20 in a row (while any
        listener is open, the kernel hands every connect to one)."""
        deadline = time.monotonic() + 3
        refused = 0
        while refused < 20:
            try:
                Conn(port, timeout=0.5).close()
                refused = 0
            except ConnectionRefusedError:
                refused += 1
                continue
            except ConnectionResetError:
                refused = 0  # a handshake a closing listener still held: not yet closed everywhere
            if time.monotonic() > deadline:
                self.fail("new connections still accepted during the drain")
            time.sleep(0.02)

    def assertBindFails(self, port):
        srv = Server({"THREADS": "2", "PORT": str(port)}, wait=False)
        self.addCleanup(srv.kill)
        self.assertEqual(srv.wait_exit(10), 1, srv.stdout_text())
        errors = [o["message"] for o in srv.events("error")]
        self.assertTrue(any(m.startswith(f"cannot bind 127.0.0.1:{port}:") for m in errors), errors)
        self.assertEqual(srv.events("listening"), [])

    def test_port_taken_by_another_socket_is_a_startup_error(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            self.assertBindFails(s.getsockname()[1])

    def test_second_server_cannot_join_the_port(self):
        # Both would set SO_REUSEPORT as the same user: without the claim
        # first, the kernel would let the second share the first's port.
        first = self.start({"THREADS": "2"})
        self.assertBindFails(first.port)
        self.assertEqual(get(first.port, "/").status, 200)
