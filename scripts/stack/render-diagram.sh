#!/usr/bin/env bash
# Renders docs/architecture.dot to docs/architecture.png and records, in
# docs/architecture.sha256, the hashes of both files and the Graphviz version,
# so the docs suite can tell when the PNG is older than its source.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root/docs"
command -v dot >/dev/null || { echo "diagram: Graphviz 'dot' is missing; run 'make setup'" >&2; exit 1; }
dot -Tpng architecture.dot -o architecture.png.tmp
mv architecture.png.tmp architecture.png
{
  echo "# Written by 'make diagram' with: $(dot -V 2>&1)"
  sha256sum architecture.dot architecture.png
} >architecture.sha256
echo "diagram: wrote docs/architecture.png ($(stat -c %s architecture.png) bytes)"
