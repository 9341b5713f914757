"""ECR's layer API, which moto 5.2.1 lacks: it answers 500 to
InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload and
GetDownloadUrlForLayer, and the AWS CLI retries a 500 four times (about 5 s a
call). scripts/preflight.sh asks GetDownloadUrlForLayer for a single-platform
image's config blob, to read its architecture: every deploy paid those 5 s and
ended with a note instead of the check.

As ECR does it:
- a blob is uploaded to one repository (InitiateLayerUpload, UploadLayerPart
  with consecutive byte ranges, CompleteLayerUpload checking the sha256
  digest) and kept in memory;
- GetDownloadUrlForLayer of a blob the repository holds answers a URL that
  serves it without AWS credentials (ECR: a presigned S3 URL; here moto's own
  API path, /moto-api/ecr-layer/<token>); of one it does not hold,
  LayersNotFoundException (HTTP 400, which no SDK retries); of an unknown
  repository, RepositoryNotFoundException.
Differs from ECR: PutImage does not require the manifest's blobs to have been
uploaded (moto stores manifests alone), so an image pushed with put-image only
has no config blob here; on AWS every pushed image has one.
Hand-written: moto has no blob store for ECR.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading

from moto.core.responses import ActionResult
from moto.ecr.exceptions import ServiceException
from moto.ecr.responses import ECRResponse

URL_PATH = "/moto-api/ecr-layer/"
PART_SIZE = 10 * 1024 * 1024

_LOCK = threading.Lock()
_BLOBS: dict[tuple[str, str, str], bytes] = {}  # (registry id, repository, digest) -> bytes
_UPLOADS: dict[str, tuple[tuple[str, str], bytearray]] = {}  # upload id -> ((registry, repository), bytes so far)
_URLS: dict[str, bytes] = {}  # download token -> blob


class LayersNotFoundException(ServiceException):
    code = "LayersNotFoundException"


class UploadNotFoundException(ServiceException):
    code = "UploadNotFoundException"


class InvalidLayerPartException(ServiceException):
    code = "InvalidLayerPartException"


class InvalidLayerException(ServiceException):
    code = "InvalidLayerException"


def _repository(self: ECRResponse) -> tuple[str, str]:
    """(registry id, repository name) of an existing repository, else RepositoryNotFoundException."""
    repo = self.ecr_backend._get_repository(self._get_param("repositoryName"), self._get_param("registryId"))
    return repo.registry_id, repo.name


def initiate_layer_upload(self: ECRResponse) -> ActionResult:
    key = _repository(self)
    upload = secrets.token_hex(16)
    with _LOCK:
        _UPLOADS[upload] = (key, bytearray())
    return ActionResult({"uploadId": upload, "partSize": PART_SIZE})


def upload_layer_part(self: ECRResponse) -> ActionResult:
    key = _repository(self)
    upload = self._get_param("uploadId")
    first, last = int(self._get_param("partFirstByte")), int(self._get_param("partLastByte"))
    part = self._get_param("layerPartBlob")
    part = base64.b64decode(part) if isinstance(part, str) else bytes(part)
    with _LOCK:
        if upload not in _UPLOADS or _UPLOADS[upload][0] != key:
            raise UploadNotFoundException(f"Upload {upload} does not exist in repository {key[1]}")
        data = _UPLOADS[upload][1]
        if first != len(data) or last != first + len(part) - 1:
            raise InvalidLayerPartException(
                f"Part bytes {first}-{last} do not follow the {len(data)} bytes received ({len(part)} bytes sent)")
        data.extend(part)
        received = len(data) - 1
    return ActionResult({"registryId": key[0], "repositoryName": key[1], "uploadId": upload,
                         "lastByteReceived": received})


def complete_layer_upload(self: ECRResponse) -> ActionResult:
    key = _repository(self)
    upload = self._get_param("uploadId")
    wanted = self._get_param("layerDigests") or []
    with _LOCK:
        if upload not in _UPLOADS or _UPLOADS[upload][0] != key:
            raise UploadNotFoundException(f"Upload {upload} does not exist in repository {key[1]}")
        data = bytes(_UPLOADS.pop(upload)[1])
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if wanted != [digest]:
            raise InvalidLayerException(f"The layer digest {wanted} does not match the uploaded bytes ({digest})")
        _BLOBS[(*key, digest)] = data
    return ActionResult({"registryId": key[0], "repositoryName": key[1], "uploadId": upload, "layerDigest": digest})


def get_download_url_for_layer(self: ECRResponse) -> ActionResult:
    key = _repository(self)
    digest = self._get_param("layerDigest")
    with _LOCK:
        blob = _BLOBS.get((*key, digest))
        if blob is None:
            raise LayersNotFoundException(
                f"The specified layer {digest} could not be found in repository {key[1]} (registry {key[0]})")
        token = secrets.token_urlsafe(24)
        _URLS[token] = blob
    base = self.uri.split("://", 1)[0] + "://" + self.headers.get("Host", "127.0.0.1")
    return ActionResult({"downloadUrl": f"{base}{URL_PATH}{token}", "layerDigest": digest})


def serve_download(request, full_url, headers):
    """GET /moto-api/ecr-layer/<token>: the blob, as the presigned URL would serve it."""
    token = full_url.split(URL_PATH, 1)[1].split("?", 1)[0]
    with _LOCK:
        blob = _URLS.get(token)
    if blob is None:
        return 403, {"Content-Type": "application/xml"}, "<Error><Code>AccessDenied</Code></Error>"
    return 200, {"Content-Type": "application/octet-stream"}, blob


def install() -> None:
    ECRResponse.initiate_layer_upload = initiate_layer_upload
    ECRResponse.upload_layer_part = upload_layer_part
    ECRResponse.complete_layer_upload = complete_layer_upload
    ECRResponse.get_download_url_for_layer = get_download_url_for_layer
    from moto.moto_api._internal import urls

    urls.url_paths["{0}" + URL_PATH + "(?P<token>[^/?]+)$"] = serve_download
