"""Free TCP ports for servers a test starts (never assume 5000 is free)."""
import socket


def free_port(host="127.0.0.1"):
    """A port the kernel just handed out on `host`; free until someone binds it."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]
