"""Runs an ECS task definition's container as a podman container, as the
Fargate agent would: image, environment, port, user, read-only root
filesystem, dropped capabilities, no privilege gain, and the container
health check run by hand on its interval (podman's own health timers need
systemd, absent here). Differences from Fargate: one loopback port per task
instead of an ENI per task (awsvpc), and the image is the local one with the
task definition's tag (no registry pull)."""
import json
import os
import subprocess

LABEL = "hello-server.stack"  # value: the stack's directory, so `make down` finds every task


def engine_cmd(*args):
    return [os.environ.get("CONTAINER_ENGINE", "podman"), *args]


def container_spec(task_def):
    """The one container of the task definition, with what running it needs."""
    containers = task_def["containerDefinitions"]
    if len(containers) != 1:
        raise ValueError(f"task definition {task_def['taskDefinitionArn']} has {len(containers)} containers; "
                         "the local runner supports one")
    c = containers[0]
    ports = c.get("portMappings") or []
    if not ports:
        raise ValueError(f"container {c['name']} has no port mapping")
    hc = c.get("healthCheck") or {}
    return {
        "name": c["name"],
        "image": c["image"],
        "port": int(ports[0]["containerPort"]),
        "env": {e["name"]: e["value"] for e in c.get("environment", [])},
        "user": c.get("user"),
        "read_only": bool(c.get("readonlyRootFilesystem")),
        "cap_drop": (c.get("linuxParameters") or {}).get("capabilities", {}).get("drop", []),
        "cap_add": (c.get("linuxParameters") or {}).get("capabilities", {}).get("add", []),
        "health_cmd": hc.get("command"),
        "health_interval": int(hc.get("interval", 30)),
        "health_timeout": int(hc.get("timeout", 5)),
        "health_retries": int(hc.get("retries", 3)),
        "health_start_period": int(hc.get("startPeriod", 0)),
        "stop_timeout": int(c.get("stopTimeout", 30)),
    }


def local_image(image, image_name):
    """ECR URL@sha256:... -> the local image with that digest (ecr-register.sh registers
    the digest podman shows); ECR URL:tag -> the local image with that tag."""
    if "@" in image:
        return f"{image_name}@{image.split('@', 1)[1]}"
    return f"{image_name}:{image.rsplit(':', 1)[1]}"


def run(spec, name, host_port, stack_label, image_name, labels=None):
    args = ["run", "--detach", "--name", name, "--label", f"{LABEL}={stack_label}",
            "--publish", f"127.0.0.1:{host_port}:{spec['port']}",
            "--security-opt", "no-new-privileges",
            # ECS ignores the image's HEALTHCHECK (the task definition's runs,
            # by hand); podman would also want systemd timers for it.
            "--no-healthcheck"]
    for k, v in (labels or {}).items():
        args += ["--label", f"{k}={v}"]
    if spec["user"]:
        args += ["--user", spec["user"]]
    if spec["read_only"]:
        # No tmpfs either: readonlyRootFilesystem gives the task none.
        args += ["--read-only", "--read-only-tmpfs=false"]
    for cap in spec["cap_drop"]:
        args += ["--cap-drop", cap]
    for cap in spec["cap_add"]:
        args += ["--cap-add", cap]
    for k, v in sorted(spec["env"].items()):
        args += ["--env", f"{k}={v}"]
    args.append(local_image(spec["image"], image_name))
    subprocess.run(engine_cmd(*args), check=True, capture_output=True, text=True, timeout=120)


def health_check(spec, name):
    """One run of the container health check: True healthy, False not."""
    cmd = spec["health_cmd"] or []
    if not cmd:
        return True
    kind, argv = cmd[0], cmd[1:]
    if kind == "CMD-SHELL":
        argv = ["/bin/sh", "-c", " ".join(argv)]
    try:
        r = subprocess.run(engine_cmd("exec", name, *argv), capture_output=True, timeout=spec["health_timeout"] + 5)
    except subprocess.TimeoutExpired:
        return False
    return r.returncode == 0


def stop(name, stop_timeout):
    """SIGTERM, then SIGKILL after stopTimeout, as ECS stops a task."""
    subprocess.run(engine_cmd("stop", "-t", str(stop_timeout), name), capture_output=True,
                   timeout=stop_timeout + 60)
    subprocess.run(engine_cmd("rm", "-f", name), capture_output=True, timeout=60)


def running(stack_label):
    """{name: running?} of this stack's task containers."""
    r = subprocess.run(engine_cmd("ps", "-a", "--filter", f"label={LABEL}={stack_label}",
                                  "--format", "{{.Names}} {{.State}}"),
                       capture_output=True, text=True, timeout=60)
    out = {}
    for line in r.stdout.splitlines():
        name, _, state = line.partition(" ")
        # podman 4.3 prints "Up 2 minutes ago" here, later versions "running".
        out[name] = state.strip().lower().startswith(("up", "running"))
    return out


def last_log_lines(name, n=5):
    r = subprocess.run(engine_cmd("logs", "--tail", str(n), name), capture_output=True, text=True, timeout=60)
    return (r.stdout + r.stderr).strip()


def labels_of(name):
    r = subprocess.run(engine_cmd("inspect", "--format", "{{json .Config.Labels}}", name),
                       capture_output=True, text=True, timeout=60)
    return json.loads(r.stdout or "{}") or {}


def remove_all(stack_label):
    for name in running(stack_label):
        subprocess.run(engine_cmd("rm", "-f", "-t", "0", name), capture_output=True, timeout=60)
