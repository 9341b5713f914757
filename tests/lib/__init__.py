"""The one shared test library: every Python suite imports it.

    sys.path.insert(0, ROOT)
    from tests.lib import runner, ports, procs, emulator, containers

runner      the summary line `N passed, N failed` and the one skip rule
ports       free loopback ports
procs       start, wait for and stop processes; run commands with a timed line
emulator    the local AWS emulator (scripts/emulator.sh) as a fixture
containers  the container engine that scripts/container/env.sh picks
"""
import os

# The repository root: tests/lib/__init__.py is two levels below it.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
