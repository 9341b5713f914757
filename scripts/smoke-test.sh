#!/usr/bin/env bash
# Smoke test of a deployed service:
#
#   scripts/smoke-test.sh URL EXPECTED_COMMIT
#
# Passes when GET URL/healthz answers 200 and GET URL/version reports
# "commit": EXPECTED_COMMIT. Retries until both hold or the deadline passes
# (old tasks keep answering while a rolling deploy drains them).
# Environment: SMOKE_TIMEOUT (seconds, default 180), SMOKE_INTERVAL (seconds
# between tries, default 5), SMOKE_INSECURE=1 accepts a self-signed
# certificate (the emulator/test ALB), CURL_TIMEOUT (per request, default 5).
# Exit: 0 pass, 1 fail (the last answer is printed), 2 bad arguments.
set -euo pipefail

usage="usage: scripts/smoke-test.sh URL EXPECTED_COMMIT"
[ "$#" -eq 2 ] || { echo "smoke-test: $usage" >&2; exit 2; }
url=${1%/} expected=$2
[[ "$url" =~ ^https?://[^[:space:]]+$ ]] || { echo "smoke-test: URL must start with http:// or https:// (got '$1')" >&2; exit 2; }
[ -n "$expected" ] || { echo "smoke-test: EXPECTED_COMMIT is empty; $usage" >&2; exit 2; }

timeout=${SMOKE_TIMEOUT:-180} interval=${SMOKE_INTERVAL:-5}
for v in timeout interval; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "smoke-test: SMOKE_${v^^} must be a whole number of seconds (got '${!v}')" >&2; exit 2; }
done
curl_opts=(--silent --show-error --max-time "${CURL_TIMEOUT:-5}" --header "X-Request-Id: smoke-test-$$")
[ "${SMOKE_INSECURE:-0}" = 1 ] && curl_opts+=(--insecure)

body=$(mktemp) errors=$(mktemp)
trap 'rm -f "$body" "$errors"' EXIT

# GET $1 into $body; prints the HTTP status (000 when no answer: curl's
# reason, e.g. a certificate not valid for the URL's name, is kept in $errors).
get() { curl "${curl_opts[@]}" --output "$body" --write-out '%{http_code}' "$url$1" 2>"$errors" || true; }
# What to say about an answer: the status, or why there was none.
answer() { if [ "$1" = 000 ]; then echo "no answer ($(tr -s '\n' ' ' <"$errors" | head -c 300))"; else echo "HTTP $1"; fi; }

deadline=$(($(date +%s) + timeout))
try=0 last=""
while :; do
  try=$((try + 1))
  health=$(get /healthz)
  if [ "$health" != 200 ]; then
    last="/healthz answered $(answer "$health")"
  else
    code=$(get /version)
    commit=$(jq -r '.commit // empty' "$body" 2>/dev/null || true)
    if [ "$code" = 200 ] && [ "$commit" = "$expected" ]; then
      echo "smoke-test: pass after $try tries: $url/healthz 200, /version commit $commit"
      exit 0
    fi
    last="/version answered $(answer "$code") with commit '${commit:-<none>}' (want '$expected'): $(head -c 300 "$body")"
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "smoke-test: FAIL after $try tries in ${timeout}s against $url: $last" >&2
    exit 1
  fi
  echo "smoke-test: try $try: $last; retrying in ${interval}s"
  sleep "$interval"
done
