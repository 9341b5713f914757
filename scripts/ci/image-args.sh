#!/usr/bin/env bash
# Prints the image build args that scripts/container/build.sh derives from git,
# as GitHub step outputs (key=value lines), for builds that go through
# docker/build-push-action instead (Buildx cache, multi-platform push):
#   version     latest v* tag without the v, else 0.0.0-dev
#   build_time  the commit time, UTC (a rebuild of the same commit is a cache hit)
#   source_url  https URL of the repository
# The commit itself is github.sha (full), which deploys use as the image tag.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(git describe --tags --match 'v[0-9]*' --abbrev=0 2>/dev/null | sed 's/^v//') || true
echo "version=${version:-0.0.0-dev}"
echo "build_time=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)"
echo "source_url=${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-unknown}"
