"""HAProxy's runtime API (the stats socket) as target-group operations.

register / deregister / health mirror the ALB's RegisterTargets,
DeregisterTargets and DescribeTargetHealth. A small client on the unix
socket: Debian's HAProxy ships no CLI for it and socat is not installed."""
import socket

from haproxy_config import BACKEND, server_options


class Runtime:
    def __init__(self, socket_path):
        self.path = socket_path

    def cmd(self, line):
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(self.path)
            s.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode().strip()

    def _ok(self, line):
        reply = self.cmd(line)
        # Successful commands answer nothing or a short confirmation.
        if reply and not reply.startswith("New server registered"):
            raise RuntimeError(f"haproxy: '{line}': {reply}")

    def register(self, name, addr, tg):
        """Adds a target that starts unhealthy and needs `healthy_threshold`
        passing checks to take traffic, as a newly registered ALB target."""
        self._ok(f"add server {BACKEND}/{name} {addr} weight 0 {server_options(tg)}")
        # A new server would start UP; weight 0 keeps traffic away until
        # its health is forced down, then the checks must raise it.
        self._ok(f"enable health {BACKEND}/{name}")
        self._ok(f"enable server {BACKEND}/{name}")
        self._ok(f"set server {BACKEND}/{name} health down")
        self._ok(f"set server {BACKEND}/{name} weight 1")

    def drain(self, name):
        """Deregistration starts: no new requests; requests in flight finish."""
        self._ok(f"set server {BACKEND}/{name} state drain")

    def remove(self, name):
        """Deregistration ends: the target is gone from the group."""
        self.cmd(f"set server {BACKEND}/{name} state maint")
        self.cmd(f"shutdown sessions server {BACKEND}/{name}")
        self.cmd(f"del server {BACKEND}/{name}")

    def targets(self):
        """{name: (state, address)}; state healthy | unhealthy | draining."""
        result = {}
        for line in self.cmd(f"show servers state {BACKEND}").splitlines()[2:]:
            f = line.split()
            if len(f) < 8:
                continue
            name, addr, op, admin = f[3], f[4], int(f[5]), int(f[6])
            port = f[18] if len(f) > 18 else "?"
            if admin & 0x18:    # SRV_ADMF_FDRAIN | SRV_ADMF_IDRAIN
                state = "draining"
            elif admin & 0x67 or op != 2:  # any maintenance flag, or not SRV_ST_RUNNING
                state = "unhealthy"
            else:
                state = "healthy"
            result[name] = (state, f"{addr}:{port}")
        return result
