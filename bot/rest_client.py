"""Talking to the Rasa server through its REST channel, as every front end does."""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Dict, List, Optional

REST_WEBHOOK = "/webhooks/rest/webhook"


def send_message(
    rasa_url: str,
    sender: str,
    text: str,
    metadata: Optional[Dict[str, Any]] = None,
    timeout: float = 30,
) -> List[Dict[str, Any]]:
    """Her message in, the assistant's replies out (each with `text`, maybe `buttons`, `custom`)."""
    body = json.dumps({"sender": sender, "message": text, "metadata": metadata or {}}).encode()
    request = urllib.request.Request(
        rasa_url + REST_WEBHOOK, data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))
