"""Lambda mode benchmark: cold start and per-invocation overhead, against the
fake Runtime API of the app-lambda suite (app/tests/lambda/fake_runtime.py).

- cold start: process start (just before exec) to the first response
  posted to the Runtime API, over COLDSTART_RUNS starts (default 200):
  median and p99; the baseline, measured interleaved with it (one each in
  turn, so both see the same load), is `server --version`: the same static
  binary started and exited, which no runtime avoids;
- per-invocation overhead: COLDSTART_INVOCATIONS (default 2000) sequential
  GET / invocations through the fake API, against as many GET / over one
  HTTP keep-alive connection to the same binary in HTTP mode: the ratio of
  their rates. Both clients are Python, and the fake API (http.server,
  two requests and two thread hand-offs per invocation) costs far more than
  the binary, so the binary's own share is also given: event written to it
  -> its response read, median, against one HTTP request's round trip.

Prints a Markdown table and writes build/bench/coldstart.md.
Usage: python3 app/bench/coldstart.py   (env: SERVER_BIN, COLDSTART_RUNS, COLDSTART_INVOCATIONS)
"""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "lambda"))
from lambda_harness import FakeRuntime, harness, http_event  # noqa: E402

ROOT = harness.ROOT
OUT = os.path.join(ROOT, "build", "bench")


def positive_env(name, default):
    raw = os.environ.get(name, str(default))
    if not raw.isdigit() or int(raw) < 1:
        print(f"coldstart: {name} must be a positive integer (got '{raw}')", file=sys.stderr)
        sys.exit(2)
    return int(raw)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def cold_starts(binary, runs):
    """(cold starts, baseline starts) in milliseconds: Popen to the first
    posted response, and Popen to the exit of `binary --version`, in turn."""
    fake = FakeRuntime()
    env = harness.base_env({"AWS_LAMBDA_RUNTIME_API": fake.address})
    event = http_event("GET", "/")
    times, floor = [], []
    try:
        for _ in range(runs):
            start = time.monotonic()
            subprocess.run([binary, "--version"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
            floor.append((time.monotonic() - start) * 1000)
            rid = fake.submit(event)
            start = time.monotonic()
            proc = subprocess.Popen([binary], env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            got, res = fake.result(timeout=10)
            if got != rid or res.kind != "response":
                sys.exit(f"coldstart: unexpected answer {res!r}")
            times.append((res.received_at - start) * 1000)
            proc.terminate()
            if proc.wait(timeout=5) != 0:
                sys.exit(f"coldstart: Lambda mode exited {proc.returncode} on SIGTERM")
            fake.waiting.clear()
            fake.new_environment()  # the next start is a new execution environment: Init again
    finally:
        fake.close()
    return times, floor


def lambda_rate(binary, n):
    fake = FakeRuntime()
    srv = harness.Server({"AWS_LAMBDA_RUNTIME_API": fake.address, "ACCESS_LOG": "off"}, wait=False)
    try:
        event = http_event("GET", "/")
        for _ in range(50):  # warm-up
            fake.invoke(event)
        handled = []
        start = time.monotonic()
        for _ in range(n):
            handled.append(fake.invoke(event).handled_in * 1e6)
        return n / (time.monotonic() - start), statistics.median(handled)
    finally:
        srv.stop()
        fake.close()


def http_rate(n):
    srv = harness.Server({"ACCESS_LOG": "off"})
    try:
        with harness.Conn(srv.port) as c:
            for _ in range(50):
                c.roundtrip("GET", "/")
            times = []
            start = time.monotonic()
            for _ in range(n):
                t = time.monotonic()
                c.roundtrip("GET", "/")
                times.append((time.monotonic() - t) * 1e6)
            return n / (time.monotonic() - start), statistics.median(times)
    finally:
        srv.stop()


def main():
    runs = positive_env("COLDSTART_RUNS", 200)
    invocations = positive_env("COLDSTART_INVOCATIONS", 2000)
    binary = harness.server_bin()
    cold, floor = cold_starts(binary, runs)
    (lam, lam_us), (http, http_us) = lambda_rate(binary, invocations), http_rate(invocations)
    rows = [
        ("Lambda cold start, median (ms)", f"{statistics.median(cold):.2f}"),
        ("Lambda cold start, p99 (ms)", f"{percentile(cold, 99):.2f}"),
        ("baseline: `server --version` started and exited, median (ms)", f"{statistics.median(floor):.2f}"),
        ("cold start / baseline (ratio)", f"{statistics.median(cold) / statistics.median(floor):.1f}"),
        ("invocations/s through the fake Runtime API", f"{lam:.0f}"),
        ("requests/s over one HTTP keep-alive connection", f"{http:.0f}"),
        ("Lambda rate / HTTP rate (ratio)", f"{lam / http:.3f}"),
        ("the binary's share: event written -> response read, median (us)", f"{lam_us:.0f}"),
        ("one HTTP keep-alive request's round trip, median (us)", f"{http_us:.0f}"),
        ("invocation / HTTP request (ratio)", f"{lam_us / http_us:.1f}"),
    ]
    load = os.getloadavg()[0]
    text = (f"Lambda mode ({runs} cold starts, {invocations} invocations; binary {binary}; "
            f"load average {load:.1f} on {os.cpu_count()} CPUs)\n\n"
            "| figure | value |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows))
    print(text)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "coldstart.md"), "w") as f:
        f.write(text)
    print("coldstart: wrote build/bench/coldstart.md", file=sys.stderr)


if __name__ == "__main__":
    main()
