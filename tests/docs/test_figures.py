"""The committed figures (architecture diagram, benchmark chart) are up to
date with their sources: each has a sidecar <name>.sha256 written by the make
target that renders it, holding the hashes of the sources and of the PNG."""
import hashlib
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOCS = os.path.join(ROOT, "docs")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_sidecar(path):
    """Returns (comment lines, {file name: hash}) of a `sha256sum` output file."""
    comments, hashes = [], {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                comments.append(line)
            elif line:
                digest, name = line.split(None, 1)
                hashes[name.lstrip("*")] = digest
    return comments, hashes


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{path} is not a PNG file")
    return struct.unpack(">II", head[16:24])


class SidecarChecks:
    """Mixed into one test case per figure: folder, png, sources, target."""

    def sidecar(self):
        path = os.path.join(self.folder, os.path.splitext(self.png)[0] + ".sha256")
        if not os.path.exists(path):
            self.fail(f"{os.path.relpath(path, ROOT)} is missing: render the figure with `make {self.target}`")
        return read_sidecar(path)

    def test_sidecar_names_every_source_and_the_png(self):
        _, hashes = self.sidecar()
        self.assertEqual(sorted(hashes), sorted(self.sources + [self.png]),
                         f"re-render with `make {self.target}`")

    def test_sources_unchanged_since_render(self):
        _, hashes = self.sidecar()
        for name in self.sources:
            self.assertEqual(sha256(os.path.join(self.folder, name)), hashes.get(name),
                             f"{name} changed since the PNG was rendered: run `make {self.target}` and commit")

    def test_png_is_the_rendered_one(self):
        _, hashes = self.sidecar()
        self.assertEqual(sha256(os.path.join(self.folder, self.png)), hashes.get(self.png),
                         f"{self.png} differs from what `make {self.target}` wrote")

    def test_png_is_a_readable_image(self):
        self.sidecar()
        width, height = png_size(os.path.join(self.folder, self.png))
        self.assertGreaterEqual(width, 600)
        self.assertGreaterEqual(height, 300)


class ArchitectureDiagram(SidecarChecks, unittest.TestCase):
    folder, png, sources, target = DOCS, "architecture.png", ["architecture.dot"], "diagram"

    def test_fresh_render_matches_with_the_same_graphviz(self):
        # Graphviz output is byte-stable for one version and font set; the
        # sidecar records the version the PNG came from.
        self.assertIsNotNone(shutil.which("dot"), "Graphviz is missing: run `make setup`")
        comments, _ = self.sidecar()
        version = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "a.png")
            subprocess.run(["dot", "-Tpng", os.path.join(DOCS, "architecture.dot"), "-o", out], check=True)
            png_size(out)
            if any(version in c for c in comments):
                self.assertEqual(sha256(out), sha256(os.path.join(DOCS, "architecture.png")),
                                 "a fresh render differs from docs/architecture.png: run `make diagram`")

    def test_diagram_shows_the_required_parts(self):
        with open(os.path.join(DOCS, "architecture.dot")) as f:
            text = f.read()
        for part in ["Internet", "WAF", "Application Load Balancer", "public subnets", "private subnets",
                     "Fargate", "NAT gateway", "VPC endpoints", "ECR", "CloudWatch", "Secrets Manager",
                     "RDS", "GitHub Actions", "OIDC", "deploy role", "SSM parameter", "state bucket"]:
            self.assertIn(part, text)


class BenchmarkChart(SidecarChecks, unittest.TestCase):
    folder, png = os.path.join(DOCS, "bench"), "throughput.png"
    sources, target = ["throughput.gp", "results.csv"], "bench-chart"

    def test_fresh_render_matches_with_the_same_gnuplot(self):
        self.assertIsNotNone(shutil.which("gnuplot"), "gnuplot is missing: run `make setup`")
        comments, _ = self.sidecar()
        version = subprocess.run(["gnuplot", "-V"], capture_output=True, text=True).stdout.strip()
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, BENCH_CSV=os.path.join(self.folder, "results.csv"), BENCH_OUT=tmp)
            subprocess.run([os.path.join(ROOT, "scripts", "stack", "bench-chart.sh")], env=env, check=True,
                           capture_output=True)
            out = os.path.join(tmp, "throughput.png")
            png_size(out)
            if any(version in c for c in comments):
                self.assertEqual(sha256(out), sha256(os.path.join(self.folder, self.png)),
                                 "a fresh render differs from docs/bench/throughput.png: run `make bench-chart`")


if __name__ == "__main__":
    unittest.main()
