"""`make down` leaves nothing running: no task container, no HAProxy, no
ECS agent, no emulator, nothing listening on the stack's ports, no process
naming the stack's directory; and a second `make down` is harmless. The
last part of the `stack` suite (run.py)."""
import os
import unittest

from tests.lib import procs
from tests.stack import local_stack as stack


class StackDown(unittest.TestCase):
    def test_1_make_down_leaves_nothing_running(self):
        rc, out, _ = stack.make("down")
        self.assertEqual(rc, 0, "make down failed")
        stack.facts["down_ok"] = True
        self.assertEqual(stack.stack_containers(), [], "task containers still there")
        for key in ("agent_pid", "haproxy_pid", "emulator_pid"):
            pid = stack.facts.get(key)
            self.assertTrue(pid, f"make up left no {key} file")
            self.assertFalse(procs.pid_running(pid), f"{key} {pid} still runs")
        self.assertEqual(stack.processes_in_stack_dir(), [], "processes started by the stack still run")
        self.assertFalse(os.path.exists(os.path.join(stack.STACK_DIR, "emulator", "pid")))
        listening = [p for p in (stack.PORT, stack.HTTPS_PORT, stack.facts.get("emulator_port")) if p and stack.port_in_use(p)]
        self.assertEqual(listening, [], "something still listens on the stack's ports")

    def test_2_make_down_again_is_harmless(self):
        rc, out, _ = stack.make("down")
        self.assertEqual(rc, 0, "make down with nothing up failed")
        self.assertIn("no tasks, no load balancer", out)
        self.assertIn("emulator: not running", out)


if __name__ == "__main__":
    raise SystemExit("run the suite: python3 tests/stack/run.py")
