#!/usr/bin/env python3
"""The ECS service scheduler's stand-in: keeps the emulated ECS service's
tasks running as podman containers behind HAProxy (the ALB's stand-in).

moto accepts the service but runs nothing; this loop does what ECS does with
it, reading everything from the emulator each tick:
  - runs `desiredCount` tasks of the service's task definition
    (task_runner.py), registers each in the target group (HAProxy runtime
    API) and runs the container health check on its interval;
  - on a new task definition, a rolling deployment under the service's
    deploymentConfiguration: new tasks up to maximumPercent, an old task
    drained only while minimumHealthyPercent stays healthy, the
    deregistration delay, then SIGTERM and stopTimeout;
  - the deployment circuit breaker: tasks that stop before turning healthy
    count as failures; at ECS's threshold the service goes back to the last
    completed task definition (UpdateService in the emulator);
  - a task that dies is deregistered and replaced; a change of
    desiredCount adds or drains tasks the same way;
  - deregistration as the ALB does it: the load balancer keeps sending new
    requests to a deregistered target for DEREGISTRATION_PROPAGATION
    seconds, drains it, and drops it after the deregistration delay.
State for scripts (ecs_ctl.py, outputs.json) goes to DIR/state.json.

usage: ecs_agent.py --dir DIR --cluster NAME --service NAME --alb-dns NAME
                    --http-port N [--https-port N --cert PEM] --image-name NAME
"""
import argparse
import concurrent.futures
import json
import math
import os
import signal
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boto3  # noqa: E402

import elbv2_view  # noqa: E402
import haproxy_config  # noqa: E402
import task_runner  # noqa: E402
from haproxy_runtime import Runtime  # noqa: E402

TICK = 0.5
# On AWS, DeregisterTargets is eventually consistent: the ALB's nodes keep
# routing new requests to the target for a few seconds (AWS gives no figure;
# this is what is commonly observed). That is why ECS waits the
# deregistration delay before SIGTERM; modelled here, so that a scheduler
# or app that does not wait fails locally as it would on AWS. Never more
# than the deregistration delay itself.
DEREGISTRATION_PROPAGATION = 5.0


def log(msg):
    print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Task:
    def __init__(self, task_id, name, port, task_def, spec, started):
        self.id, self.name, self.port = task_id, name, port
        self.task_def, self.spec, self.started = task_def, spec, started
        self.state = "PENDING"     # PENDING -> RUNNING (healthy once) -> DRAINING -> STOPPING
        self.healthy_once = False
        self.lb = "unhealthy"
        self.hc_failures = 0
        self.next_hc = started + spec["health_start_period"]
        self.hc_busy = False
        self.drain_until = None
        self.stop_reason = ""

    def view(self):
        return {"id": self.id, "name": self.name, "url": f"http://127.0.0.1:{self.port}",
                "task_definition": self.task_def, "image": self.spec["image"],
                "state": self.state, "target_health": self.lb}


class Agent:
    def __init__(self, a):
        self.a = a
        self.dir = a.dir
        self.ecs = boto3.client("ecs")
        self.elbv2 = boto3.client("elbv2")
        self.runtime = Runtime(os.path.join(self.dir, "haproxy.sock"))
        self.tasks = {}            # name -> Task
        self.deployments = []      # newest last
        self.lb_events = []        # (time, "drain" | "remove", target name): deregistrations under way
        self.task_defs = {}        # arn -> spec
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=8)
        self.stopping = False
        self.label = os.path.abspath(self.dir)

    # ----- the load balancer -------------------------------------------------
    def start_lb(self):
        self.lb = elbv2_view.read(self.elbv2, self.a.alb_dns)
        ports = {}
        for li in self.lb.listeners:
            ports[li.port] = self.a.https_port if li.protocol == "HTTPS" else self.a.http_port
        self.ports = ports
        cfg = haproxy_config.render(self.lb, ports, self.runtime.path, os.path.join(self.dir, "haproxy.pid"),
                                    cert_pem=self.a.cert)
        path = os.path.join(self.dir, "haproxy.cfg")
        old = open(path).read() if os.path.exists(path) else None
        pid = self._haproxy_pid()
        if old == cfg and pid:
            log(f"haproxy {pid} already runs this configuration")
            return
        with open(path, "w") as f:
            f.write(cfg)
        subprocess.run(["haproxy", "-c", "-q", "-f", path], check=True)
        if pid:
            os.kill(pid, signal.SIGTERM)
            for _ in range(50):
                if not self._haproxy_pid():
                    break
                time.sleep(0.1)
            for t in self.tasks.values():
                t.lb = "unhealthy"
        subprocess.run(["haproxy", "-D", "-f", path], check=True)
        log(f"haproxy started: listeners {ports}, target group {self.lb.target_group}")

    def _haproxy_pid(self):
        try:
            pid = int(open(os.path.join(self.dir, "haproxy.pid")).read().split()[0])
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError, IndexError):
            return None

    # ----- tasks ---------------------------------------------------------------
    def spec(self, arn):
        if arn not in self.task_defs:
            td = self.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
            self.task_defs[arn] = task_runner.container_spec(td)
        return self.task_defs[arn]

    def adopt(self):
        """Tasks left running by an earlier agent (make up again) are kept."""
        for name, alive in task_runner.running(self.label).items():
            labels = task_runner.labels_of(name)
            arn, port = labels.get("ecs.task-definition"), labels.get("ecs.host-port")
            if not alive or not arn or not port:
                task_runner.stop(name, 0)
                continue
            t = Task(labels.get("ecs.task-id", name), name, int(port), arn, self.spec(arn), time.time())
            t.state, t.healthy_once = "RUNNING", True
            self.tasks[name] = t
            if name not in self.runtime.targets():  # a new HAProxy: the target starts over
                t.state = "PENDING"
                self.runtime.register(name, f"127.0.0.1:{t.port}", self.lb.target_group)
            log(f"adopted task {name} ({arn.rsplit('/', 1)[1]})")

    def launch(self, arn):
        spec = self.spec(arn)
        task_id = uuid.uuid4().hex[:12]
        name = f"{self.a.container_prefix}-{task_id}"
        port = free_port()
        t = Task(task_id, name, port, arn, spec, time.time())
        self.tasks[name] = t
        try:
            task_runner.run(spec, name, port, self.label, self.a.image_name,
                            labels={"ecs.task-id": task_id, "ecs.task-definition": arn, "ecs.host-port": port})
        except subprocess.CalledProcessError as e:
            log(f"task {name} failed to start: {e.stderr.strip()}")
            self.task_stopped(t, "CannotStartContainerError")
            return
        self.runtime.register(name, f"127.0.0.1:{port}", self.lb.target_group)
        log(f"task {name} started ({arn.rsplit('/', 1)[1]}, 127.0.0.1:{port}), registered")

    def deregister(self, name):
        """DeregisterTargets: new requests keep coming for the propagation
        delay, then the target drains; it leaves after the deregistration delay."""
        now, delay = time.time(), self.lb.target_group.deregistration_delay
        self.lb_events += [(now + min(DEREGISTRATION_PROPAGATION, delay), "drain", name),
                           (now + delay, "remove", name)]

    def lb_deregistrations(self, now):
        due = [e for e in self.lb_events if e[0] <= now]
        self.lb_events = [e for e in self.lb_events if e[0] > now]
        for _, action, name in sorted(due):
            try:
                if action == "drain":
                    self.runtime.drain(name)
                    log(f"target {name} draining in the load balancer (no new requests)")
                else:
                    self.runtime.remove(name)
            except (OSError, RuntimeError) as e:  # gone already (a HAProxy restart)
                log(f"{action} {name}: {e}")

    def task_stopped(self, t, reason):
        """A task that stopped without being asked to: deregister it now."""
        self.tasks.pop(t.name, None)
        self.deregister(t.name)
        self.pool.submit(task_runner.stop, t.name, 0)
        if not t.healthy_once:
            dep = self.deployment_of(t.task_def)
            if dep and dep["status"] == "IN_PROGRESS":
                dep["failed_tasks"] += 1
        log(f"task {t.name} stopped: {reason}")

    def drain(self, t, why):
        t.state = "DRAINING"
        t.drain_until = time.time() + self.lb.target_group.deregistration_delay
        self.deregister(t.name)
        log(f"task {t.name} deregistered ({why}); SIGTERM in {self.lb.target_group.deregistration_delay}s")

    def finish_drain(self, t):
        """After the deregistration delay (the target is out of the group): SIGTERM, stopTimeout."""
        t.state = "STOPPING"

        def stop():
            task_runner.stop(t.name, t.spec["stop_timeout"])
            self.tasks.pop(t.name, None)
            log(f"task {t.name} stopped (SIGTERM, stopTimeout {t.spec['stop_timeout']}s)")
        self.pool.submit(stop)

    def health_check(self, t):
        ok = task_runner.health_check(t.spec, t.name)
        t.hc_failures = 0 if ok else t.hc_failures + 1
        t.next_hc = time.time() + t.spec["health_interval"]
        t.hc_busy = False

    # ----- deployments ---------------------------------------------------------
    def deployment_of(self, arn):
        for d in reversed(self.deployments):
            if d["task_definition"] == arn:
                return d
        return None

    def observe_service(self):
        svc = self.ecs.describe_services(cluster=self.a.cluster, services=[self.a.service])["services"]
        if not svc or svc[0].get("status") != "ACTIVE":
            return None
        svc = svc[0]
        arn = svc["taskDefinition"]
        current = self.deployments[-1] if self.deployments else None
        if not current or current["task_definition"] != arn:
            if current and current["status"] == "IN_PROGRESS":
                current["status"], current["finished"] = "STOPPED", time.time()
            self.deployments.append({"id": uuid.uuid4().hex[:8], "task_definition": arn,
                                     "image": self.spec(arn)["image"], "status": "IN_PROGRESS",
                                     "started": time.time(), "finished": None, "failed_tasks": 0,
                                     "rolled_back_to": None})
            log(f"deployment of {arn.rsplit('/', 1)[1]} ({self.spec(arn)['image']}) started")
        return svc

    def circuit_breaker(self, dep, desired):
        # ECS: the threshold is half the desired count, at least 3, at most 200.
        threshold = min(200, max(3, math.ceil(desired / 2)))
        if dep["failed_tasks"] < threshold:
            return
        previous = next((d for d in reversed(self.deployments[:-1]) if d["status"] == "COMPLETED"), None)
        dep["status"], dep["finished"] = "FAILED", time.time()
        if previous and previous["task_definition"] != dep["task_definition"]:
            dep["rolled_back_to"] = previous["task_definition"]
            log(f"circuit breaker: {dep['failed_tasks']} tasks failed; rolling back to "
                f"{previous['task_definition'].rsplit('/', 1)[1]}")
            self.ecs.update_service(cluster=self.a.cluster, service=self.a.service,
                                    taskDefinition=previous["task_definition"])
        else:
            log(f"circuit breaker: {dep['failed_tasks']} tasks failed; no completed deployment to roll back to")

    def tick(self):
        svc = self.observe_service()
        now = time.time()
        self.lb_deregistrations(now)
        targets = self.runtime.targets()
        containers = task_runner.running(self.label)
        for t in list(self.tasks.values()):
            if t.state == "STOPPING":
                continue
            t.lb = targets.get(t.name, ("unhealthy", ""))[0]
            if t.name not in containers or not containers[t.name]:
                if now - t.started > 5 or t.name in containers:
                    self.task_stopped(t, "essential container exited: " + task_runner.last_log_lines(t.name))
                continue
            if t.lb == "healthy" and t.state == "PENDING":
                t.state, t.healthy_once = "RUNNING", True
                log(f"task {t.name} healthy in the target group after {now - t.started:.1f}s")
            if not t.hc_busy and now >= t.next_hc:
                t.hc_busy = True
                self.pool.submit(self.health_check, t)
            if t.hc_failures >= t.spec["health_retries"]:
                self.task_stopped(t, f"container health check failed {t.hc_failures} times")
                continue
            if t.state == "RUNNING" and t.lb == "unhealthy":
                self.task_stopped(t, "unhealthy in the target group")
                continue
            grace = svc.get("healthCheckGracePeriodSeconds", 0) if svc else 0
            tg = self.lb.target_group
            if t.state == "PENDING" and now - t.started > grace + tg.health_interval * tg.unhealthy_threshold:
                self.task_stopped(t, "never turned healthy in the target group")
                continue
            if t.state == "DRAINING" and now >= t.drain_until:
                self.finish_drain(t)
        if svc is None:
            return
        self.schedule(svc)

    def schedule(self, svc):
        arn, desired = svc["taskDefinition"], svc["desiredCount"]
        cfg = svc.get("deploymentConfiguration") or {}
        max_total = math.floor(desired * cfg.get("maximumPercent", 200) / 100)
        min_healthy = math.ceil(desired * cfg.get("minimumHealthyPercent", 100) / 100)
        dep = self.deployments[-1]
        live = [t for t in self.tasks.values() if t.state in ("PENDING", "RUNNING")]
        current = [t for t in live if t.task_def == arn]
        healthy = [t for t in live if t.state == "RUNNING" and t.lb == "healthy"]
        in_service = [t for t in self.tasks.values() if t.state != "STOPPING"]
        if dep["status"] == "IN_PROGRESS":
            self.circuit_breaker(dep, desired)
            if dep["status"] != "IN_PROGRESS":
                return
        # Launch: up to desired tasks of the current definition, never above maximumPercent.
        room = max(max_total, desired) - len(in_service)
        if dep["status"] != "FAILED":
            for _ in range(min(desired - len(current), room)):
                self.launch(arn)
        # Drain: old tasks, then tasks above desired, keeping minimumHealthyPercent healthy.
        old = [t for t in live if t.task_def != arn]
        excess = sorted(current, key=lambda t: (t.state == "RUNNING", t.started))[:max(0, len(current) - desired)]
        for t in sorted(old, key=lambda t: t.state == "RUNNING") + excess:
            if t.state != "RUNNING" or t.lb != "healthy":
                self.drain(t, "not healthy; replaced")
            elif len(healthy) - 1 >= min_healthy:
                healthy.remove(t)
                self.drain(t, "old task definition" if t in old else "desired count lowered")
        # Completed: desired tasks of this definition, all healthy, nothing else left.
        if (dep["status"] == "IN_PROGRESS" and len(current) == desired and
                all(t.state == "RUNNING" for t in current) and len(in_service) == desired):
            dep["status"], dep["finished"] = "COMPLETED", time.time()
            log(f"deployment of {arn.rsplit('/', 1)[1]} completed in {dep['finished'] - dep['started']:.1f}s")

    def write_state(self):
        state = {"updated": time.time(), "pid": os.getpid(),
                 "tasks": [t.view() for t in self.tasks.values()],
                 "deployments": self.deployments[-20:]}
        tmp = os.path.join(self.dir, "state.json.tmp")
        with open(tmp, "w") as f:
            json.dump(state, f, indent=1)
        os.replace(tmp, os.path.join(self.dir, "state.json"))

    def run(self):
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stopping", True))
        self.start_lb()
        self.adopt()
        while not self.stopping:
            try:
                self.tick()
            except Exception as e:  # the emulator restarting, a podman hiccup: log, try again
                log(f"tick failed: {type(e).__name__}: {e}")
            self.write_state()
            time.sleep(TICK)
        log("agent stopping (tasks and haproxy keep running; make down removes them)")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", required=True)
    p.add_argument("--cluster", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--alb-dns", required=True)
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--https-port", type=int)
    p.add_argument("--cert")
    p.add_argument("--image-name", required=True)
    p.add_argument("--container-prefix", default="hello-task")
    a = p.parse_args(argv)
    os.makedirs(a.dir, exist_ok=True)
    Agent(a).run()


if __name__ == "__main__":
    main(sys.argv[1:])
