"""IAM enforcement in moto as AWS does it, for the pipeline's roles.

moto (5.2.1) can check each request against the caller's policies once
`POST /moto-api/reset-auth` with body `0` turns that on, but:

1. it passes the resource `*` for every service but S3, IAM and STS, so a
   statement scoped to an ARN never matches and is denied although AWS
   allows it. `resources_of` derives the ARN(s) AWS authorizes for the calls
   the pipeline makes (ECS services, clusters and task definition families,
   ECR repositories, SSM parameters, scalable targets, IAM roles, policies
   and OIDC providers, Lambda functions: `function:<name>`, or
   `function:<name>:<qualifier>` for an action that takes a version or
   alias). Any other call keeps `*`: it is then matched at action level
   only (infra/README.md, "Emulator gaps").
2. it treats an Allow whose condition does not hold as an explicit Deny, and
   supplies no condition keys. `evaluate` implements AWS's evaluation
   (explicit Deny wins, else any Allow, else implicit deny) with the keys
   `s3:prefix`, `iam:PassedToService`, `aws:SecureTransport` (true: the
   endpoint stands in for AWS's HTTPS one) and `iam:PermissionsBoundary`
   (the boundary a role call sets, or the role has); a condition on any other key is
   treated as met in an Allow and as not met in a Deny (documented gap). Bucket policies are evaluated the same
   way (moto applied their Deny statements without conditions, so a
   TLS-only policy locked everyone out).
3. it never checks `iam:PassRole`: a role named in RegisterTaskDefinition,
   CreateFlowLogs or a DB instance's monitoring role is checked here.
4. it rebuilds the signed query string from the decoded URL, so a value
   holding `:` or `/` (Terraform's workspace listing, `ListObjectsV2
   prefix=env:/`) fails with SignatureDoesNotMatch; the query is re-encoded
   as SigV4 does, so that request gets the AccessDenied (or success) AWS
   gives. (Terraform 1.7+ ignores AccessDenied on that listing.) For a
   request without a body it signs its parsed parameters as the payload
   (for Route 53 the headers, for Lambda its query parameters), so every
   Route 53 read and every body-less Lambda call with a role's credentials
   failed with SignatureDoesNotMatch; a GET, HEAD or DELETE without a body
   is checked against the empty body instead.
5. its S3 action names are not all IAM's: HEAD of a bucket is `s3:ListBucket`
   on AWS, and subresources it does not map (encryption, ownership
   controls, object lock, replication, request payment, public access
   block) fall to ListBucket/CreateBucket. `s3_iam_action` names them as
   IAM does.
6. it answers an unsigned AssumeRoleWithWebIdentity with a 500 once
   enforcement is on, and checks no trust condition. AWS needs no signature
   for it and checks the role's trust policy against the token's claims;
   here the token's claims are read without verifying its signature (moto
   has no key to verify it with) and the trust policy's `sub`/`aud`
   conditions are checked against them.

moto also names an action by the request's signing name (CloudWatch's is
`monitoring`); IAM's prefix (`cloudwatch`) is used instead.

The policy evaluator and the ARN table are hand-written: moto has neither,
and no Debian or PyPI package here evaluates IAM policies.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

# The condition keys this emulator supplies; a condition on another key is
# treated as met in an Allow, not met in a Deny (AWS would evaluate it).
KNOWN_CONDITION_KEYS = {"s3:prefix", "iam:passedtoservice", "aws:securetransport", "iam:permissionsboundary"}
# The emulator's plain-HTTP endpoint stands in for AWS's HTTPS one.
REQUEST_CONTEXT = {"aws:SecureTransport": "true"}
OIDC_HOST = "token.actions.githubusercontent.com"

Params = Callable[[str], Any]  # request parameter by name (None if absent)

# IAM's prefix where the SigV4 signing name differs from it.
IAM_PREFIX = {"monitoring": "cloudwatch"}


####  Which resource AWS authorizes a call against  ####


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _tail(value: str, marker: str) -> str:
    """`x` of `arn:...:<marker>x`, or the value itself when it is a bare name."""
    return value.split(marker, 1)[1] if value.startswith("arn:") and marker in value else value


def _ecs(action: str, p: Params, prefix: str) -> list[str]:
    cluster = _tail(p("cluster") or "default", ":cluster/")

    def service(name: str) -> str:
        return name if name.startswith("arn:") else f"{prefix}service/{cluster}/{name}"

    if action in ("CreateService",):
        return [service(p("serviceName"))]
    if action in ("UpdateService", "DeleteService"):
        return [service(p("service"))]
    if action == "DescribeServices":
        return [service(s) for s in _as_list(p("services"))]
    if action in ("TagResource", "UntagResource", "ListTagsForResource"):
        return [p("resourceArn")]
    if action == "CreateCluster":
        return [f"{prefix}cluster/{p('clusterName') or 'default'}"]
    if action in ("DeleteCluster", "UpdateCluster", "UpdateClusterSettings", "PutClusterCapacityProviders"):
        return [f"{prefix}cluster/{cluster}"]
    if action == "DescribeClusters":
        return [f"{prefix}cluster/{_tail(c, ':cluster/')}" for c in _as_list(p("clusters"))] or ["*"]
    return ["*"]  # Register/Describe/DeregisterTaskDefinition, List*: no resource-level permissions


def _ecr(action: str, p: Params, prefix: str) -> list[str]:
    if action in ("TagResource", "UntagResource", "ListTagsForResource"):
        return [p("resourceArn")]
    if action == "DescribeRepositories":
        return [f"{prefix}repository/{n}" for n in _as_list(p("repositoryNames"))] or ["*"]
    name = p("repositoryName")
    return [f"{prefix}repository/{name}"] if name else ["*"]  # GetAuthorizationToken: "*"


def _ssm(action: str, p: Params, prefix: str) -> list[str]:
    def parameter(name: str) -> str:
        return name if name.startswith("arn:") else f"{prefix}parameter/{name.lstrip('/')}"

    if action in ("AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource"):
        return [parameter(p("ResourceId"))] if p("ResourceType") == "Parameter" else ["*"]
    names = _as_list(p("Name")) + _as_list(p("Names"))
    return [parameter(n) for n in names] or ["*"]  # DescribeParameters: "*"


def _autoscaling(action: str, p: Params, prefix: str, lookup: Callable[..., str | None]) -> list[str]:
    if action in ("TagResource", "UntagResource", "ListTagsForResource"):
        return [p("ResourceARN")]
    if action in ("RegisterScalableTarget", "DeregisterScalableTarget", "PutScalingPolicy", "DeleteScalingPolicy"):
        # A target's ARN ends in a random id; one not yet registered has none.
        arn = lookup(p("ServiceNamespace"), p("ResourceId"), p("ScalableDimension"))
        return [arn or f"{prefix}scalable-target/new"]
    return ["*"]  # Describe*: no resource-level permissions


def _iam(action: str, p: Params, account: str, partition: str) -> list[str]:
    base = f"arn:{partition}:iam::{account}:"
    path = p("Path") or "/"
    if p("RoleName"):
        return [f"{base}role{path if action == 'CreateRole' else '/'}{p('RoleName')}"]
    if p("OpenIDConnectProviderArn"):
        return [p("OpenIDConnectProviderArn")]
    if action == "CreateOpenIDConnectProvider":
        return [f"{base}oidc-provider/{re.sub(r'^https://', '', p('Url') or '')}"]
    if action == "CreatePolicy":
        return [f"{base}policy{path}{p('PolicyName')}"]
    if p("PolicyArn"):
        return [p("PolicyArn")]
    return ["*"]


# Lambda actions AWS authorizes against <function>:<qualifier> when the request
# names a version or alias; every other function action (publishing, alias
# management, code updates) is authorized against the function's own ARN.
_LAMBDA_QUALIFIABLE = {
    "GetFunction", "GetFunctionConfiguration", "GetPolicy", "AddPermission", "RemovePermission",
    "GetFunctionUrlConfig", "CreateFunctionUrlConfig", "UpdateFunctionUrlConfig", "DeleteFunctionUrlConfig",
    "DeleteFunction", "GetProvisionedConcurrencyConfig", "PutProvisionedConcurrencyConfig",
}


def _lambda(action: str, p: Params, prefix: str) -> list[str]:
    # FunctionName: a name, name:qualifier, or a (partial) ARN with or without a qualifier.
    given = p("FunctionName")
    if not given:
        return ["*"]  # ListFunctions and the like: no resource-level permissions
    name, _, qualifier = given.split(":function:")[-1].partition(":")
    qualifier = p("Qualifier") or qualifier
    if qualifier and action in _LAMBDA_QUALIFIABLE:
        return [f"{prefix}function:{name}:{qualifier}"]
    return [f"{prefix}function:{name}"]


def resources_of(
    service: str,
    action: str,
    params: Params,
    region: str,
    account: str,
    partition: str = "aws",
    scalable_target_arn: Callable[..., str | None] = lambda *_: None,
) -> list[str]:
    """The resource ARN(s) AWS authorizes `service:action` against ("*" when none is derived)."""
    prefix = f"arn:{partition}:{service}:{region}:{account}:"
    if service == "ecs":
        found = _ecs(action, params, prefix)
    elif service == "ecr":
        found = _ecr(action, params, prefix)
    elif service == "ssm":
        found = _ssm(action, params, prefix)
    elif service == "application-autoscaling":
        found = _autoscaling(action, params, prefix, scalable_target_arn)
    elif service == "iam":
        found = _iam(action, params, account, partition)
    elif service == "lambda":
        found = _lambda(action, params, prefix)
    else:
        found = ["*"]
    return [r for r in found if r] or ["*"]


def passed_roles(service: str, action: str, params: Params) -> list[tuple[str, str]]:
    """(role ARN, service it is passed to) for each role the call passes: AWS checks iam:PassRole on it."""
    if service == "ecs" and action == "RegisterTaskDefinition":
        return [(params(k), "ecs-tasks.amazonaws.com") for k in ("executionRoleArn", "taskRoleArn") if params(k)]
    if service == "ec2" and action == "CreateFlowLogs" and params("DeliverLogsPermissionArn"):
        return [(params("DeliverLogsPermissionArn"), "vpc-flow-logs.amazonaws.com")]
    if service == "rds" and action in ("CreateDBInstance", "ModifyDBInstance") and params("MonitoringRoleArn"):
        return [(params("MonitoringRoleArn"), "monitoring.rds.amazonaws.com")]
    return []


def condition_context(service: str, action: str, query: dict[str, list[str]]) -> dict[str, str]:
    """Condition keys of the request that the emulator supplies."""
    context = dict(REQUEST_CONTEXT)
    if service == "s3" and action == "ListBucket" and "prefix" in query:
        context["s3:prefix"] = query["prefix"][0]
    return context


# iam:PermissionsBoundary (AWS's service authorization reference): the boundary
# the request sets, or the boundary the role already has.
_BOUNDARY_REQUESTED = {"CreateRole", "PutRolePermissionsBoundary"}
_BOUNDARY_OF_THE_ROLE = {
    "AttachRolePolicy", "DeleteRolePermissionsBoundary", "DeleteRolePolicy", "DetachRolePolicy", "PutRolePolicy",
}


def boundary_context(service: str, action: str, params: Params, role_boundary: Callable[[str], str | None]) -> dict[str, str]:
    """{"iam:PermissionsBoundary": ARN} for the IAM role calls AWS gives that key, when there is a boundary."""
    if service != "iam" or not params("RoleName"):
        return {}
    if action in _BOUNDARY_REQUESTED:
        boundary = params("PermissionsBoundary")
    elif action in _BOUNDARY_OF_THE_ROLE:
        boundary = role_boundary(params("RoleName"))
    else:
        return {}
    return {"iam:PermissionsBoundary": boundary} if boundary else {}


def _role_boundary_lookup(account: str, partition: str) -> Callable[[str], str | None]:
    def lookup(role_name: str) -> str | None:
        from moto.iam.exceptions import NotFoundException
        from moto.iam.models import iam_backends

        try:
            return iam_backends[account][partition].get_role(role_name).permissions_boundary_arn or None
        except NotFoundException:  # no such role: AWS's call fails on that, not on the key
            return None

    return lookup


# IAM's action for a bucket subresource, by HTTP method (moto maps only some).
_S3_BUCKET_SUBRESOURCES = {
    "GET": {
        "encryption": "GetEncryptionConfiguration", "ownershipControls": "GetBucketOwnershipControls",
        "object-lock": "GetBucketObjectLockConfiguration", "replication": "GetReplicationConfiguration",
        "requestPayment": "GetBucketRequestPayment", "publicAccessBlock": "GetBucketPublicAccessBlock",
        "policyStatus": "GetBucketPolicyStatus", "public_access_block": "GetBucketPublicAccessBlock",
    },
    "PUT": {
        "encryption": "PutEncryptionConfiguration", "ownershipControls": "PutBucketOwnershipControls",
        "object-lock": "PutBucketObjectLockConfiguration", "replication": "PutReplicationConfiguration",
        "requestPayment": "PutBucketRequestPayment", "publicAccessBlock": "PutBucketPublicAccessBlock",
        "public_access_block": "PutBucketPublicAccessBlock",
    },
    "DELETE": {
        "encryption": "PutEncryptionConfiguration", "ownershipControls": "PutBucketOwnershipControls",
        "replication": "PutReplicationConfiguration", "publicAccessBlock": "PutBucketPublicAccessBlock",
        "public_access_block": "PutBucketPublicAccessBlock",
    },
}


def s3_iam_action(resource_type: str, method: str, query: Iterable[str], moto_action: str) -> str:
    """The IAM action AWS authorizes an S3 request as (moto's name when it agrees)."""
    if resource_type != "BUCKET":
        return moto_action
    if method == "HEAD":
        return "ListBucket"
    for key in query:
        if key in _S3_BUCKET_SUBRESOURCES.get(method, {}):
            return _S3_BUCKET_SUBRESOURCES[method][key]
    return moto_action


####  Policy evaluation (AWS's order: explicit Deny, then Allow, else implicit deny)  ####


def _wildcard(pattern: str, value: str, ignore_case: bool) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _matches(patterns: Any, value: str, ignore_case: bool = False) -> bool:
    return any(_wildcard(p, value, ignore_case) for p in _as_list(patterns))


_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "Bool": lambda want, got: want.lower() == got.lower(),
    "StringEquals": lambda want, got: want == got,
    "StringNotEquals": lambda want, got: want != got,
    "StringEqualsIgnoreCase": lambda want, got: want.lower() == got.lower(),
    "StringLike": lambda want, got: _wildcard(want, got, False),
    "StringNotLike": lambda want, got: not _wildcard(want, got, False),
    "ArnEquals": lambda want, got: want == got,
    "ArnLike": lambda want, got: _wildcard(want, got, False),
    "ArnNotEquals": lambda want, got: want != got,
    "ArnNotLike": lambda want, got: not _wildcard(want, got, False),
}


def _condition_holds(conditions: dict, context: dict[str, str], unknown_holds: bool = True) -> bool:
    """Whether every condition holds. A key the emulator cannot supply counts as
    `unknown_holds` (an Allow: met; a Deny: not met), a documented gap."""
    ctx = {k.lower(): v for k, v in context.items()}
    for operator, keys in conditions.items():
        if_exists = operator.endswith("IfExists")
        name = operator.removesuffix("IfExists")
        for key, wanted in keys.items():
            key = key.lower()
            if key not in KNOWN_CONDITION_KEYS and key not in ctx:
                if not unknown_holds:
                    return False
                continue
            if name == "Null":
                if (str(wanted).lower() == "true") != (key not in ctx):
                    return False
                continue
            if key not in ctx:
                if if_exists:
                    continue
                return False
            compare = _OPERATORS.get(name)
            if compare is None:
                continue  # an operator not modelled here: treated as met
            negated = "Not" in name
            results = [compare(str(w), ctx[key]) for w in _as_list(wanted)]
            if not (all(results) if negated else any(results)):
                return False
    return True


def statement_applies(statement: dict, action: str, resource: str, context: dict[str, str]) -> bool:
    if "Action" in statement and not _matches(statement["Action"], action, ignore_case=True):
        return False
    if "NotAction" in statement and _matches(statement["NotAction"], action, ignore_case=True):
        return False
    if "Resource" in statement and not _matches(statement["Resource"], resource):
        return False
    if "NotResource" in statement and _matches(statement["NotResource"], resource):
        return False
    return _condition_holds(statement.get("Condition") or {}, context, unknown_holds=statement.get("Effect") != "Deny")


def evaluate(documents: Iterable[dict], action: str, resource: str, context: dict[str, str] | None = None) -> str:
    """"allow", "deny" (an explicit Deny applies) or "implicit" (nothing allows it)."""
    allowed = False
    for document in documents:
        for statement in _as_list(document.get("Statement")):
            if statement_applies(statement, action, resource, context or {}):
                if statement.get("Effect") == "Deny":
                    return "deny"
                allowed = True
    return "allow" if allowed else "implicit"


####  Web identity (GitHub's OIDC exchange)  ####


def token_claims(token: str) -> dict:
    """The claims of a JWT, read without verifying it (see 5. above); {} if it is not one."""
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}


def web_identity_allowed(trust_policy: dict, provider_arn: str, claims: dict) -> bool:
    """Whether a role's trust policy lets a token with these claims in, through this provider."""
    context = {f"{OIDC_HOST}:{k}": str(v) for k, v in claims.items() if k in ("sub", "aud")}
    for statement in _as_list(trust_policy.get("Statement")):
        federated = (statement.get("Principal") or {}).get("Federated")
        if not _matches(statement.get("Action", []), "sts:AssumeRoleWithWebIdentity", ignore_case=True):
            continue
        if federated is None or provider_arn not in _as_list(federated):
            continue
        # Every condition key named must be present in the token (no "unknown key" leniency here).
        keys = {k.lower() for c in (statement.get("Condition") or {}).values() for k in c}
        if not keys <= {k.lower() for k in context}:
            continue
        if _condition_holds(statement.get("Condition") or {}, context):
            if statement.get("Effect") == "Deny":
                return False
            return True
    return False


####  Signature: SigV4's query encoding  ####


def canonical_query_path(path: str) -> str:
    """`path?query` with each query key and value encoded as SigV4 does (RFC 3986 unreserved kept)."""
    parts = urlsplit(path)
    if not parts.query:
        return path
    pairs = []
    for pair in parts.query.split("&"):
        key, sep, value = pair.partition("=")
        pairs.append(quote(unquote(key), safe="-_.~") + sep + quote(unquote(value), safe="-_.~"))
    return f"{parts.path}?{'&'.join(pairs)}"


####  Wiring into moto  ####


def _scalable_target_lookup(account: str, region: str) -> Callable[..., str | None]:
    def lookup(namespace: str, resource_id: str, dimension: str) -> str | None:
        from moto.applicationautoscaling.models import applicationautoscaling_backends

        targets = applicationautoscaling_backends[account][region].targets
        target = targets.get(dimension, {}).get(resource_id)
        return target.arn if target is not None and target.service_namespace == namespace else None

    return lookup


def _authorize(response: Any, iam_request: Any, resource: str) -> None:
    """Raises AccessDenied unless the caller's policies allow the call on each derived resource."""
    from moto.core.exceptions import AccessDeniedError, JsonRESTError
    from moto.iam.access_control import IAMPolicy, S3IAMRequest
    from moto.utilities.utils import get_partition

    signing_service, name = iam_request._action.split(":", 1)  # moto names it by the signing name
    service = IAM_PREFIX.get(signing_service, signing_service)
    action = iam_request._action = f"{service}:{name}"
    documents = [IAMPolicy(p)._policy_json for p in iam_request._access_key.collect_policies()]
    region, account = response.region, response.current_account
    params: Params = response._get_param
    if resource == "*":
        resources = resources_of(
            service, name, params, region, account, get_partition(region), _scalable_target_lookup(account, region)
        )
    else:
        resources = [resource]

    def deny(what: str, on: str) -> None:
        if isinstance(iam_request, S3IAMRequest):
            iam_request._raise_access_denied()
        # AWS's wording: "User: <arn> is not authorized to perform: <action> on resource: <arn>".
        message = f"User: {iam_request._access_key.arn} is not authorized to perform: {what} on resource: {on}"
        if "X-Amz-Target" in response.headers:  # a JSON-protocol service answers in JSON, as on AWS
            error = JsonRESTError("AccessDeniedException", message)
            error.code = 400
            raise error
        if service == "lambda":  # REST-JSON: AWS answers 403 AccessDeniedException in JSON
            error = JsonRESTError("AccessDeniedException", message)
            error.code = 403
            raise error
        raise AccessDeniedError(user_arn=iam_request._access_key.arn, action=f"{what} on resource: {on}")

    context = condition_context(service, name, getattr(response, "querystring", {}) or {})
    context.update(boundary_context(service, name, params, _role_boundary_lookup(account, get_partition(region))))
    for arn in resources:
        if evaluate(documents, action, arn, context) != "allow":
            deny(action, arn)
    for role_arn, to_service in passed_roles(service, name, params):
        if evaluate(documents, "iam:PassRole", role_arn, {**REQUEST_CONTEXT, "iam:PassedToService": to_service}) != "allow":
            deny("iam:PassRole", role_arn)


def install() -> None:
    """Patches moto's access control with the behaviour described above."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.iam import access_control
    from moto.iam.models import iam_backends
    from moto.iam.utils import REQUIRE_RESOURCE_ACCESS_POLICIES_CHECK
    from moto.s3.models import FakeBucket
    from moto.s3.responses import S3Response
    from moto.sts.exceptions import STSClientError
    from moto.sts.responses import TokenResponse
    from moto.utilities.utils import get_partition

    original_create_request = access_control.IAMRequestBase._create_aws_request

    def create_aws_request(self: Any) -> Any:
        saved = self._path, self._data
        self._path = canonical_query_path(saved[0])
        if not self._body and self._method in ("GET", "HEAD", "DELETE"):
            # A REST read's signed payload is its empty body; moto would sign
            # its parsed parameters (Route 53's are the request headers). A
            # query-protocol POST keeps them: there they are the form body.
            self._data = b""
        try:
            return original_create_request(self)
        finally:
            self._path, self._data = saved

    def authenticate_and_authorize(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
            ActionAuthenticatorMixin.request_count += 1
            return
        if self.headers.get("X-Amz-Target") in ActionAuthenticatorMixin.PUBLIC_OPERATIONS:
            return
        if "Authorization" not in self.headers and self._get_action() == "AssumeRoleWithWebIdentity":
            return  # unsigned on AWS too; the trust policy is checked below
        url = urlsplit(self.uri)
        path = url.path + (f"?{url.query}" if url.query else "")
        data = self.data
        iam_request = iam_request_cls(
            account_id=self.current_account,
            method=self.method,
            path=path,
            data=data,
            body=self.raw_body,
            headers=self.headers,
            action=self._get_action(),
        )
        iam_request.check_signature()
        if iam_request._action in REQUIRE_RESOURCE_ACCESS_POLICIES_CHECK or iam_request._action == "sts:GetCallerIdentity":
            iam_request.check_action_permitted(resource)  # moto's own trust-policy check
            return
        _authorize(self, iam_request, resource)

    original_web_identity = TokenResponse.assume_role_with_web_identity

    def assume_role_with_web_identity(self: Any) -> Any:
        iam = iam_backends[self.current_account][get_partition(self.region)]
        claims = token_claims(self._get_param("WebIdentityToken") or "")
        issuer = re.sub(r"^https://", "", str(claims.get("iss", "")))
        provider_arn = f"arn:{get_partition(self.region)}:iam::{self.current_account}:oidc-provider/{issuer}"
        if provider_arn not in iam.open_id_providers:
            raise STSClientError("InvalidIdentityToken", f"No OpenIDConnect provider found in your account for https://{issuer}")
        role = iam.get_role_by_arn(self._get_param("RoleArn"))
        if not web_identity_allowed(json.loads(role.assume_role_policy_document), provider_arn, claims):
            raise STSClientError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
        return original_web_identity(self)

    def bucket_permission(self: Any, action: str, resource: str) -> Any:
        from moto.iam.access_control import PermissionResult

        if self.policy is None:
            return PermissionResult.NEUTRAL
        verdict = evaluate([json.loads(self.policy)], action, resource, REQUEST_CONTEXT)
        return {"deny": PermissionResult.DENIED, "allow": PermissionResult.PERMITTED}.get(verdict, PermissionResult.NEUTRAL)

    original_set_action = S3Response._set_action

    def set_action(self: Any, resource_type: str, method: str, querystring: dict) -> None:
        original_set_action(self, resource_type, method, querystring)
        self.data["Action"] = s3_iam_action(resource_type, method, querystring, self.data["Action"])

    S3Response._set_action = set_action
    FakeBucket.get_permission = bucket_permission
    access_control.IAMRequestBase._create_aws_request = create_aws_request
    ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate_and_authorize
    TokenResponse.assume_role_with_web_identity = assume_role_with_web_identity
