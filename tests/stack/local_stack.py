"""The one local stack the `stack` suite brings up and every check in it
shares (test_up.py, tests/rollout/test_rollout.py, test_down.py): its own
STACK_DIR, free ports and container names, so it neither needs 5000/5443
nor touches a stack a developer has up.

Callers read the names through the module (`local_stack.STACK_DIR`), so a
one-off script can point them at a stack that is already up.
"""
import json
import os
import signal
import time

from tests.lib import ROOT, containers, ports, procs

STACK_DIR = os.path.join(ROOT, "build", "stack-test")
PREFIX = f"hello-stack-test-{os.getpid()}"
PORT = ports.free_port()
HTTPS_PORT = ports.free_port()
UP_TIMEOUT = int(os.environ.get("STACK_TEST_TIMEOUT", "1500"))

# What the checks learnt along the way (make up's output, pids, ports).
facts = {}


def ecs_dir():
    return os.path.join(STACK_DIR, "ecs")


def ca_cert():
    return os.path.join(STACK_DIR, "tls", "ca.pem")


def env():
    """The environment of every make call: this stack's settings only (none
    inherited from a developer's shell)."""
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("AWS_", "TF_", "EMULATOR_", "STACK_", "LOCAL_ECS"))}
    e.update(STACK_DIR=STACK_DIR, STACK_CONTAINER=PREFIX, STACK_PORT=str(PORT), STACK_HTTPS_PORT=str(HTTPS_PORT))
    return e


def make(*args, check=False, timeout=None):
    """`make ARGS` for this stack; echoes and returns (rc, output, seconds)."""
    start = time.monotonic()
    code, out = procs.run(["make", "--no-print-directory", "-C", ROOT, *args], env=env(), check=check,
                          timeout=timeout or UP_TIMEOUT)
    print(f"--- make {' '.join(args)} ---\n{out}--- end ---", flush=True)
    return code, out, time.monotonic() - start


def emulator_env():
    e = env()
    with open(os.path.join(STACK_DIR, "emulator", "env")) as f:
        for line in f:
            if line.startswith("export "):
                k, _, v = line[len("export "):].strip().partition("=")
                e[k] = v
    return e


def aws(*args):
    _, out = procs.run(["aws", "--output", "json", *args], env=emulator_env(), timeout=120)
    return json.loads(out) if out.strip() else None


def outputs():
    with open(os.path.join(STACK_DIR, "outputs.json")) as f:
        return json.load(f)


def platform_output(key):
    with open(os.path.join(STACK_DIR, "platform.json")) as f:
        return json.load(f)[key]["value"]


def state():
    """The ECS stand-in's view (local/ecs_agent.py writes it every tick)."""
    with open(os.path.join(ecs_dir(), "state.json")) as f:
        return json.load(f)


def by_digest(tag):
    """How task definitions name the image of `tag`: @<its digest in ECR>."""
    images = aws("ecr", "describe-images", "--repository-name", platform_output("ecr_repository_name"),
                 "--image-ids", f"imageTag={tag}")
    return "@" + images["imageDetails"][0]["imageDigest"]


def steady(count, tag, timeout=300):
    """Waits until the last deployment completed and exactly `count` tasks run,
    all healthy in the target group, all of image `tag` (named by digest, as
    deploy.sh registers it); returns them."""
    image = by_digest(tag)
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = state()
        tasks = now["tasks"]
        if (now["deployments"] and now["deployments"][-1]["status"] == "COMPLETED" and len(tasks) == count and
                all(t["state"] == "RUNNING" and t["target_health"] == "healthy" and t["image"].endswith(image)
                    for t in tasks)):
            return tasks
        time.sleep(1)
    raise AssertionError(f"not {count} healthy tasks of {tag} within {timeout}s: {state()['tasks']}")


def read_pid(name):
    try:
        return int(open(os.path.join(ecs_dir(), name)).read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def stack_containers():
    """Names of the containers this stack started (its tasks, by name prefix)."""
    _, out = containers.run(["ps", "-a", "--format", "{{.Names}}"], check=False)
    return [n for n in out.split() if n.startswith(PREFIX)]


def processes_in_stack_dir():
    """(pid, command) of every process whose command line names STACK_DIR
    (the emulator, the ECS agent, HAProxy: all started with paths under it)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if STACK_DIR in cmd and int(pid) != os.getpid() and procs.pid_running(int(pid)):
            found.append((int(pid), cmd))
    return found


def port_in_use(port):
    """True if something listens on 127.0.0.1:port (bind fails)."""
    import socket
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def sweep():
    """Leaves nothing behind whatever failed: make down, then by hand."""
    make("down")
    for name in stack_containers():
        containers.rm(name)
    for pid, _ in processes_in_stack_dir():
        os.kill(pid, signal.SIGKILL)
