"""Starts moto's server with the handlers this stack needs and moto lacks.

1. moto 5.2.1 does not implement application-autoscaling
   ListTagsForResource, TagResource and UntagResource. The AWS provider calls
   them for every aws_appautoscaling_target and retries the 500 for many
   minutes, which looks like a hang. This adds the three actions to
   ApplicationAutoScalingResponse, backed by an in-memory tag map, and
   records the Tags that RegisterScalableTarget carries, so a second plan
   shows no drift.
2. moto's ECS CreateService drops deploymentConfiguration (the circuit
   breaker), capacityProviderStrategy, healthCheckGracePeriodSeconds,
   enableECSManagedTags and
   availabilityZoneRebalancing (UpdateService keeps them), so every plan
   would replace the service. This stores them on the created service.
   moto reports MOTO_ECS_SERVICE_RUNNING tasks running for every service;
   MOTO_ECS_SERVICE_RUNNING=desired reports each service's desired count, so
   services of different sizes (dev 1, prod 2) all become steady.
3. moto's S3 lifecycle drops NoncurrentVersionExpiration.NewerNoncurrentVersions,
   so the provider waits (3 minutes, then fails) for the rule it wrote to
   read back. This keeps the value and returns it.
4. moto's RDS DescribeDBParameters returns the parameters without their
   Source and ignores the Source filter; the provider asks for Source=user,
   so a parameter group's settings look unset and every plan re-adds them.
   Parameters set through the API are marked "user" and the filter applied.
5. IAM enforcement as AWS does it (resource ARNs, conditions, iam:PassRole,
   GitHub's web-identity exchange): iam_enforcement.py. It is off until
   `POST /moto-api/reset-auth` with body `0` turns it on.
6. A resend of a write moto already answered (the SDK's retry after an
   answer lost on one of the server's per-request connections) gets the
   same answer instead of running twice: retry_replay.py.
7. ECR's layer API (upload, GetDownloadUrlForLayer and the URL it gives),
   which moto answers with 500 (the AWS CLI retries that for 5 s a call):
   ecr_layers.py.

Usage: python3 moto_launcher.py [moto_server arguments, e.g. -H 127.0.0.1 -p 0]
"""

import json
import os
import sys
import threading

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.responses import ActionResult
from moto.core.utils import camelcase_to_underscores
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.rds.responses import RDSResponse
from moto.s3.models import FakeBucket
from moto.s3.responses import S3Response
from moto.server import main as moto_server_main

import ecr_layers
import iam_enforcement
import retry_replay

_TAGS: dict[str, dict[str, str]] = {}  # resource ARN -> tags
_LOCK = threading.Lock()


def _known_target_arns(response: ApplicationAutoScalingResponse) -> set[str]:
    backend = response.applicationautoscaling_backend
    return {
        target.arn
        for by_dimension in backend.targets.values()
        for target in by_dimension.values()
    }


def _not_found(arn: str) -> str:
    from moto.applicationautoscaling.exceptions import AWSValidationException

    # The real service answers ResourceNotFoundException; a validation error
    # is the nearest moto has and the provider treats both as "gone".
    raise AWSValidationException(f"No scalable target found for {arn}")


def list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str:
    arn = self._get_param("ResourceARN")
    if arn not in _known_target_arns(self):
        _not_found(arn)
    with _LOCK:
        return json.dumps({"Tags": dict(_TAGS.get(arn, {}))})


def tag_resource(self: ApplicationAutoScalingResponse) -> str:
    arn = self._get_param("ResourceARN")
    if arn not in _known_target_arns(self):
        _not_found(arn)
    with _LOCK:
        _TAGS.setdefault(arn, {}).update(self._get_param("Tags") or {})
    return "{}"


def untag_resource(self: ApplicationAutoScalingResponse) -> str:
    arn = self._get_param("ResourceARN")
    with _LOCK:
        for key in self._get_param("TagKeys") or []:
            _TAGS.get(arn, {}).pop(key, None)
    return "{}"


_original_register = ApplicationAutoScalingResponse.register_scalable_target
_original_deregister = ApplicationAutoScalingResponse.deregister_scalable_target


def register_scalable_target(self: ApplicationAutoScalingResponse) -> str:
    body = _original_register(self)
    tags = self._get_param("Tags")
    if tags:
        with _LOCK:
            _TAGS.setdefault(json.loads(body)["ScalableTargetARN"], {}).update(tags)
    return body


def deregister_scalable_target(self: ApplicationAutoScalingResponse) -> str:
    before = _known_target_arns(self)
    body = _original_deregister(self)
    with _LOCK:
        for arn in before - _known_target_arns(self):
            _TAGS.pop(arn, None)
    return body


_ECS_CREATE_FIELDS = (
    "deploymentConfiguration",
    "capacityProviderStrategy",
    "healthCheckGracePeriodSeconds",
    "enableECSManagedTags",
    "availabilityZoneRebalancing",
)
_original_create_service = EC2ContainerServiceResponse.create_service


def create_service(self: EC2ContainerServiceResponse) -> ActionResult:
    result = _original_create_service(self)
    service = result.result["service"]
    for field in _ECS_CREATE_FIELDS:
        value = self._get_param(field)
        if value is not None:
            # The serializer reads snake_case attributes (as UpdateService sets them).
            setattr(service, camelcase_to_underscores(field), value)
    if os.environ.get("MOTO_ECS_SERVICE_RUNNING") == "desired":
        service.running_count, service.pending_count = service.desired_count, 0
        for deployment in service.deployments:
            deployment.update(runningCount=service.desired_count, pendingCount=0, rolloutState="COMPLETED")
    return result


_original_set_lifecycle = FakeBucket.set_lifecycle
_original_get_bucket_lifecycle = S3Response.get_bucket_lifecycle


def set_lifecycle(self: FakeBucket, rules: list) -> None:
    _original_set_lifecycle(self, rules)
    for given, rule in zip(rules, self.rules):
        newer = (given.get("NoncurrentVersionExpiration") or {}).get("NewerNoncurrentVersions")
        rule.newer_noncurrent_versions = int(newer) if newer is not None else None


def get_bucket_lifecycle(self: S3Response):
    bucket = self.backend.get_bucket(self.bucket_name)
    newer = {r.id: getattr(r, "newer_noncurrent_versions", None) for r in bucket.rules}
    serialized = self.serialized

    def add_newer(result: ActionResult):
        for rule in result.result.get("Rules", []):
            n = newer.get(rule.get("ID"))
            if n is not None and "NoncurrentVersionExpiration" in rule:
                rule["NoncurrentVersionExpiration"]["NewerNoncurrentVersions"] = n
        return serialized(result)

    self.serialized = add_newer
    try:
        return _original_get_bucket_lifecycle(self)
    finally:
        del self.serialized


_original_describe_db_parameters = RDSResponse.describe_db_parameters


def describe_db_parameters(self: RDSResponse) -> ActionResult:
    result = _original_describe_db_parameters(self)
    wanted = self.params.get("Source")
    params = []
    for p in result.result["Parameters"]:
        p.setdefault("Source", "user")
        if wanted is None or p["Source"] == wanted:
            params.append(p)
    return ActionResult({"Parameters": params})


_installed = False


def install() -> None:
    """Adds the missing actions (moto finds handlers by method name). Once per
    process: several tests may start a server (the IAM patches wrap moto's)."""
    global _installed
    if _installed:
        return
    _installed = True
    EC2ContainerServiceResponse.create_service = create_service
    FakeBucket.set_lifecycle = set_lifecycle
    S3Response.get_bucket_lifecycle = get_bucket_lifecycle
    RDSResponse.describe_db_parameters = describe_db_parameters
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource
    ApplicationAutoScalingResponse.tag_resource = tag_resource
    ApplicationAutoScalingResponse.untag_resource = untag_resource
    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target
    ApplicationAutoScalingResponse.deregister_scalable_target = deregister_scalable_target
    ecr_layers.install()
    iam_enforcement.install()
    retry_replay.install()


if __name__ == "__main__":
    install()
    moto_server_main(sys.argv[1:])
