"""A Rasa server's view of its parts, for the gateway's GET /health (credentials.yml names it).

GET /webhooks/health/ on a Rasa server answers whether its model is loaded, whether the action server
it calls answers, whether the statistics database takes writes and, with REDIS_URL, whether Redis
answers. Only yes/no and counts: no address, no password, nothing of any conversation.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict, Optional
from urllib.parse import urlparse

import aiohttp
import sqlalchemy as sa
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

CHECK_SECONDS = 1.5


def _inner(store: Any) -> Any:
    """Rasa wraps the conversation store in a fail-safe one."""
    return getattr(store, "_tracker_store", store)


async def _action_server(agent: Any) -> Optional[bool]:
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is None or not endpoint.url:
        return None
    address = urlparse(endpoint.url)
    url = f"{address.scheme}://{address.netloc}/health"
    try:
        timeout = aiohttp.ClientTimeout(total=CHECK_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as answer:
            return answer.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return False


def _database(broker: Any) -> Optional[bool]:
    store = getattr(broker, "store", None)
    if store is None:
        return None
    # SQLite answers SELECT 1 without reading the file; its schema table needs the file readable.
    probe = "SELECT count(*) FROM sqlite_master" if store.engine.dialect.name == "sqlite" else "SELECT 1"
    try:
        with store.engine.connect() as connection:
            connection.execute(sa.text(probe))
        return True
    except Exception:
        return False


async def report(agent: Any) -> Dict[str, Any]:
    conversations = _inner(getattr(agent, "tracker_store", None))
    broker = getattr(conversations, "event_broker", None)
    loop = asyncio.get_running_loop()
    try:
        database = await asyncio.wait_for(loop.run_in_executor(None, _database, broker), CHECK_SECONDS)
    except asyncio.TimeoutError:
        database = False
    healthy = getattr(conversations, "healthy", None)
    redis = await loop.run_in_executor(None, healthy) if healthy is not None else None
    statistics: Dict[str, Any] = {"database": database}
    if broker is not None and hasattr(broker, "healthy"):
        statistics.update(broker.healthy())
    found: Dict[str, Any] = {
        "model": bool(agent is not None and agent.is_ready()),
        "action_server": await _action_server(agent),
        "statistics": statistics,
    }
    if redis is not None:
        found["redis"] = redis
    return found


class HealthInput(InputChannel):
    """Not a channel she talks through: only the health report, under /webhooks/health/."""

    @classmethod
    def name(cls) -> str:
        return "health"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint("helpline_health", __name__)

        @health.route("/", methods=["GET"])
        async def check(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            return response.json(await report(agent))

        return health
