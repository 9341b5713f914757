"""The benchmark figures in README.md are the ones in docs/bench/results.csv
(the data the chart is drawn from), so the README never claims numbers the
committed run does not back."""
import csv
import os
import re
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def section(text, title):
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not m:
        raise AssertionError(f"README.md has no '## {title}' section")
    return m.group(1)


def tables(text):
    """Each Markdown table as a list of rows (lists of cell strings)."""
    out, cur = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                cur.append(cells)
        elif cur:
            out.append(cur)
            cur = []
    return out


class BenchmarkTable(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(ROOT, "README.md")) as f:
            self.tables = tables(section(f.read(), "Benchmark"))
        with open(os.path.join(ROOT, "docs", "bench", "results.csv")) as f:
            rows = list(csv.DictReader(f))
        self.csv = {(r["server"], int(r["connections"])): r for r in rows}

    def test_throughput_table_matches_the_csv(self):
        head, *body = self.tables[0]
        self.assertEqual(head[0], "connections")
        self.assertEqual(len(body), len({c for _, c in self.csv}))
        for row in body:
            for server, cell in zip(head[1:], row[1:]):
                want = float(self.csv[(server, int(row[0]))]["requests_per_sec"])
                self.assertEqual(cell, f"{want:,.0f}", f"{server} at c={row[0]}")

    def test_latency_and_memory_table_matches_the_csv(self):
        head, *body = self.tables[1]
        self.assertEqual(len(body), len({s for s, _ in self.csv}))
        for server, p99, rss, idle, cold in body:
            r = self.csv[(server, 256)]
            self.assertEqual(p99, f"{float(r['p99_ms']):.1f} ms", server)
            self.assertEqual(rss, f"{int(r['rss_kib']) / 1024:.1f} MiB", server)
            self.assertEqual(idle, f"{int(r['idle_rss_kib']) / 1024:.1f} MiB", server)
            want = f"{float(r['cold_start_ms']):.1f} ms" if r["cold_start_ms"] else "not measured"
            self.assertEqual(cold, want, server)


if __name__ == "__main__":
    unittest.main()
