"""The local AWS emulator (scripts/emulator.sh) as a test fixture.

    with emulator.Emulator(work_dir, MOTO_ECS_SERVICE_RUNNING="1") as emu:
        subprocess.run([...terraform...], env=emu.env)
        emu.client("ecs").list_clusters()

`env` is the caller's environment without any AWS_*/TF_* variable (so a
developer's real credentials, profile or TF_VAR_* can never reach a test;
TF_PLUGIN_MIRROR, which only says where providers are, stays), plus
`extra_env` and what the emulator exports: AWS_ENDPOINT_URL, the test
credentials and the region.
"""
import os
from unittest import mock

from . import ROOT, procs

SCRIPT = os.path.join(ROOT, "scripts", "emulator.sh")
START_TIMEOUT = 180


# Project settings that say where things are, not what to apply: kept.
KEEP = {"TF_PLUGIN_MIRROR"}


def clean_env(extra=None):
    """The caller's environment minus AWS_* and TF_* (but KEEP), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k in KEEP or not k.startswith(("AWS_", "TF_"))}
    env.update({k: str(v) for k, v in (extra or {}).items()})
    return env


def parse_exports(text, env):
    """Applies the `export K=V` and `unset K...` lines of emulator.sh's output to env."""
    for line in text.splitlines():
        if line.startswith("export "):
            key, _, value = line[len("export "):].partition("=")
            env[key.strip()] = value.strip()
        elif line.startswith("unset "):
            for key in line.split()[1:]:
                env.pop(key, None)
    return env


class Emulator:
    def __init__(self, work_dir, **extra_env):
        self.work_dir = os.fspath(work_dir)
        self.extra_env = extra_env
        self.env = None
        self._started = False

    def start(self):
        os.makedirs(self.work_dir, exist_ok=True)
        base = clean_env(self.extra_env)
        self._started = True     # from here on, stop() cleans up whatever started
        _, out = procs.run([SCRIPT, "start", self.work_dir], env=base, timeout=START_TIMEOUT,
                           log_path=os.path.join(self.work_dir, "start.log"))
        self.env = parse_exports(out, base)
        if "AWS_ENDPOINT_URL" not in self.env:
            raise RuntimeError(f"emulator.sh start printed no AWS_ENDPOINT_URL:\n{out}")
        return self

    @property
    def endpoint(self):
        if not self.env:
            raise RuntimeError("emulator not started")
        return self.env["AWS_ENDPOINT_URL"]

    def client(self, service, env=None):
        """A boto3 client for the emulator, with the credentials in `env`
        (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) or the test ones."""
        import boto3  # only suites that talk to AWS need it
        creds = env or self.env
        # boto3 reads AWS_PROFILE, AWS_CONFIG_FILE... from os.environ while it
        # builds a client: build it with the emulator's environment instead.
        with mock.patch.dict(os.environ, self.env, clear=True):
            return boto3.session.Session().client(
                service, endpoint_url=self.endpoint, region_name=self.env["AWS_REGION"],
                aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"],
                aws_session_token=creds.get("AWS_SESSION_TOKEN"))

    def stop(self):
        """Stops the emulator; harmless when never started or already stopped."""
        if not self._started:
            return
        self._started = False
        procs.run([SCRIPT, "stop", self.work_dir], check=False, env=clean_env(), timeout=60)

    def __enter__(self):
        if self.env is None:
            try:
                self.start()
            except BaseException:
                self.stop()
                raise
        return self

    def __exit__(self, *exc):
        self.stop()
