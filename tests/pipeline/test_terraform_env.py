"""scripts/terraform-env.sh: a provider mirror only where one is named or sits
in a known place, else the public registry; never a search of the whole disk."""
import os
import shutil
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def source_env(tmp, **env):
    """Sources the script in a clean bash; returns (exit code, stderr, cli config text)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    full.update(TF_ENV_DIR=str(Path(tmp) / "tf"), HOME=str(Path(tmp) / "home"), **env)
    r = subprocess.run(["bash", "-c", 'source scripts/terraform-env.sh && echo "$TF_CLI_CONFIG_FILE"'],
                       cwd=ROOT, env=full, capture_output=True, text=True, timeout=30)
    conf = Path(tmp) / "tf/cli.tfrc"
    return r.returncode, r.stderr, conf.read_text() if r.returncode == 0 else ""


def make_mirror(folder):
    (Path(folder) / "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64").mkdir(parents=True)
    return str(folder)


class ProviderSource(unittest.TestCase):
    def test_no_mirror_in_known_places_uses_the_registry(self):
        with tempfile.TemporaryDirectory() as tmp:
            # An aws provider binary elsewhere on disk must not be hunted down.
            make_mirror(Path(tmp) / "elsewhere")
            start = time.monotonic()
            rc, err, conf = source_env(tmp, TF_PLUGIN_MIRROR_SEARCH=str(Path(tmp) / "none-here"))
            self.assertEqual(rc, 0, err)
            self.assertLess(time.monotonic() - start, 10, "no filesystem search")
            self.assertNotIn("provider_installation", conf)
            self.assertIn("plugin_cache_dir", conf)

    def test_mirror_in_a_known_place_is_used(self):
        with tempfile.TemporaryDirectory() as tmp:
            mirror = make_mirror(Path(tmp) / "mirror")
            rc, err, conf = source_env(tmp, TF_PLUGIN_MIRROR_SEARCH=f"{tmp}/absent:{mirror}")
            self.assertEqual(rc, 0, err)
            self.assertIn(f'path    = "{mirror}"', conf)

    def test_named_mirror_is_used_and_none_means_registry(self):
        with tempfile.TemporaryDirectory() as tmp:
            mirror = make_mirror(Path(tmp) / "named")
            rc, err, conf = source_env(tmp, TF_PLUGIN_MIRROR=mirror)
            self.assertEqual(rc, 0, err)
            self.assertIn(f'path    = "{mirror}"', conf)
            rc, err, conf = source_env(tmp, TF_PLUGIN_MIRROR="none", TF_PLUGIN_MIRROR_SEARCH=mirror)
            self.assertEqual(rc, 0, err)
            self.assertNotIn("provider_installation", conf)

    def test_named_folder_without_a_mirror_is_an_error_naming_the_variable(self):
        with tempfile.TemporaryDirectory() as tmp:
            rc, err, _ = source_env(tmp, TF_PLUGIN_MIRROR=f"{tmp}/empty")
            self.assertEqual(rc, 1)
            self.assertIn(f"TF_PLUGIN_MIRROR={tmp}/empty", err)


if __name__ == "__main__":
    unittest.main()


class InitWhenNeeded(unittest.TestCase):
    """scripts/tf.sh runs `terraform init` again only when something init depends on changed: the root, its lock
    file and backend, and the local modules (a module call added inside a module needs init, or Terraform stops
    with "Module not installed")."""

    def test_a_changed_module_re_inits(self):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "repo"
            for part in ("scripts", "infra/envs", "infra/platform", "infra/modules"):
                shutil.copytree(ROOT / part, copy / part, symlinks=True)
            fake = Path(tmp) / "bin"
            fake.mkdir()
            log = Path(tmp) / "terraform.log"
            (fake / "terraform").write_text(f'#!/bin/bash\necho "$2" >>"{log}"\n')
            (fake / "terraform").chmod(0o755)
            env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "AWS_"))}
            env.update(PATH=f"{fake}:{env['PATH']}", TF_WORK_DIR=str(Path(tmp) / "work"), HOME=str(Path(tmp) / "home"),
                       TF_ENV_DIR=str(Path(tmp) / "tf"), AWS_ENDPOINT_URL="http://127.0.0.1:9")

            def inits():
                r = subprocess.run([str(copy / "scripts/tf.sh"), "platform", "local", "validate"], cwd=copy, env=env,
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(r.returncode, 0, r.stderr)
                calls = log.read_text().split()
                log.write_text("")
                return calls.count("init")

            self.assertEqual(inits(), 1)
            self.assertEqual(inits(), 0)  # nothing changed
            module = next((copy / "infra/modules").glob("*/main.tf"))
            module.write_text(module.read_text() + '\nmodule "added" {\n  source = "../network"\n}\n')
            self.assertEqual(inits(), 1)
            self.assertEqual(inits(), 0)
