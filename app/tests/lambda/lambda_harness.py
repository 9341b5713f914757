"""Shared by the app-lambda tests and the cold-start benchmark: the real
binary in Lambda mode against the fake Runtime API, and payload 2.0 events."""
import base64
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402  (the integration suite's process harness; puts the repo root on sys.path)
from fake_runtime import FakeRuntime  # noqa: E402,F401


def http_event(method="GET", path="/", query="", headers=None, body=None, base64_body=False,
               source_ip="203.0.113.7", user_agent="lambda-test/1.0"):
    """A function URL event (payload format 2.0) as Lambda sends it."""
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"host": "abc.lambda-url.eu-west-1.on.aws", "user-agent": user_agent,
                    "x-forwarded-for": source_ip, **{k.lower(): v for k, v in (headers or {}).items()}},
        "requestContext": {
            "accountId": "anonymous", "apiId": "abc", "domainName": "abc.lambda-url.eu-west-1.on.aws",
            "requestId": "ctx-0001", "stage": "$default", "time": "30/Nov/2026:08:00:00 +0000",
            "timeEpoch": 1796025600000,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": source_ip,
                     "userAgent": user_agent},
        },
        "isBase64Encoded": base64_body,
    }
    if body is not None:
        # bytes are encoded when base64_body; a str goes as it is (tests send invalid base64 so)
        event["body"] = base64.b64encode(body).decode() if isinstance(body, bytes) else body
    return event


def start_lambda(fake, env=None):
    """The server binary in Lambda mode, pointed at `fake`."""
    return harness.Server({"AWS_LAMBDA_RUNTIME_API": fake.address, **(env or {})}, wait=False)
