"""Hostile client shapes shared by `make bench` (the attack figures) and the
integration tests that bound the server's memory (test_memory.py).

- prime_metrics: one request per method x route, so /metrics carries every
  series it can and is the largest response the server sends;
- pipeline_never_read: many connections that pipeline a request and never
  read a byte of the answers;
- idle_after_one: many keep-alive connections left idle after one answer;
- rss_kib: a process's resident set, from /proc.
"""
import re
import select
import socket
import time

METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO")
PATHS = ("/", "/healthz", "/readyz", "/version", "/metrics", "/nope")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M).group(1))


def _read_all(sock, responses):
    """Reads until `responses` status lines have arrived (bodies included)."""
    buf, deadline = b"", time.monotonic() + 10
    while buf.count(b"HTTP/1.1 ") < responses and time.monotonic() < deadline:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        buf += chunk
    return buf


def prime_metrics(port, metrics_port=None, host="127.0.0.1"):
    """Sends every method to every route over one keep-alive connection, so
    each (method, route, code) series exists. Returns the size of the
    /metrics response (from `metrics_port` if given)."""
    with socket.create_connection((host, port), timeout=10) as s:
        for m in METHODS:
            for p in PATHS:
                s.sendall(f"{m} {p} HTTP/1.1\r\nHost: a\r\n\r\n".encode())
                _read_all(s, 1)
    with socket.create_connection((host, metrics_port or port), timeout=10) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        body = b""
        while True:
            chunk = s.recv(1 << 16)
            if not chunk:
                return len(body)
            body += chunk


def pipeline_never_read(port, conns, target, requests=64, host="127.0.0.1", seconds=5.0):
    """Opens `conns` connections, each pipelining `requests` GETs of `target`
    and never reading. Returns the sockets (the caller closes them). Sends
    stop at `seconds` or when the server stops reading (its input bound)."""
    one = f"GET {target} HTTP/1.1\r\nHost: a\r\n\r\n".encode()
    socks = []
    for _ in range(conns):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect((host, port))
        s.setblocking(False)
        socks.append([s, one * requests])
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pending = [p for p in socks if p[1]]
        if not pending:
            break
        _, writable, _ = select.select([], [p[0] for p in pending], [], 0.1)
        for p in pending:
            if p[0] in writable:
                try:
                    p[1] = p[1][p[0].send(p[1]):]
                except BlockingIOError:
                    pass
    return [p[0] for p in socks]


def idle_after_one(port, conns, target, host="127.0.0.1"):
    """Opens `conns` keep-alive connections, each reading one full answer to
    GET `target`, then left idle. Returns the sockets (the caller closes them)."""
    socks = []
    for _ in range(conns):
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: a\r\n\r\n".encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            buf += s.recv(1 << 16)
        head, body = buf.split(b"\r\n\r\n", 1)
        length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
        while len(body) < length:
            body += s.recv(1 << 16)
        socks.append(s)
    return socks


def settled_rss_kib(pid, seconds=1.0):
    """RSS once it stops growing (sampled every 100 ms, at most `seconds`)."""
    last, deadline = rss_kib(pid), time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = rss_kib(pid)
        if now == last:
            break
        last = now
    return last
