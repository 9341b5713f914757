#!/usr/bin/env bash
# `make bench-chart`: copies build/bench/results.csv (from `make bench`) to
# docs/bench/results.csv, renders docs/bench/throughput.png with gnuplot
# (docs/bench/throughput.gp), and records the hashes of the sources and the
# PNG in docs/bench/throughput.sha256 (checked by the docs suite).
# BENCH_CSV overrides the input file; BENCH_OUT the output folder (the docs
# suite renders into a temporary one to compare with the committed PNG).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
csv=${BENCH_CSV:-$root/build/bench/results.csv}
out=${BENCH_OUT:-$root/docs/bench}
gp="$root/docs/bench/throughput.gp"
command -v gnuplot >/dev/null || { echo "bench-chart: gnuplot is missing; run 'make setup'" >&2; exit 1; }
[ -f "$csv" ] || { echo "bench-chart: $csv not found; run 'make bench' first" >&2; exit 1; }
[ "$csv" -ef "$out/results.csv" ] || cp "$csv" "$out/results.csv"

# Pivot: rows = connection counts, columns = servers (in first-seen order).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$out/results.csv" "$tmp/throughput.tsv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
need = {"server", "connections", "requests_per_sec"}
if not rows or not need <= set(rows[0]):
    sys.exit(f"bench-chart: {sys.argv[1]} lacks the columns {sorted(need)}")
servers = list(dict.fromkeys(r["server"] for r in rows))
conns = sorted({int(r["connections"]) for r in rows})
rps = {(r["server"], int(r["connections"])): r["requests_per_sec"] for r in rows}
with open(sys.argv[2], "w") as f:
    f.write("\t".join(["connections"] + servers) + "\n")
    for c in conns:
        f.write("\t".join([str(c)] + [rps.get((s, c), "NaN") for s in servers]) + "\n")
PY
cd "$out"
[ "$gp" -ef throughput.gp ] || cp "$gp" throughput.gp
gnuplot -e "datafile='$tmp/throughput.tsv'; outfile='throughput.png.tmp'" throughput.gp
mv throughput.png.tmp throughput.png
{
  echo "# Written by 'make bench-chart' with: $(gnuplot -V)"
  sha256sum throughput.gp results.csv throughput.png
} >throughput.sha256
echo "bench-chart: wrote ${out#"$root"/}/throughput.png from ${csv#"$root"/}"
