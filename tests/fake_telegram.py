"""A local HTTP server that speaks the part of the Telegram Bot API the gateway uses.

The real gateway (python-telegram-bot, `base_url` pointed here) polls it for
updates the test queues, and every call it makes is recorded for the test to
check. It can also answer 429 Too Many Requests, as Telegram does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Helpline", "username": "helpline_test_bot"}


@dataclass
class Call:
    method: str
    params: Dict[str, Any]
    at: float


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


class LoopbackServer:
    """An aiohttp app on a free loopback port, served from a thread with its own event loop."""

    def __init__(self) -> None:
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()

    def app(self) -> web.Application:
        raise NotImplementedError

    def start(self) -> Any:
        threading.Thread(target=self._serve, daemon=True).start()
        self._ready.wait(10)
        return self

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        runner = web.AppRunner(self.app(), access_log=None)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)


class FakeTelegram(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.calls: List[Call] = []
        self.updates: List[Dict[str, Any]] = []
        self.too_many: Dict[str, int] = {}  # method -> retry_after for its next call
        self._ids = itertools.count(10_000)
        self._update_ids = itertools.count(1)
        self._lock = threading.Lock()

    # --- the server --------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = {k: _decode(v) for k, v in (await request.post()).items()}
        with self._lock:
            retry_after = self.too_many.pop(method, None)
            self.calls.append(Call(method, params, time.monotonic()))
        if retry_after is not None:
            body = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }
            return web.json_response(body, status=429)
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._updates(params)})
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _updates(self, params: Dict[str, Any]) -> List[Dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.5)
        while True:
            with self._lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                pending = list(self.updates)
            if pending or time.monotonic() >= deadline:
                return pending
            await asyncio.sleep(0.05)

    def _message(self, chat_id: Any, **content: Any) -> Dict[str, Any]:
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": "private"},
            "from": BOT_USER,
            **content,
        }

    def _result(self, method: str, params: Dict[str, Any]) -> Any:
        if method == "getMe":
            return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False}
        if method == "sendMessage":
            return self._message(params["chat_id"], text=str(params.get("text", "")))
        if method == "sendContact":
            contact = {"phone_number": str(params["phone_number"]), "first_name": params["first_name"]}
            return self._message(params["chat_id"], contact=contact)
        return True  # setWebhook, deleteWebhook, setMyCommands, sendChatAction, deleteMessages, ...

    # --- what the test does ------------------------------------------------------------------------
    def push(self, update: Dict[str, Any]) -> Dict[str, Any]:
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self.updates.append(update)
        return update

    def new_message_id(self) -> int:
        return next(self._ids)

    def calls_to(self, method: str, chat_id: Optional[int] = None) -> List[Call]:
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method == method and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
            ]

    def wait_for(
        self,
        method: str,
        chat_id: Optional[int] = None,
        count: int = 1,
        where: Callable[[Call], bool] = lambda c: True,
        timeout: float = 30,
    ) -> List[Call]:
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_to(method, chat_id) if where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} to {chat_id}: {len(found)} call(s), wanted {count}")
            time.sleep(0.05)


def user(chat_id: int, language_code: str = "lo") -> Dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": language_code}


def message_update(
    fake: FakeTelegram, chat_id: int, language_code: str = "lo", chat_type: str = "private", **content: Any
) -> Dict[str, Any]:
    chat = (
        {"id": chat_id, "type": chat_type, "first_name": "Test"}
        if chat_type == "private"
        else {
            "id": chat_id,
            "type": chat_type,
            "title": "Village group",
        }
    )
    message = {
        "message_id": fake.new_message_id(),
        "date": int(time.time()),
        "chat": chat,
        "from": user(abs(chat_id), language_code),
        **content,
    }
    return {"message": message}


def text_update(
    fake: FakeTelegram, chat_id: int, text: str, language_code: str = "lo", **kw: Any
) -> Dict[str, Any]:
    content: Dict[str, Any] = {"text": text}
    if text.startswith("/"):
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return message_update(fake, chat_id, language_code, **kw, **content)


def button_update(fake: FakeTelegram, chat_id: int, message_id: int, payload: str) -> Dict[str, Any]:
    return {
        "callback_query": {
            "id": f"cq{fake.new_message_id()}",
            "from": user(chat_id),
            "chat_instance": "ci",
            "data": payload,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": "…",
            },
        }
    }


class SwitchableRasa(LoopbackServer):
    """A proxy in front of the real Rasa server that the test can make refuse (503), hang, or pass."""

    def __init__(self, rasa_url: str) -> None:
        super().__init__()
        self.rasa_url = rasa_url
        self.mode = "up"  # "up", "error" or "slow"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> web.Application:
        import aiohttp

        async def forward(request: web.Request) -> web.Response:
            if self.mode == "error":
                return web.Response(status=503, text="unavailable")
            if self.mode == "slow":
                await asyncio.sleep(30)
            async with aiohttp.ClientSession() as session:
                async with session.post(
                    self.rasa_url + request.path,
                    data=await request.read(),
                    headers={"Content-Type": "application/json"},
                ) as response:
                    return web.Response(
                        status=response.status, body=await response.read(), content_type="application/json"
                    )

        app = web.Application()
        app.router.add_post("/{path:.*}", forward)
        return app
