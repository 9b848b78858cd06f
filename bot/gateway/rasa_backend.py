"""The gateway's connection to the Rasa servers' REST channel, with a short deadline.

She must get an answer within seconds even when Rasa is down, slow or failing: every problem becomes
BackendError, and the gateway answers with the help numbers itself.

With several Rasa servers (RASA_URL lists them; they share conversations through Redis), each
conversation goes to one of them, chosen by rendezvous hashing of the sender (bot/gateway/routing.py).
The gateway checks every second which servers answer: while a server is down its conversations go to
their next choice, and they come back when it is up. A message whose server fails to take it
(connection refused or cut, as when the server is killed) is sent once more, to the next server; a
message that timed out is not (she gets the numbers).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Union
from urllib.parse import urlparse

import httpx

from bot.gateway.routing import preferred_order
from bot.rest_client import REST_WEBHOOK

logger = logging.getLogger(__name__)
HEALTH_PATH = "/webhooks/rest/"  # answers as soon as the model is loaded
REPORT_PATH = "/webhooks/health/"  # the server's view of its parts (bot/runtime/health.py)
CHECK_EVERY_SECONDS = 1.0
# The server did not take the message: another one may. (A time-out is not one of them: it may be busy.)
NOT_TAKEN = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError)


class BackendError(Exception):
    """Rasa did not answer in time, or answered with an error."""

    def __init__(self, reason: str, not_taken: bool = False) -> None:
        super().__init__(reason)
        self.not_taken = not_taken


def without_credentials(url: str) -> str:
    """A server's address as the health report may show it."""
    parts = urlparse(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}"


@dataclass
class _Server:
    url: str
    client: httpx.AsyncClient
    up: bool = True
    answered: int = 0  # messages it answered since the gateway started: for the health report


class RasaBackend:
    def __init__(self, rasa_urls: Union[str, Sequence[str]], timeout: float = 6.0) -> None:
        urls = [rasa_urls] if isinstance(rasa_urls, str) else list(rasa_urls)
        if not urls:
            raise ValueError("no Rasa server to talk to")
        self._servers = [_Server(url, httpx.AsyncClient(base_url=url, timeout=timeout)) for url in urls]
        self._urls = [server.url for server in self._servers]
        self._checker: Optional[asyncio.Task] = None

    @property
    def several(self) -> bool:
        return len(self._servers) > 1

    def _watch(self) -> None:
        """With several servers, check them in the background (started with the first message)."""
        if self.several and self._checker is None:
            self._checker = asyncio.get_running_loop().create_task(self._check_forever())

    async def _check_forever(self) -> None:
        while True:
            await asyncio.gather(*(self._check(server) for server in self._servers))
            await asyncio.sleep(CHECK_EVERY_SECONDS)

    async def _check(self, server: _Server) -> None:
        """Down when it refuses or cannot be reached; a slow answer is a busy server, not a dead one."""
        try:
            response = await server.client.get(HEALTH_PATH, timeout=2.0)
            self._mark(server, response.status_code == 200)
        except httpx.TimeoutException:
            pass
        except httpx.HTTPError:
            self._mark(server, False)

    def _mark(self, server: _Server, up: bool) -> None:
        if up != server.up:
            number, count = self._servers.index(server) + 1, len(self._servers)
            news = "up: its conversations go back to it" if up else "down: its conversations go to the others"
            logger.warning("Rasa server %d of %d is %s", number, count, news)
        server.up = up

    def _choices(self, sender: str) -> List[_Server]:
        """Her server first if it is up, then the next ones up, then those thought down (one may be back)."""
        ordered = [self._servers[index] for index in preferred_order(sender, self._urls)]
        return [server for server in ordered if server.up] + [server for server in ordered if not server.up]

    async def send(
        self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None
    ) -> List[Dict[str, Any]]:
        """To her server; to the next one only if a server did not take the message at all (refused,
        cut off): a message that timed out may be under way, and she gets the numbers instead."""
        self._watch()
        for server in self._choices(sender):
            try:
                replies = await self._send(server, sender, text, metadata)
            except BackendError as error:
                if error.not_taken and self.several:
                    self._mark(server, False)
                    number = self._servers.index(server) + 1
                    logger.info("Rasa server %d did not take a message (%s); trying the next", number, error)
                    continue
                raise
            self._mark(server, True)
            server.answered += 1
            return replies
        raise BackendError("no server took it", not_taken=True)

    @staticmethod
    async def _send(
        server: _Server, sender: str, text: str, metadata: Optional[Dict[str, Any]]
    ) -> List[Dict[str, Any]]:
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await server.client.post(REST_WEBHOOK, json=body)
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise BackendError(type(error).__name__, isinstance(error, NOT_TAKEN)) from None
        if not isinstance(replies, list):
            raise BackendError("unexpected reply")
        return replies

    async def report(self) -> List[Dict[str, Any]]:
        """Each server's parts as it sees them (bot/runtime/health.py), for the gateway's GET /health."""

        async def one(server: _Server) -> Dict[str, Any]:
            found: Dict[str, Any] = {"server": without_credentials(server.url), "answered": server.answered}
            try:
                response = await server.client.get(REPORT_PATH, timeout=4.0)
                response.raise_for_status()
                parts = response.json()
                found.update(up=True, **(parts if isinstance(parts, dict) else {}))
            except (httpx.HTTPError, ValueError):
                found["up"] = False
            return found

        return list(await asyncio.gather(*(one(server) for server in self._servers)))

    async def close(self) -> None:
        if self._checker is not None:
            self._checker.cancel()
        for server in self._servers:
            await server.client.aclose()
