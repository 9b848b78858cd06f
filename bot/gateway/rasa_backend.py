"""The gateway's connection to Rasa's REST channel, with a short deadline.

She must get an answer within seconds even when Rasa is down, slow or
failing: every problem becomes BackendError, and the gateway answers
with the help numbers itself.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import httpx

from bot.rest_client import REST_WEBHOOK


class BackendError(Exception):
    """Rasa did not answer in time, or answered with an error."""


class RasaBackend:
    def __init__(self, rasa_url: str, timeout: float = 6.0) -> None:
        self._client = httpx.AsyncClient(base_url=rasa_url, timeout=timeout)

    async def send(
        self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None
    ) -> List[Dict[str, Any]]:
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await self._client.post(REST_WEBHOOK, json=body)
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise BackendError(type(error).__name__) from None
        if not isinstance(replies, list):
            raise BackendError("unexpected reply")
        return replies

    async def close(self) -> None:
        await self._client.aclose()
