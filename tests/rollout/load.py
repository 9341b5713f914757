"""A bounded load generator for the rollout scenarios: a few keep-alive
connections to one URL, each at a steady rate, counting every request and
classifying every failure (hand-written: wrk reports errors by socket call,
not by request, and cannot tell which version answered).

    with Load("https://localhost:5443/version", ca_file, connections=4, rate=25) as load:
        ...deploy...
    print(load.report())          # sent 6400, ok 6400, failed 0 (...)

Kinds of failure: http_<code> (5xx from the load balancer, any non-200),
reset (the connection was reset or closed mid-request), timeout, error
(anything else). After a failure the connection is opened again, as a
client would."""
import collections
import http.client
import json
import ssl
import threading
import time
import urllib.parse

TIMEOUT = 5.0


class Load:
    def __init__(self, url, ca_file=None, connections=4, rate=25.0):
        self.url = urllib.parse.urlsplit(url)
        self.ctx = ssl.create_default_context(cafile=ca_file) if self.url.scheme == "https" else None
        self.connections, self.rate = connections, rate
        self.lock = threading.Lock()
        self.sent = 0
        self.failures = collections.Counter()
        self.failure_times = []           # (time, kind)
        self.versions = []                # (time the response arrived, commit)
        self.stop_event = threading.Event()
        self.threads = []

    def _connect(self):
        host, port = self.url.hostname, self.url.port
        if self.ctx:
            return http.client.HTTPSConnection(host, port, timeout=TIMEOUT, context=self.ctx)
        return http.client.HTTPConnection(host, port, timeout=TIMEOUT)

    def _one(self, conn):
        """One request; returns (commit or None, failure kind or None)."""
        try:
            conn.request("GET", self.url.path or "/")
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != 200:
                return None, f"http_{resp.status}"
            try:
                return json.loads(body).get("commit", ""), None
            except ValueError:
                return "", None
        except TimeoutError:
            return None, "timeout"
        except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine) as e:
            return None, "reset" if isinstance(e, (ConnectionError, http.client.RemoteDisconnected)) else "error"
        except (OSError, http.client.HTTPException):
            return None, "error"

    def _worker(self):
        conn = self._connect()
        interval = 1.0 / self.rate
        next_at = time.monotonic()
        while not self.stop_event.is_set():
            commit, failure = self._one(conn)
            now = time.time()
            with self.lock:
                self.sent += 1
                if failure:
                    self.failures[failure] += 1
                    self.failure_times.append((now, failure))
                else:
                    self.versions.append((now, commit))
            if failure:
                conn.close()
                conn = self._connect()
            next_at += interval
            delay = next_at - time.monotonic()
            if delay > 0:
                self.stop_event.wait(delay)
            else:
                next_at = time.monotonic()   # behind: no burst to catch up
        conn.close()

    def start(self):
        for _ in range(self.connections):
            t = threading.Thread(target=self._worker, daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join(TIMEOUT + 2)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def failed(self):
        return sum(self.failures.values())

    def commits_since(self, t):
        with self.lock:
            return collections.Counter(c for at, c in self.versions if at >= t)

    def report(self):
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.failures.items())) or "none"
        by_version = collections.Counter(c for _, c in self.versions)
        return (f"sent {self.sent}, ok {self.sent - self.failed}, failed {self.failed} ({kinds}); "
                f"answers by commit: {dict(by_version)}")
