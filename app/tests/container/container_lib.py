"""What the container suites share: the engine `make image` would use, an image
built by scripts/container/build.sh, and a container started by run.sh."""
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.environ.get("ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, ROOT)
from tests.lib import containers  # noqa: E402
from tests.lib.ports import free_port  # noqa: E402,F401  (re-exported for the suites)

SCRIPTS = os.path.join(ROOT, "scripts", "container")
LOG_DIR = os.path.join(ROOT, "build", "test-logs")


def pick_engine():
    """The engine and podman config of scripts/container/env.sh (tests/lib),
    exported to this process so every later engine call sees the same storage."""
    try:
        engine = containers.engine()
    except RuntimeError as e:
        raise RuntimeError(f"{e} (the container suites need one; see docs/container.md)") from None
    engine_env = containers.env()
    os.environ.update({k: engine_env[k] for k in ("CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "CONTAINER_ENGINE")
                       if k in engine_env})
    return engine


def build(tag, build_args, log_name, platform=None):
    """Builds the image with build.sh (as `make image`); returns its reference.
    Prints build.sh's progress lines; the full log goes to build/test-logs."""
    os.makedirs(LOG_DIR, exist_ok=True)
    log = os.path.join(LOG_DIR, log_name)
    env = dict(os.environ, IMAGE_TAG=tag, EXTRA_TAGS="", **build_args)
    if platform:
        env["PLATFORM"] = platform
    start = time.monotonic()
    with open(log, "w") as out:
        result = subprocess.run([os.path.join(SCRIPTS, "build.sh")], env=env, stdout=subprocess.PIPE,
                                stderr=out, text=True, timeout=3600)
    with open(log) as out:
        text = out.read()
    for line in text.splitlines():
        if line.startswith("container: "):
            print(line)
    if result.returncode != 0:
        raise RuntimeError(f"image build failed (exit {result.returncode}); last lines of {log}:\n"
                           + "\n".join(text.splitlines()[-25:]))
    image = result.stdout.strip().splitlines()[-1]
    print(f"image {image} built in {time.monotonic() - start:.0f} s")
    return image


def get(port, path, timeout=3):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def start_container(engine, image, name, port, wait=20):
    """Starts IMAGE with run.sh (the `make run` settings), kept after it stops
    so its exit code can be read; waits until /healthz answers."""
    env = dict(os.environ, IMAGE=image, CONTAINER_NAME=name, HOST_PORT=str(port), DETACH="1", REMOVE="0")
    subprocess.run([os.path.join(SCRIPTS, "run.sh")], env=env, check=True, capture_output=True, timeout=60)
    deadline = time.monotonic() + wait
    while True:
        try:
            if get(port, "/healthz", timeout=1)[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            logs = subprocess.run([engine, "logs", name], capture_output=True, text=True)
            raise AssertionError(f"{name} did not answer /healthz within {wait} s; logs:\n{logs.stdout}{logs.stderr}")
        time.sleep(0.2)
