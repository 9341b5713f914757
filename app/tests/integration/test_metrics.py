"""GET /metrics: Prometheus text format 0.0.4, the metric set of
app/README.md, counters that move, template route labels, histograms."""
import math
import re

from harness import ServerTest, get, metrics_port

SAMPLE_RE = re.compile(
    r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')
EXPECTED = {
    "http_requests_total": "counter",
    "http_request_duration_seconds": "histogram",
    "http_requests_in_flight": "gauge",
    "process_start_time_seconds": "gauge",
    "process_resident_memory_bytes": "gauge",
    "app_build_info": "gauge",
}
TEMPLATES = {"/", "/healthz", "/readyz", "/version", "/metrics", "unmatched"}
METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
           "CONNECT", "TRACE", "other"}


def parse_labels(text):
    labels, pos = {}, 0
    while pos < len(text):
        m = LABEL_RE.match(text, pos)
        if not m:
            raise AssertionError(f"bad label set: {text!r}")
        labels[m.group(1)] = m.group(2)
        pos = m.end()
    return labels


def parse(text):
    """Returns (help, types, samples); asserts every line is well formed."""
    helps, types, samples = {}, {}, []
    for line in text.split("\n"):
        if not line:
            continue
        if line.startswith("# HELP "):
            name, _, doc = line[7:].partition(" ")
            helps[name] = doc
        elif line.startswith("# TYPE "):
            name, _, kind = line[7:].partition(" ")
            types[name] = kind
        elif line.startswith("#"):
            continue
        else:
            m = SAMPLE_RE.match(line)
            if not m:
                raise AssertionError(f"bad sample line: {line!r}")
            value = float(m.group(4))  # accepts +Inf/NaN spellings too
            samples.append((m.group(1), parse_labels(m.group(3) or ""), value))
    return helps, types, samples


class MetricsTest(ServerTest):
    def scrape(self):
        r = get(metrics_port(self.server), "/metrics")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
        text = r.body.decode("utf-8")
        self.assertTrue(text.endswith("\n"), "exposition must end with a newline")
        return parse(text)

    def value(self, samples, name, **labels):
        for n, l, v in samples:
            if n == name and all(l.get(k) == val for k, val in labels.items()):
                return v
        return 0.0

    def test_help_and_type_for_every_metric(self):
        helps, types, samples = self.scrape()
        for name, kind in EXPECTED.items():
            with self.subTest(metric=name):
                self.assertEqual(types.get(name), kind)
                self.assertTrue(helps.get(name), f"no HELP for {name}")
        names = {n for n, _, _ in samples}
        for name in ("http_requests_in_flight", "process_start_time_seconds",
                     "process_resident_memory_bytes", "app_build_info"):
            self.assertIn(name, names)

    def test_requests_counter_increases(self):
        _, _, before = self.scrape()
        for _ in range(3):
            self.assertEqual(get(self.port, "/healthz").status, 200)
        get(self.port, "/healthz", method="POST")
        _, _, after = self.scrape()
        key = dict(method="GET", route="/healthz", code="200")
        self.assertEqual(self.value(after, "http_requests_total", **key)
                         - self.value(before, "http_requests_total", **key), 3)
        key405 = dict(method="POST", route="/healthz", code="405")
        self.assertEqual(self.value(after, "http_requests_total", **key405)
                         - self.value(before, "http_requests_total", **key405), 1)
        cnt = dict(method="GET", route="/healthz")
        self.assertEqual(self.value(after, "http_request_duration_seconds_count", **cnt)
                         - self.value(before, "http_request_duration_seconds_count", **cnt), 3)

    def test_route_labels_are_templates(self):
        get(self.port, "/nope/123")
        get(self.port, "/nope/abc?q=1")
        get(self.port, "/%2e%2e/etc/passwd")
        with self.server.conn() as c:
            r = c.roundtrip("BREW", "/pot")
            self.assertEqual(r.status, 404)
        _, _, samples = self.scrape()
        for name, labels, _ in samples:
            if "route" in labels:
                self.assertIn(labels["route"], TEMPLATES, (name, labels))
            if "method" in labels:
                self.assertIn(labels["method"], METHODS, (name, labels))
        self.assertGreaterEqual(self.value(samples, "http_requests_total",
                                           method="GET", route="unmatched", code="404"), 3)
        self.assertGreaterEqual(self.value(samples, "http_requests_total",
                                           method="other", route="unmatched", code="404"), 1)

    def test_histogram_buckets_cumulative_and_inf_equals_count(self):
        for _ in range(2):
            get(self.port, "/")
        _, _, samples = self.scrape()
        series = {}
        for name, labels, value in samples:
            if name == "http_request_duration_seconds_bucket":
                key = (labels["method"], labels["route"])
                series.setdefault(key, []).append((labels["le"], value))
        self.assertIn(("GET", "/"), series)
        for key, buckets in series.items():
            with self.subTest(series=key):
                les = [le for le, _ in buckets]
                self.assertEqual(les[-1], "+Inf")
                self.assertEqual(float(les[0]), 0.0005)
                self.assertEqual(float(les[-2]), 10.0)
                bounds = [float(le) for le in les]
                self.assertEqual(bounds, sorted(bounds))
                counts = [v for _, v in buckets]
                self.assertEqual(counts, sorted(counts), "buckets must be cumulative")
                count = self.value(samples, "http_request_duration_seconds_count",
                                   method=key[0], route=key[1])
                self.assertEqual(counts[-1], count)
                total = self.value(samples, "http_request_duration_seconds_sum",
                                   method=key[0], route=key[1])
                self.assertTrue(0 <= total < 10 * max(count, 1))
                self.assertGreater(count, 0)

    def test_process_gauges(self):
        _, _, samples = self.scrape()
        start = self.value(samples, "process_start_time_seconds")
        self.assertLessEqual(abs(start - self.server.started_at), 5,
                             "process_start_time_seconds is not the launch time")
        rss = self.value(samples, "process_resident_memory_bytes")
        self.assertTrue(100 * 1024 < rss < 2 ** 31, rss)
        in_flight = self.value(samples, "http_requests_in_flight")
        self.assertTrue(0 <= in_flight <= 2 and not math.isnan(in_flight), in_flight)

    def test_build_info_matches_version(self):
        v = get(self.port, "/version").json()
        _, _, samples = self.scrape()
        infos = [(l, val) for n, l, val in samples if n == "app_build_info"]
        self.assertEqual(len(infos), 1, infos)
        labels, value = infos[0]
        self.assertEqual(value, 1)
        self.assertEqual(labels, v)
