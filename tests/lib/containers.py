"""The container engine scripts/container/env.sh picks (docker if a daemon
answers, else podman with the project's config), for tests that start or
inspect containers.

    code, out = containers.run(["inspect", name])
    containers.rm(name)
"""
import functools
import os
import subprocess

from . import ROOT, procs

ENV_SH = os.path.join(ROOT, "scripts", "container", "env.sh")


@functools.lru_cache(maxsize=None)
def _engine_env():
    """The environment after sourcing env.sh: CONTAINER_ENGINE plus the
    CONTAINERS_CONF/CONTAINERS_STORAGE_CONF podman needs here."""
    r = subprocess.run(["bash", "-c", 'source "$1" >/dev/null && env -0', "env.sh", ENV_SH],
                       cwd=ROOT, capture_output=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("no container engine: " + r.stderr.decode("utf-8", "replace").strip())
    pairs = (item.split("=", 1) for item in r.stdout.decode().split("\0") if "=" in item)
    return dict(pairs)


def env():
    """A copy of the environment the engine must run with."""
    return dict(_engine_env())


def engine():
    """`docker` or `podman`."""
    return _engine_env()["CONTAINER_ENGINE"]


def run(args, check=True, timeout=None, log_path=None):
    """Runs `<engine> args...`; returns (exit code, output) as procs.run does."""
    return procs.run([engine(), *args], check=check, timeout=timeout, log_path=log_path, env=env())


def exists(name):
    """True if a container of exactly this name exists (running or not)."""
    _, out = run(["ps", "-a", "--filter", f"name=^{name}$", "--format", "{{.Names}}"], check=False)
    return name in out.split()


def rm(name):
    """Removes the container `name` (stopping it first); harmless if absent."""
    run(["rm", "-f", name], check=False, timeout=60)
