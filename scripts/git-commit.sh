#!/usr/bin/env bash
# Prints the commit a build of app/ reports (/version, `server --version`) and
# `make image` tags images with: the full 40-character SHA of HEAD, plus
# "-dirty" when app/ has uncommitted changes; "unknown" outside a git checkout.
# The one rule for `make build` (app/cmake/version_info.cmake) and `make image`
# (scripts/container/build.sh): the deploy smoke test compares /version with
# the full SHA the pipeline deploys, so the two must never differ.
#   scripts/git-commit.sh
set -euo pipefail
[ "$#" -eq 0 ] || { echo "usage: scripts/git-commit.sh" >&2; exit 2; }
cd "$(dirname "$0")/../app"
commit=$(git rev-parse HEAD 2>/dev/null) || { echo unknown; exit 0; }
# --no-optional-locks: a build never takes the index lock from a commit running at the same time.
[ -z "$(git --no-optional-locks status --porcelain -- . 2>/dev/null)" ] || commit="$commit-dirty"
echo "$commit"
