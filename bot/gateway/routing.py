"""Which Rasa server a conversation goes to: rendezvous hashing of the sender.

Every server gets a score for each conversation (a hash of the two); the conversation goes to the
server with the highest score that is up. When a server goes down only its own conversations move,
each to its next choice, and they come back when it is up again; adding a server moves only the
conversations it now wins. The sender is already a keyed hash of her chat (bot/gateway/identity.py).
"""

from __future__ import annotations

import hashlib
from typing import List, Sequence


def score(sender: str, server: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{server}\n{sender}".encode(), digest_size=8).digest(), "big")


def preferred_order(sender: str, servers: Sequence[str]) -> List[int]:
    """The servers' indexes, the conversation's first choice first."""
    return sorted(range(len(servers)), key=lambda index: score(sender, servers[index]), reverse=True)
