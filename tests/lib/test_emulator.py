"""emulator.Emulator: starts a real emulator, hands out a clean env and
clients, and stops it (idempotently)."""
import os
import shutil
import sys
import tempfile
import unittest
import urllib.request
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from tests.lib import emulator  # noqa: E402


class CleanEnv(unittest.TestCase):
    def test_drops_aws_and_tf_variables_and_adds_extra(self):
        outside = {"AWS_PROFILE": "prod", "AWS_ACCESS_KEY_ID": "AKIAREAL", "TF_VAR_x": "1",
                   "TF_CLI_CONFIG_FILE": "/x", "PATH": "/bin", "HOME": "/root", "TF_PLUGIN_MIRROR": "/m"}
        with mock.patch.dict(os.environ, outside, clear=True):
            env = emulator.clean_env({"MOTO_ECS_SERVICE_RUNNING": 2})
        self.assertEqual(env, {"PATH": "/bin", "HOME": "/root", "TF_PLUGIN_MIRROR": "/m",
                               "MOTO_ECS_SERVICE_RUNNING": "2"})

    def test_parse_exports(self):
        env = emulator.parse_exports("noise\nexport A=1\nexport B=x=y\nunset C D\n", {"C": "c", "E": "e"})
        self.assertEqual(env, {"A": "1", "B": "x=y", "E": "e"})


class RealEmulator(unittest.TestCase):
    def test_start_client_stop(self):
        work = tempfile.mkdtemp(prefix="lib-emulator-", dir=os.path.join(ROOT, "build"))
        self.addCleanup(shutil.rmtree, work, True)
        with mock.patch.dict(os.environ, {"AWS_PROFILE": "must-not-leak", "TF_WORKSPACE": "x"}):
            emu = emulator.Emulator(work, MOTO_ECS_SERVICE_RUNNING="3")
            with emu:
                env = emu.env
                self.assertRegex(emu.endpoint, r"^http://127\.0\.0\.1:\d+$")
                self.assertNotIn("AWS_PROFILE", env)
                self.assertNotIn("TF_WORKSPACE", env)
                self.assertEqual(env["AWS_ACCESS_KEY_ID"], "test")
                self.assertEqual(env["MOTO_ECS_SERVICE_RUNNING"], "3")
                self.assertTrue(env["AWS_REGION"])
                ident = emu.client("sts").get_caller_identity()
                self.assertEqual(ident["Account"], "123456789012")
                other = emu.client("sts", env={"AWS_ACCESS_KEY_ID": "AKIAOTHER",
                                                "AWS_SECRET_ACCESS_KEY": "x"})
                self.assertEqual(other._request_signer._credentials.access_key, "AKIAOTHER")
                pid = int(open(os.path.join(work, "pid")).read())
            with self.assertRaises(OSError):
                urllib.request.urlopen(emu.endpoint + "/moto-api/data.json", timeout=2)
            with self.assertRaises(ProcessLookupError):
                os.kill(pid, 0)
            emu.stop()   # a second stop is harmless

    def test_stop_without_start_is_harmless(self):
        emulator.Emulator(os.path.join(ROOT, "build", "never-started")).stop()
        self.assertFalse(os.path.exists(os.path.join(ROOT, "build", "never-started")))


if __name__ == "__main__":
    unittest.main()
