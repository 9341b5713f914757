"""Logging never blocks request handling: with stdout stalled (a pipe that
nobody reads, as a log driver that stopped), requests, /healthz and the
drain go on; lines that do not fit the log buffer are dropped and counted
in /metrics (log_lines_dropped_total)."""
import re
import signal
import socket
import subprocess
import time

from harness import Conn, ServerTest, base_env, free_port, server_bin


def wait_listening(port, proc, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("server did not listen")


class LogStallTest(ServerTest):
    def start_stalled(self):
        port, mport = free_port(), free_port()
        proc = subprocess.Popen([server_bin()], env=base_env({"PORT": port, "METRICS_PORT": mport}), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # stdout never read

        def cleanup():
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
        self.addCleanup(cleanup)
        wait_listening(port, proc)
        return port, mport, proc

    def test_stalled_stdout_does_not_block_requests_and_drops_are_counted(self):
        port, mport, proc = self.start_stalled()
        batch = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n" * 100
        with Conn(port, timeout=5) as c:
            for _ in range(80):  # 8,000 access log lines: far more than pipe and buffer hold
                c.send(batch)
                for _ in range(100):
                    self.assertEqual(c.read_response().status, 200)
        with Conn(port, timeout=2) as c:
            self.assertEqual(c.roundtrip("GET", "/healthz").status, 200)
        with Conn(mport, timeout=2) as c:
            text = c.roundtrip("GET", "/metrics").body.decode()
        m = re.search(r"^log_lines_dropped_total (\d+)$", text, re.M)
        self.assertIsNotNone(m, "no log_lines_dropped_total in /metrics")
        self.assertGreater(int(m.group(1)), 0)
        # The drain still ends: SIGTERM exits within its final log flush.
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=10), 0)
