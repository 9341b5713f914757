"""scripts/package-function.sh and `make function`: the bootstrap zip."""
import os
import struct
import subprocess
import tempfile
import unittest
import zipfile

from tests.lib import ROOT

SCRIPT = os.path.join(ROOT, "scripts", "package-function.sh")


def fake_elf(path, machine):
    """The first bytes of an ELF executable for `machine` (62 x86_64, 183 arm64)."""
    with open(path, "wb") as f:
        f.write(b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack("<HH", 2, machine) + b"\0" * 44)


def package(*args):
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=60)


class Package(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = tmp.name

    def test_zip_holds_an_executable_bootstrap_and_is_reproducible(self):
        out1, out2 = os.path.join(self.dir, "a.zip"), os.path.join(self.dir, "b", "b.zip")
        for out in (out1, out2):
            r = package("x86_64", "/bin/true", out)
            self.assertEqual(r.returncode, 0, r.stderr)
        with zipfile.ZipFile(out1) as z:
            self.assertEqual(z.namelist(), ["bootstrap"])
            info = z.getinfo("bootstrap")
            self.assertEqual(info.external_attr >> 16, 0o100755, "bootstrap must be a regular executable file")
            with open("/bin/true", "rb") as f:
                self.assertEqual(z.read("bootstrap"), f.read())
        with open(out1, "rb") as a, open(out2, "rb") as b:
            self.assertEqual(a.read(), b.read(), "the same binary must give the same zip (same CodeSha256)")

    def test_arm64_binary_packaged_for_arm64(self):
        binary = os.path.join(self.dir, "server")
        fake_elf(binary, 183)
        r = package("arm64", binary, os.path.join(self.dir, "arm.zip"))
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_rejects_a_binary_of_another_architecture(self):
        r = package("arm64", "/bin/true", os.path.join(self.dir, "x.zip"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("is built for x86_64, not arm64", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "x.zip")))

    def test_rejects_a_missing_binary_and_a_non_elf(self):
        r = package("x86_64", os.path.join(self.dir, "nothing"), os.path.join(self.dir, "x.zip"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("no x86_64 binary at", r.stderr)
        script = os.path.join(self.dir, "script")
        with open(script, "w") as f:
            f.write("#!/bin/sh\n")
        r = package("x86_64", script, os.path.join(self.dir, "x.zip"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("is not an ELF executable", r.stderr)

    def test_bad_arguments_exit_2_with_usage(self):
        for args, message in [([], "usage: scripts/package-function.sh"),
                              (["sparc", "/bin/true", "x.zip"], "ARCH must be arm64 or x86_64 (got 'sparc')"),
                              (["x86_64", "/bin/true", "x.tar"], "OUT must end in .zip"),
                              (["arm64", "image:", "x.zip"], "image: needs a reference")]:
            with self.subTest(args=args):
                r = package(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(message, r.stderr)

    def test_make_function_names_the_missing_binary(self):
        r = subprocess.run(["make", "--no-print-directory", "-C", ROOT, "function", "ARCH=arm64",
                            f"BIN={self.dir}/no-server"], capture_output=True, text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(f"no arm64 binary at {self.dir}/no-server", r.stderr)


class FromImage(unittest.TestCase):
    """image:REF takes /server out of a local image: the binary the ECS tasks run."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = os.path.join(cls.tmp.name, "root")
        os.makedirs(root)
        fake_elf(os.path.join(root, "server"), 183)  # an arm64 /server, as the cross build gives
        tar = os.path.join(cls.tmp.name, "rootfs.tar")
        subprocess.run(["tar", "-C", root, "-cf", tar, "server"], check=True)
        cls.ref = "localhost/function-package-test:1"
        cls.engine(f'"$CONTAINER_ENGINE" import -q {tar} {cls.ref} >/dev/null')

    @classmethod
    def tearDownClass(cls):
        cls.engine(f'"$CONTAINER_ENGINE" rmi {cls.ref} >/dev/null')
        cls.tmp.cleanup()

    @staticmethod
    def engine(command):
        """A command with the project's container engine and settings (scripts/container/env.sh)."""
        subprocess.run(["bash", "-c", f"set -euo pipefail; source scripts/container/env.sh; {command}"],
                       cwd=ROOT, check=True, timeout=120, stdout=subprocess.DEVNULL)

    def test_zip_holds_the_images_server(self):
        out = os.path.join(self.tmp.name, "image.zip")
        r = package("arm64", f"image:{self.ref}", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"from image:{self.ref}", r.stdout)
        with zipfile.ZipFile(out) as z, open(os.path.join(self.tmp.name, "root", "server"), "rb") as f:
            self.assertEqual(z.read("bootstrap"), f.read())

    def test_image_of_another_architecture_rejected(self):
        r = package("x86_64", f"image:{self.ref}", os.path.join(self.tmp.name, "x.zip"))
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"image:{self.ref} is built for arm64, not x86_64", r.stderr)

    def test_missing_image_is_not_pulled(self):
        r = package("arm64", "image:localhost/no-such-image:1", os.path.join(self.tmp.name, "x.zip"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot use image localhost/no-such-image:1", r.stderr)
        self.assertIn("make image PLATFORM=linux/<arch>", r.stderr)

    def test_make_function_packages_the_image_built_for_arch(self):
        # make -n: the recipe, with the build's PLATFORM per ARCH (arm64 by default).
        for arch, platform in ((None, "linux/arm64"), ("x86_64", "linux/amd64")):
            with self.subTest(arch=arch):
                args = ["make", "-n", "--no-print-directory", "-C", ROOT, "function"] + ([f"ARCH={arch}"] if arch else [])
                r = subprocess.run(args, capture_output=True, text=True, timeout=60)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn(f"PLATFORM={platform} EXTRA_TAGS= scripts/container/build.sh", r.stdout)
                self.assertIn(f"bootstrap-{arch or 'arm64'}.zip", r.stdout)

    def test_make_function_with_image(self):
        r = subprocess.run(["make", "--no-print-directory", "-C", ROOT, "function", f"IMAGE={self.ref}",
                            f"BUILD_DIR={self.tmp.name}"], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(self.tmp.name, "function", "bootstrap-arm64.zip")))


class Scripts(unittest.TestCase):
    SCRIPTS = ["scripts/package-function.sh", "scripts/deploy-function.sh", "scripts/lib/deploy-steps.sh"]

    def test_shellcheck_clean(self):
        r = subprocess.run(["shellcheck", "-x", *self.SCRIPTS], cwd=ROOT, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_deploy_help_exits_0_with_usage(self):
        r = subprocess.run([os.path.join(ROOT, "scripts/deploy-function.sh"), "--help"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("usage: scripts/deploy-function.sh --env ENV (--zip PATH --commit SHA | --rollback)", r.stdout)
        self.assertIn("dev local prod", r.stdout)  # the envs that have a <env>.function.tfvars
