"""IAM in the emulator: enforcement on/off, and role credentials as GitHub Actions gets them.

moto enforces IAM once `POST /moto-api/reset-auth` carries `0` (text/plain;
a form body arrives empty); `inf` turns it off. infra/tests/emulator/
iam_enforcement.py makes it check resource ARNs, conditions, iam:PassRole
and the trust policy of AssumeRoleWithWebIdentity against the token's claims.
"""

from __future__ import annotations

import base64
import json

import boto3
import requests

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


def set_enforcement(endpoint: str, on: bool) -> None:
    """Turns IAM enforcement on (every later request is checked) or off."""
    r = requests.post(
        f"{endpoint}/moto-api/reset-auth", data="0" if on else "inf", headers={"Content-Type": "text/plain"}, timeout=10
    )
    r.raise_for_status()


def subject(repository: str, environment: str | None = None) -> str:
    """The `sub` claim GitHub presents: a job with `environment:`, else a pull request's."""
    return f"repo:{repository}:environment:{environment}" if environment else f"repo:{repository}:pull_request"


def github_token(sub: str, aud: str = "sts.amazonaws.com") -> str:
    """An unsigned JWT with GitHub's claims (the emulator reads the claims; it cannot verify a signature)."""

    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part({'iss': GITHUB_ISSUER, 'sub': sub, 'aud': aud})}."


def assume_web_identity(endpoint: str, region: str, role_arn: str, sub: str, session: str = "github-actions") -> dict:
    """The role's credentials as aws-actions/configure-aws-credentials gets them: an env dict.

    Raises botocore's ClientError when the trust policy refuses the subject."""
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=region, aws_access_key_id="unused", aws_secret_access_key="unused")
    # Unsigned, like the real exchange (no credentials before it).
    sts.meta.events.register("choose-signer.sts.AssumeRoleWithWebIdentity", lambda **_: False)
    creds = sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName=session, WebIdentityToken=github_token(sub))[
        "Credentials"
    ]
    return {
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds["SessionToken"],
    }


def with_credentials(env: dict, credentials: dict) -> dict:
    """A copy of env (an emulator env) using these credentials instead of the admin's
    (for Emulator.client(service, env=...) and for the scripts a role runs)."""
    merged = dict(env)
    merged.update(credentials)
    merged.pop("AWS_PROFILE", None)
    return merged
