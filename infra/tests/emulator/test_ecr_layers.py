"""ecr_layers.py through the launcher (scripts/emulator.sh): ECR's layer upload,
GetDownloadUrlForLayer answering a URL that serves the blob without
credentials, and the errors ECR gives (400s, which no SDK retries; moto's
500 made the AWS CLI retry each call for about 5 s). make test-emulator-iam."""

import base64
import hashlib
import json
import os
import sys
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, ROOT)
from tests.lib import emulator  # noqa: E402

CONFIG = json.dumps({"architecture": "arm64", "os": "linux"}).encode()
DIGEST = "sha256:" + hashlib.sha256(CONFIG).hexdigest()


class EcrLayers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = emulator.Emulator(os.path.join(ROOT, "build", "emulator-tests", "ecr-layers"))
        cls.emu.__enter__()
        try:
            cls.ecr = cls.emu.client("ecr")
            for name in ("layers", "other"):
                cls.ecr.create_repository(repositoryName=name)
        except BaseException:
            cls.emu.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def error(self, call, **kwargs):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as e:
            call(**kwargs)
        return e.exception.response["Error"]["Code"], e.exception.response["ResponseMetadata"]["HTTPStatusCode"]

    def upload(self, repo, blob, parts=2):
        upload = self.ecr.initiate_layer_upload(repositoryName=repo)["uploadId"]
        step = max(1, -(-len(blob) // parts))
        for first in range(0, len(blob), step):
            part = blob[first:first + step]
            r = self.ecr.upload_layer_part(repositoryName=repo, uploadId=upload, partFirstByte=first,
                                           partLastByte=first + len(part) - 1, layerPartBlob=part)
            self.assertEqual(r["lastByteReceived"], first + len(part) - 1)
        return upload

    def test_uploaded_blob_is_served_by_the_download_url(self):
        upload = self.upload("layers", CONFIG)
        done = self.ecr.complete_layer_upload(repositoryName="layers", uploadId=upload, layerDigests=[DIGEST])
        self.assertEqual(done["layerDigest"], DIGEST)
        url = self.ecr.get_download_url_for_layer(repositoryName="layers", layerDigest=DIGEST)
        self.assertEqual(url["layerDigest"], DIGEST)
        # As a presigned URL: fetched with no AWS credentials.
        with urllib.request.urlopen(url["downloadUrl"], timeout=30) as r:
            self.assertEqual(r.read(), CONFIG)
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url["downloadUrl"] + "x", timeout=30)
        self.assertEqual(e.exception.code, 403)

    def test_a_layer_the_repository_does_not_hold_is_a_400(self):
        absent = "sha256:" + "0" * 64
        self.assertEqual(self.error(self.ecr.get_download_url_for_layer, repositoryName="layers", layerDigest=absent),
                         ("LayersNotFoundException", 400))
        # Blobs belong to one repository.
        upload = self.upload("layers", b"only here")
        digest = "sha256:" + hashlib.sha256(b"only here").hexdigest()
        self.ecr.complete_layer_upload(repositoryName="layers", uploadId=upload, layerDigests=[digest])
        self.assertEqual(self.error(self.ecr.get_download_url_for_layer, repositoryName="other", layerDigest=digest),
                         ("LayersNotFoundException", 400))
        self.assertEqual(self.error(self.ecr.get_download_url_for_layer, repositoryName="nope", layerDigest=digest),
                         ("RepositoryNotFoundException", 400))

    def test_bad_uploads_are_refused(self):
        upload = self.upload("layers", CONFIG)
        self.assertEqual(self.error(self.ecr.complete_layer_upload, repositoryName="layers", uploadId=upload,
                                    layerDigests=["sha256:" + "1" * 64]), ("InvalidLayerException", 400))
        upload = self.ecr.initiate_layer_upload(repositoryName="layers")["uploadId"]
        self.assertEqual(self.error(self.ecr.upload_layer_part, repositoryName="layers", uploadId=upload,
                                    partFirstByte=5, partLastByte=7, layerPartBlob=b"abc"),
                         ("InvalidLayerPartException", 400))
        self.assertEqual(self.error(self.ecr.upload_layer_part, repositoryName="other", uploadId=upload,
                                    partFirstByte=0, partLastByte=2, layerPartBlob=b"abc"),
                         ("UploadNotFoundException", 400))
        self.assertEqual(self.error(self.ecr.initiate_layer_upload, repositoryName="nope"),
                         ("RepositoryNotFoundException", 400))

    def test_the_aws_cli_gets_the_url_in_one_request(self):
        """What scripts/preflight.sh runs (the AWS CLI with its default retries)."""
        import subprocess
        blob = base64.b64encode(CONFIG)  # any other content: a blob of its own
        upload = self.upload("other", blob)
        digest = "sha256:" + hashlib.sha256(blob).hexdigest()
        self.ecr.complete_layer_upload(repositoryName="other", uploadId=upload, layerDigests=[digest])
        for layer, ok in ((digest, True), ("sha256:" + "2" * 64, False)):
            r = subprocess.run(["aws", "--debug", "ecr", "get-download-url-for-layer", "--repository-name", "other",
                                "--layer-digest", layer, "--query", "downloadUrl", "--output", "text"],
                               env=self.emu.env, capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode == 0, ok, r.stderr[-2000:])
            self.assertEqual(r.stderr.count("Sending http request"), 1, "retried")
            if not ok:
                self.assertIn("LayersNotFoundException", r.stderr)


if __name__ == "__main__":
    unittest.main()
