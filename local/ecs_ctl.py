#!/usr/bin/env python3
"""Reads the local ECS stand-in's state (ecs_agent.py writes DIR/state.json).

usage: ecs_ctl.py wait DIR TAG [TIMEOUT_S]   wait for the deployment of image TAG (or digest):
                                             exit 0 completed, 1 rolled back/failed/timed out
       ecs_ctl.py tasks DIR                  print the tasks as JSON
scripts/deploy.sh calls `wait` for env local; scripts/up.sh calls `tasks`."""
import json
import os
import sys
import time

USAGE = __doc__.split("\n\n")[1].split("\nscripts/")[0]


def state(d):
    with open(os.path.join(d, "state.json")) as f:
        return json.load(f)


def wait(d, tag, timeout):
    t0 = time.time()
    last = None
    while time.time() - t0 < timeout:
        try:
            s = state(d)
        except (OSError, ValueError):
            s = None
        if s and time.time() - s["updated"] > 30:
            print(f"rollout: the local ECS agent has not written {d}/state.json for 30 s (is it running?)",
                  file=sys.stderr)
            return 1
        deps = [x for x in (s or {}).get("deployments", []) if x["image"].endswith((":" + tag, "@" + tag))]
        if deps:
            dep = deps[-1]
            tasks = [f"{t['name'].rsplit('-', 1)[-1]}:{t['state'].lower()}" for t in s["tasks"]]
            line = f"deployment {dep['id']} {dep['status']}; tasks {' '.join(tasks)}"
            if line != last:
                print(f"[{time.time() - t0:5.1f}s] rollout: {line}", flush=True)
                last = line
            if dep["status"] == "COMPLETED":
                print(f"rollout: {tag} completed in {dep['finished'] - dep['started']:.1f}s")
                return 0
            if dep["status"] in ("FAILED", "STOPPED"):
                back = dep.get("rolled_back_to")
                print(f"rollout: {tag} {dep['status'].lower()} after {dep['failed_tasks']} failed tasks"
                      + (f"; the circuit breaker rolled the service back to {back.rsplit('/', 1)[1]}" if back else ""),
                      file=sys.stderr)
                return 1
        time.sleep(0.5)
    print(f"rollout: no verdict on {tag} within {timeout:.0f}s", file=sys.stderr)
    return 1


def main(argv):
    if len(argv) >= 3 and argv[0] == "wait":
        try:
            timeout = float(argv[3]) if len(argv) > 3 else 600
        except ValueError:
            timeout = -1
        if timeout > 0 and len(argv) <= 4:
            return wait(argv[1], argv[2], timeout)
    if len(argv) == 2 and argv[0] == "tasks":
        print(json.dumps(state(argv[1])["tasks"], indent=1))
        return 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
