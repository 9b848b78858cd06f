"""Ports for several Rasa servers on one machine (RASA_PORT and the ones after it)."""

from __future__ import annotations

import socket

from tests.conftest import free_port


def free_port_pair() -> int:
    """A port whose next port is free too: the second Rasa server takes RASA_PORT + 1."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue
    raise RuntimeError("no two free ports in a row")
