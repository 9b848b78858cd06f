"""Who Rasa thinks it is talking to: a keyed hash of the chat id, never the id.

The key comes from HELPLINE_SENDER_KEY or, on first run, is generated into
var/sender.key (readable by the owner only). Without the key nobody can tell
which chat a conversation came from; rotating it cuts every link.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Optional

from bot.settings import VAR_DIR

KEY_FILE = VAR_DIR / "sender.key"


def load_or_create_key(configured: Optional[str] = None, path: Path = KEY_FILE) -> bytes:
    """HELPLINE_SENDER_KEY when set (`configured`), else the key file, made on first use."""
    if configured:
        return configured.encode()
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def sender_id(key: bytes, chat_id: int) -> str:
    return "tg-" + hmac.new(key, str(chat_id).encode(), hashlib.sha256).hexdigest()[:32]


def web_sender(key: bytes, session: str) -> str:
    """The demo page's random session id, hashed the same way: Rasa never sees what the browser sent."""
    return "web-" + hmac.new(key, f"web:{session}".encode(), hashlib.sha256).hexdigest()[:32]
