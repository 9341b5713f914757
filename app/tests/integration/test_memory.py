"""Memory is bounded by bytes per connection whatever a client does: a
client that pipelines the largest response and never reads holds less than
one response (the rest waits in the kernel's send buffer), and a keep-alive
connection that once fetched /metrics gives that buffer back."""
import os
import sys

from harness import Conn, ServerTest, metrics_port

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
import attack  # noqa: E402  (shared with `make bench`)

OUTPUT_BOUND = 16 * 1024  # Http1Codec::kMaxQueuedBytes
KEEP_BYTES = 32 * 1024    # what an idle connection may keep: input buffer, bookkeeping


# ThreadSanitizer's shadow memory grows with the memory the server touches:
# allow for it (an unbounded queue still holds several times more).
SHADOW = 2 if "TSAN_OPTIONS" in os.environ else 1


def allocator_env():
    """ASan keeps freed memory in a quarantine (256 MiB by default), which
    would hide what the server gives back: turn it off for these servers."""
    asan = os.environ.get("ASAN_OPTIONS")
    if asan is None:
        return {}
    return {"ASAN_OPTIONS": asan + ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0"}


class MemoryBoundTest(ServerTest):
    ENV = {"ACCESS_LOG": "off", "THREADS": "1", **allocator_env()}

    def setUp(self):
        self.mport = metrics_port(self.server)
        self.metrics_size = attack.prime_metrics(self.port, self.mport)
        self.assertGreater(self.metrics_size, 2 * OUTPUT_BOUND,
                           "primed /metrics too small to tell bytes from a response count")
        self.base = attack.settled_rss_kib(self.server.proc.pid)

    def growth_per_conn(self, socks):
        grown = attack.settled_rss_kib(self.server.proc.pid, seconds=2) - self.base
        for s in socks:
            s.close()
        return grown * 1024 / len(socks)

    def test_pipelined_metrics_never_read_hold_less_than_a_response(self):
        # Answering waits for room in the kernel's send buffer: a client that
        # stops reading leaves at most the unsent tail of one response with us
        # (under 40 KiB measured here at 600 connections; 72 KiB while each held
        # a whole response).
        conns = 600
        socks = attack.pipeline_never_read(self.mport, conns, "/metrics", requests=64, seconds=3)
        per_conn = self.growth_per_conn(socks)
        allowed = self.metrics_size * 3 / 4 * SHADOW
        self.assertLess(per_conn, allowed,
                        f"{per_conn / 1024:.0f} KiB per connection (/metrics is "
                        f"{self.metrics_size / 1024:.0f} KiB)")

    def test_keep_alive_connection_gives_back_metrics_buffers(self):
        conns = 200
        socks = []
        for _ in range(conns):
            c = Conn(self.mport)
            self.assertEqual(c.roundtrip("GET", "/metrics").status, 200)
            socks.append(c.sock)
        per_conn = self.growth_per_conn(socks)
        self.assertLess(per_conn, KEEP_BYTES * SHADOW,
                        f"{per_conn / 1024:.0f} KiB kept per idle connection (/metrics is "
                        f"{self.metrics_size / 1024:.0f} KiB)")
