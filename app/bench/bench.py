"""Benchmark: this service vs nginx (1 worker) vs gunicorn + Flask.

One run: every server pinned to CPU 0, wrk pinned to CPU 1, GET / at
c = 10, 100, 256 for BENCH_SECONDS each after a warm-up, in BENCH_ROUNDS
interleaved rounds (median reported); also cold start (launch to first
200, median of 5) and idle RSS. Prints a Markdown table and writes
build/bench/results.md and build/bench/results.csv.

CPU per request: server CPU time (utime + stime from /proc/<pid>/stat,
summed over its process tree) over a fixed count of BENCH_CPU_REQUESTS
(200000) keep-alive requests, for the service at THREADS=1 and 2 and nginx
with 1 and 2 workers (one-thread servers on CPU 0, two-thread ones on CPUs
0-1; wrk on CPU 1), median of BENCH_ROUNDS.

The attack figures (attack.py): RSS growth of the service with
BENCH_ATTACK_CONNS (1000) connections that pipeline the largest response
(/metrics with every series primed) and never read, and with as many idle
keep-alive connections after one /metrics each.

Usage: python3 app/bench/bench.py [attack|cpu]  (env: SERVER_BIN, BENCH_SECONDS=10,
BENCH_ROUNDS=3, BENCH_WARMUP=3, BENCH_CONNECTIONS="10 100 256",
BENCH_ATTACK_CONNS=1000, BENCH_CPU_REQUESTS=200000); `attack` or `cpu` runs
only those figures.
"""
import csv
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

import attack

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "build", "bench")
BASELINE = os.path.join(os.path.dirname(ROOT), "shared", "baseline")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "10 100 256").split()]
ATTACK_CONNS = int(os.environ.get("BENCH_ATTACK_CONNS", "1000"))
CPU_REQUESTS = int(os.environ.get("BENCH_CPU_REQUESTS", "200000"))
CLK_TCK = os.sysconf("SC_CLK_TCK")
DEBIAN_PY = "/usr/bin/python3"


def die(msg):
    print(f"bench: {msg}", file=sys.stderr)
    sys.exit(1)


def preflight():
    for path in ("flask_app.py", "nginx-1w.conf"):
        if not os.path.isfile(os.path.join(BASELINE, path)):
            die(f"baseline file missing: {os.path.join(BASELINE, path)} "
                "(expected ../shared/baseline next to the repository)")
    for tool, pkg in (("wrk", "wrk"), ("nginx", "nginx-light"), ("taskset", "util-linux")):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            die(f"`{tool}` not found: install the Debian package {pkg} (make setup)")
    if not os.path.exists("/usr/bin/gunicorn"):
        die("/usr/bin/gunicorn not found: install the Debian package gunicorn (make setup)")
    if subprocess.run([DEBIAN_PY, "-c", "import flask"], capture_output=True).returncode:
        die("Debian's python3 cannot import flask: install python3-flask (make setup)")
    if len(os.sched_getaffinity(0)) < 2 or not {0, 1} <= os.sched_getaffinity(0):
        die("needs CPUs 0 and 1 (server on 0, wrk on 1)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_ok(port):
    """One GET / on a fresh connection; True on a 200."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
            return re.match(rb"HTTP/1\.[01] 200 ", s.recv(64)) is not None
    except OSError:
        return False


def tree_pids(pid):
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return pids


def rss_kib(pid, field="VmRSS"):
    """Sum of a /proc status field over the process tree, in KiB."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                m = re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.M)
                total += int(m.group(1)) if m else 0
        except OSError:
            pass
    return total


class Target:
    """One server under test: how to launch it on a port."""

    def __init__(self, name, argv_for, env=None, cwd=None, stdout=None, cpus="0"):
        self.name, self.argv_for, self.env, self.cwd = name, argv_for, env, cwd
        self.stdout, self.cpus = stdout, cpus
        self.proc = None

    def launch(self, port):
        self.port = port
        log = open(os.path.join(OUT, f"{slug(self.name)}.log"), "ab")
        out = subprocess.DEVNULL if self.stdout == "null" else log
        self.proc = subprocess.Popen(["taskset", "-c", self.cpus, *self.argv_for(port)],
                                     env=self.env, cwd=self.cwd, stdout=out, stderr=log,
                                     start_new_session=True)
        log.close()
        return self.proc

    def wait_ready(self, port, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                die(f"{self.name} exited with {self.proc.returncode}; see build/bench/{slug(self.name)}.log")
            if http_ok(port):
                return
            time.sleep(0.0005)
        die(f"{self.name} did not answer within {timeout}s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def service_target(binary, access_log, threads=1):
    env = {"PATH": "/usr/bin:/bin", "HOST": "127.0.0.1", "THREADS": str(threads),
           "ACCESS_LOG": access_log}

    def argv(port):
        target.metrics_port = free_port()  # /metrics has a listener of its own
        return [binary, "--port", str(port), "--metrics-port", str(target.metrics_port)]
    name = f"service (log {access_log})" if threads == 1 else f"service THREADS={threads} (log {access_log})"
    target = Target(name, argv, env=env, stdout="null", cpus=cpu_list(threads))
    return target


def cpu_list(n):
    """CPUs for a server with n threads or workers: 0, or 0-1."""
    return ",".join(str(i) for i in range(n))


def gunicorn_target():
    env = {"PATH": "/usr/bin:/bin"}
    return Target("gunicorn + Flask (5 workers)",
                  lambda port: [DEBIAN_PY, "/usr/bin/gunicorn", "--chdir", BASELINE, "-w", "5",
                                "-b", f"127.0.0.1:{port}", "flask_app:app"], env=env)


def nginx_target(workers=1):
    prefix = os.path.join(OUT, f"nginx-{workers}w")
    os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
    with open(os.path.join(BASELINE, "nginx-1w.conf")) as f:
        conf = f.read()
    conf, n = re.subn(r"^worker_processes\s+1;", f"worker_processes {workers};", conf, flags=re.M)
    if n != 1:
        die("could not find the `worker_processes 1;` line in nginx-1w.conf")

    def argv(port):
        text = re.sub(r"listen\s+127\.0\.0\.1:\d+;", f"listen 127.0.0.1:{port};", conf)
        if f":{port};" not in text:
            die("could not find the `listen 127.0.0.1:PORT;` line in nginx-1w.conf")
        with open(os.path.join(prefix, "nginx.conf"), "w") as f:
            f.write(text)
        return ["nginx", "-p", prefix + "/", "-e", "error.log", "-c", "nginx.conf"]
    name = "nginx (1 worker)" if workers == 1 else f"nginx ({workers} workers)"
    return Target(name, argv, env={"PATH": "/usr/sbin:/usr/bin:/bin"}, cpus=cpu_list(workers))


def wrk(port, conns, seconds, at_count=None):
    """wrk for `seconds`; or, given at_count=(n, f), until n responses, then
    f() is called (before wrk's summary) and wrk is interrupted."""
    script = os.path.join(HERE, "report.lua" if at_count is None else "count.lua")
    cmd = ["taskset", "-c", "1", "wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency",
           "-s", script, f"http://127.0.0.1:{port}/"]
    if at_count is None:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    else:
        cmd += ["--", str(at_count[0])]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in proc.stdout:
            if line.strip() == "DONE":
                break
        at_count[1]()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
        out = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
    m = re.search(r"^BENCH (.*)$", out.stdout, re.M)
    if not m:
        die(f"wrk printed no BENCH line:\n{out.stdout}\n{out.stderr}")
    f = {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    return {
        "requests": f["requests"],
        "rps": f["requests"] / (f["duration_us"] / 1e6),
        "p50_ms": f["p50_us"] / 1000, "p99_ms": f["p99_us"] / 1000,
        "errors": f["status"] + f["connect"] + f["read"] + f["write"] + f["timeout"],
        "wrk": out.stdout,
    }


def measure(target, conns, seconds):
    """One wrk run against a running target, sampling its peak RSS."""
    peak, stop = [0], threading.Event()

    def sample():
        while not stop.wait(0.25):
            peak[0] = max(peak[0], rss_kib(target.proc.pid))
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        r = wrk(target.port, conns, seconds)
    finally:
        stop.set()
        sampler.join()
    r.update(server=target.name, c=conns, rss_kib=max(peak[0], rss_kib(target.proc.pid)))
    print(f"  {target.name:30} c={conns:<4} {r['rps']:>10.0f} req/s  p50 {r['p50_ms']:.2f} ms"
          f"  p99 {r['p99_ms']:.2f} ms  errors {r['errors']}", file=sys.stderr)
    return r


def cpu_ticks(pid):
    """utime + stime of the process tree (all threads), in clock ticks."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        except (OSError, IndexError, ValueError):
            pass
    return total


def cpu_per_request(target, conns=100):
    """Server CPU microseconds per request over CPU_REQUESTS keep-alive requests."""
    before, after = cpu_ticks(target.proc.pid), [0]

    def done():
        after[0] = cpu_ticks(target.proc.pid)
    r = wrk(target.port, conns, 300, at_count=(CPU_REQUESTS, done))
    used_us = (after[0] - before) * 1e6 / CLK_TCK
    if r["errors"] or r["requests"] < CPU_REQUESTS:
        die(f"{target.name}: {r['requests']} requests, {r['errors']} errors (want {CPU_REQUESTS}, none)")
    us = used_us / CPU_REQUESTS
    print(f"  cpu: {target.name:34} {us:6.2f} us/request ({CPU_REQUESTS} requests, {r['rps']:.0f} req/s)",
          file=sys.stderr)
    return us


# The CPU comparison: (service threads, nginx workers) measured alike.
CPU_SIZES = (1, 2)


def cpu_figures(binary):
    """Median CPU us/request of each server over BENCH_ROUNDS interleaved rounds."""
    targets = [service_target(binary, "off", n) for n in CPU_SIZES] + [nginx_target(n) for n in CPU_SIZES]
    runs = {t.name: [] for t in targets}
    try:
        for t in targets:
            t.launch(free_port())
            t.wait_ready(t.port)
            wrk(t.port, 100, WARMUP)
        for n in range(ROUNDS):
            print(f"bench: cpu round {n + 1} of {ROUNDS}", file=sys.stderr)
            for t in targets:
                runs[t.name].append(cpu_per_request(t))
    finally:
        for t in targets:
            t.stop()
    return {t.name: statistics.median(runs[t.name]) for t in targets}, targets


def render_cpu(cpu, targets):
    svc = {n: t.name for n, t in zip(CPU_SIZES, targets)}
    ngx = {n: t.name for n, t in zip(CPU_SIZES, targets[len(CPU_SIZES):])}
    lines = [
        f"CPU per request (utime + stime of the server's processes over {CPU_REQUESTS:,} keep-alive "
        f"GET / at c=100, median of {ROUNDS}; access log off; 1 thread/worker on CPU 0, 2 on CPUs 0-1, "
        "wrk on CPU 1):",
        "",
        "| threads / workers | service | nginx | service/nginx | service/service THREADS=1 |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n in CPU_SIZES:
        s, g = cpu[svc[n]], cpu[ngx[n]]
        lines.append(f"| {n} | {s:.2f} us | {g:.2f} us | {s / g:.2f}x | {s / cpu[svc[1]]:.2f}x |")
    return "\n".join(lines) + "\n"


def median_row(runs):
    """Median over rounds (req/s, p50, p99); errors summed, RSS the peak."""
    row = dict(runs[0])
    for key in ("rps", "p50_ms", "p99_ms"):
        row[key] = statistics.median(r[key] for r in runs)
    row["errors"] = sum(r["errors"] for r in runs)
    row["rss_kib"] = max(r["rss_kib"] for r in runs)
    row["wrk"] = "\n".join(r["wrk"] for r in runs)
    return row


def cold_start(target, runs=5):
    """Launch to first 200, median over runs, in ms."""
    times = []
    for _ in range(runs):
        port = free_port()
        t0 = time.monotonic()
        target.launch(port)
        target.wait_ready(port)
        times.append((time.monotonic() - t0) * 1000)
        target.stop()
    return statistics.median(times)


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def render(rows, extra):
    by = {(r["server"], r["c"]): r for r in rows}
    nginx, flask = "nginx (1 worker)", "gunicorn + Flask (5 workers)"
    lines = [
        f"Each server pinned to CPU 0, `wrk -t1` pinned to CPU 1, GET /; median of {ROUNDS} "
        f"interleaved rounds of {SECONDS} s per row after a {WARMUP} s warm-up; all figures "
        "from one run. Service: THREADS=1, access log to /dev/null when on.",
        "",
        "| server | c | req/s | p50 | p99 | errors | RSS under load | service/nginx | service/Flask |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio_n = ratio_f = ""
        if r["server"].startswith("service"):
            n, f = by.get((nginx, r["c"])), by.get((flask, r["c"]))
            r["ratio_nginx"] = r["rps"] / n["rps"] if n and n["rps"] else None
            r["ratio_flask"] = r["rps"] / f["rps"] if f and f["rps"] else None
            ratio_n = f"{r['ratio_nginx']:.2f}x" if r["ratio_nginx"] else ""
            ratio_f = f"{r['ratio_flask']:.1f}x" if r["ratio_flask"] else ""
        lines.append(f"| {r['server']} | {r['c']} | {r['rps']:,.0f} | {r['p50_ms']:.2f} ms | "
                     f"{r['p99_ms']:.2f} ms | {r['errors']} | {mib(r['rss_kib'])} | {ratio_n} | {ratio_f} |")
    lines += ["", "| server | cold start (launch to first 200, median of 5) | idle RSS |",
              "|---|---:|---:|"]
    for name, e in extra.items():
        cold = f"{e['cold_ms']:.1f} ms" if e.get("cold_ms") is not None else "n/a"
        lines.append(f"| {name} | {cold} | {mib(e['idle_kib'])} |")
    return "\n".join(lines) + "\n"


def write_csv(rows, extra):
    with open(os.path.join(OUT, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["server", "connections", "requests_per_sec", "p50_ms", "p99_ms", "errors",
                    "rss_kib", "ratio_nginx", "ratio_flask", "cold_start_ms", "idle_rss_kib"])
        for r in rows:
            e = extra[r["server"]]
            w.writerow([r["server"], r["c"], f"{r['rps']:.1f}", f"{r['p50_ms']:.3f}",
                        f"{r['p99_ms']:.3f}", r["errors"], r["rss_kib"],
                        f"{r['ratio_nginx']:.3f}" if r.get("ratio_nginx") else "",
                        f"{r['ratio_flask']:.3f}" if r.get("ratio_flask") else "",
                        f"{e['cold_ms']:.2f}" if e.get("cold_ms") is not None else "",
                        e["idle_kib"]])


def raise_fd_limit(need):
    """The client side of the attack needs one descriptor per connection."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need + 64:
        if hard != resource.RLIM_INFINITY and hard < need + 64:
            die(f"RLIMIT_NOFILE hard limit {hard} is below the {need} connections of the attack")
        resource.setrlimit(resource.RLIMIT_NOFILE, (need + 64, hard))


# The attacks: (name, listener, target, shape). The largest response on the
# public listener is a JSON error (/version's body is about as large); the
# largest anywhere is /metrics, on the metrics listener (inside the VPC only).
ATTACKS = [
    ("pipeline GET /nope on the public listener, never read", "main", "/nope", "pipeline"),
    ("pipeline GET /metrics on the metrics listener, never read", "metrics", "/metrics", "pipeline"),
    ("idle keep-alive after one GET /metrics", "metrics", "/metrics", "idle"),
]


def attack_figures(binary):
    """RSS growth under each attack, each on a fresh service (THREADS=1,
    access log off, /metrics primed with every series); the server raises
    its own descriptor limit."""
    raise_fd_limit(ATTACK_CONNS)
    figures = []
    for name, listener, path, shape in ATTACKS:
        t = service_target(binary, "off")
        t.launch(free_port())
        try:
            t.wait_ready(t.port)
            size = attack.prime_metrics(t.port, t.metrics_port)
            port = t.metrics_port if listener == "metrics" else t.port
            base = attack.settled_rss_kib(t.proc.pid)
            if shape == "pipeline":
                socks = attack.pipeline_never_read(port, ATTACK_CONNS, path, requests=64, seconds=10)
            else:
                socks = attack.idle_after_one(port, ATTACK_CONNS, path)
            grown = attack.settled_rss_kib(t.proc.pid, seconds=3) - base
            for s in socks:
                s.close()
        finally:
            t.stop()
        figures.append({"name": name, "base_kib": base, "growth_kib": grown, "metrics_bytes": size})
        print(f"  attack: {name}: {ATTACK_CONNS} connections, RSS {base} KiB + {grown} KiB", file=sys.stderr)
    return figures


def render_attack(figures):
    lines = [
        f"Attack figures (service THREADS=1, {ATTACK_CONNS} connections, /metrics primed to "
        f"{figures[0]['metrics_bytes'] / 1024:.0f} KiB):",
        "",
        "| attack | RSS before | RSS growth | per connection |",
        "|---|---:|---:|---:|",
    ]
    for f in figures:
        lines.append(f"| {f['name']} | {mib(f['base_kib'])} | {mib(f['growth_kib'])} | "
                     f"{f['growth_kib'] / ATTACK_CONNS:.1f} KiB |")
    return "\n".join(lines) + "\n"


def main():
    preflight()
    binary = os.environ.get("SERVER_BIN", os.path.join(ROOT, "build/app/release/server"))
    if not os.access(binary, os.X_OK):
        die(f"server binary not found: {binary} (run `make build`)")
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):  # server logs of an earlier run
        if name.endswith(".log"):
            os.remove(os.path.join(OUT, name))
    if sys.argv[1:] == ["attack"]:
        print(render_attack(attack_figures(binary)))
        return
    if sys.argv[1:] == ["cpu"]:
        print(render_cpu(*cpu_figures(binary)))
        return
    if sys.argv[1:]:
        print("usage: python3 app/bench/bench.py [attack|cpu]", file=sys.stderr)
        sys.exit(2)
    targets = [service_target(binary, "off"), service_target(binary, "on"),
               nginx_target(), gunicorn_target()]
    extra = {t.name: {"cold_ms": None} for t in targets}
    runs = {}
    try:
        for t in (targets[0], targets[3]):
            print(f"bench: cold start of {t.name}", file=sys.stderr)
            extra[t.name]["cold_ms"] = cold_start(t)
        # All servers up at once (idle ones cost nothing); each is measured
        # right after the others at the same c, so drift in the machine's
        # load hits them alike.
        for t in targets:
            t.launch(free_port())
            t.wait_ready(t.port)
        time.sleep(1)
        for t in targets:
            extra[t.name]["idle_kib"] = rss_kib(t.proc.pid)
            wrk(t.port, 100, WARMUP)
        for n in range(ROUNDS):
            print(f"bench: round {n + 1} of {ROUNDS}", file=sys.stderr)
            for c in CONNECTIONS:
                for t in targets:
                    runs.setdefault((t.name, c), []).append(measure(t, c, SECONDS))
    finally:
        for t in targets:
            t.stop()
    print("bench: CPU per request", file=sys.stderr)
    cpu = render_cpu(*cpu_figures(binary))
    print("bench: attack figures", file=sys.stderr)
    figures = attack_figures(binary)
    rows = [median_row(runs[(t.name, c)]) for t in targets for c in CONNECTIONS]
    table = render(rows, extra) + "\n" + cpu + "\n" + render_attack(figures)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(table)
    write_csv(rows, extra)
    with open(os.path.join(OUT, "wrk-output.txt"), "w") as f:
        for r in rows:
            f.write(f"## {r['server']} c={r['c']}\n{r['wrk']}\n")
    print(table)
    print("bench: wrote build/bench/results.md, results.csv, wrk-output.txt", file=sys.stderr)


if __name__ == "__main__":
    main()
