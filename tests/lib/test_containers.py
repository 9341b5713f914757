"""containers: the engine env.sh picks, and exists/rm on a real container."""
import os
import sys
import tarfile
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tests.lib import containers  # noqa: E402


class Engine(unittest.TestCase):
    def test_engine_and_its_config(self):
        self.assertIn(containers.engine(), ("docker", "podman"))
        if containers.engine() == "podman":
            # Without these podman fails on this kind of host (LOCAL-PLATFORM.md).
            self.assertTrue(containers.env()["CONTAINERS_CONF"].endswith("containers.conf"))
        code, out = containers.run(["version"], check=False)
        self.assertEqual(code, 0, out)

    def test_exists_and_rm(self):
        name = f"lib-test-{os.getpid()}"
        self.assertFalse(containers.exists(name))
        # `create` needs an image but never runs it: import an empty one, so
        # the test needs no registry and no prior build.
        image = f"localhost/{name}:empty"
        with tempfile.TemporaryDirectory() as d:
            tar = os.path.join(d, "empty.tar")
            tarfile.open(tar, "w").close()
            containers.run(["import", tar, image])
        self.addCleanup(containers.run, ["rmi", "-f", image], check=False)
        self.addCleanup(containers.rm, name)
        containers.run(["create", "--name", name, image, "true"])
        self.assertTrue(containers.exists(name))
        self.assertFalse(containers.exists(name[:-1]), "exists() matched a prefix")
        containers.rm(name)
        self.assertFalse(containers.exists(name))


if __name__ == "__main__":
    unittest.main()
