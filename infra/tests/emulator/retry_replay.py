"""A retried attempt of a request the emulator already answered gets that answer again.

Why: moto's server (werkzeug's development server) closes the connection
after every answer (`Connection: close`, no keep-alive). On a loaded machine
the AWS SDK in the Terraform provider now and then loses such an answer on
its way in (a transport error before the response is read) although moto
has executed the call, and resends it: same `amz-sdk-invocation-id`,
`amz-sdk-request: attempt=2`. A create then runs twice and the second answer
is "already exists". Measured in the rehearsal's admin applies at load 8-11:
`AuthorizeSecurityGroupIngress` attempt 1 answered 200 in 4 ms, attempt 2
(114 ms later) `InvalidPermission.Duplicate`, the apply failed; in another
run `ModifyLoadBalancerAttributes` was sent twice the same way. The earlier
`NetworkAclEntryAlreadyExists` and WAF duplicate-item failures are the same
resend. AWS answers over connections that stay open, and such a loss is rare
enough there that the provider does not guard against it.

So for a write (any method but GET/HEAD/OPTIONS) the answer is kept under its
invocation id; a later attempt of the same invocation whose earlier attempt
got an answer below 500 gets that answer back, unexecuted. An attempt after
a 5xx or throttling answer is what the SDK's retry is for: it runs again. A
request without those headers (curl, moto's own API) is never touched.

The bookkeeping is hand-written: werkzeug and moto have nothing like it.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import OrderedDict
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

KEEP = 1000  # answers kept (oldest dropped); an SDK retries within seconds
LARGEST = 64 * 1024  # bigger answers are reads (EC2 Describe* is a POST): running one again is harmless
READS = {"GET", "HEAD", "OPTIONS"}
_ATTEMPT = re.compile(r"attempt=(\d+)")
# Answers the SDK retries because of the answer itself (not a lost one).
_RETRYABLE = re.compile(rb"Throttl|RequestLimitExceeded|TooManyRequests|SlowDown|PriorRequestNotComplete")

Answer = tuple[str, list[tuple[str, str]], bytes]  # status line, headers, body


def attempt_of(environ: dict) -> int:
    match = _ATTEMPT.search(environ.get("HTTP_AMZ_SDK_REQUEST", ""))
    return int(match.group(1)) if match else 1


def replayable(answer: Answer) -> bool:
    status, _, body = answer
    return int(status.split()[0]) < 500 and not _RETRYABLE.search(body[:2000])


class RetryReplay:
    """WSGI middleware around moto's application."""

    def __init__(self, app: Callable, log: Callable[[str], None] | None = None):
        self.app = app
        self.answers: OrderedDict[str, Answer] = OrderedDict()
        self.lock = threading.Lock()
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.replayed = 0

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if not invocation or environ.get("REQUEST_METHOD", "GET") in READS:
            return self.app(environ, start_response)
        attempt = attempt_of(environ)
        if attempt > 1:
            with self.lock:
                earlier = self.answers.get(invocation)
            if earlier is not None and replayable(earlier):
                self.replayed += 1
                self.log(f"emulator: attempt {attempt} of invocation {invocation} ({describe(environ)}) is a resend "
                         f"of a request already answered {earlier[0]}: the same answer again, not executed twice")
                status, headers, body = earlier
                start_response(status, headers)
                return [body]
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured["status"], captured["headers"] = status, list(headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        parts = self.app(environ, capture)
        try:
            body = b"".join(parts)
        finally:
            if hasattr(parts, "close"):
                parts.close()
        if "status" in captured and len(body) <= LARGEST:
            with self.lock:
                self.answers[invocation] = (captured["status"], captured["headers"], body)
                while len(self.answers) > KEEP:
                    self.answers.popitem(last=False)
        return [body]


def describe(environ: dict) -> str:
    """The call's name for the log: its X-Amz-Target, its query-protocol
    Action (read from the body: a replayed request is not run), or method and path."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target
    if "form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(min(length, LARGEST)) if length else b""
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0]
    return f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"


def install() -> None:
    """Wraps every application moto's server runs (moto.server.main builds one)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if getattr(DomainDispatcherApplication, "_retry_replay_installed", False):
        return  # wrapping twice would make each wrapper call the other
    DomainDispatcherApplication._retry_replay_installed = True
    original_init = DomainDispatcherApplication.__init__
    original_call = DomainDispatcherApplication.__call__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self._retry_replay = RetryReplay(lambda environ, start: original_call(self, environ, start))

    def call(self: Any, environ: dict, start_response: Callable) -> Iterable[bytes]:
        return self._retry_replay(environ, start_response)

    DomainDispatcherApplication.__init__ = init
    DomainDispatcherApplication.__call__ = call
