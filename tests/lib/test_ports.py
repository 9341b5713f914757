"""ports.free_port: a port nobody listens on, that can be bound."""
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tests.lib import ports  # noqa: E402


class FreePort(unittest.TestCase):
    def test_port_can_be_bound(self):
        port = ports.free_port()
        self.assertIsInstance(port, int)
        self.assertTrue(1024 <= port <= 65535, port)
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))     # raises if it were taken

    def test_nothing_listens_on_it(self):
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", ports.free_port()), timeout=2).close()


if __name__ == "__main__":
    unittest.main()
