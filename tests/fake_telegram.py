"""A local HTTP server that speaks the part of the Telegram Bot API the gateway uses.

The real gateway (python-telegram-bot, `base_url` pointed here) polls it for
updates the test queues, and every call it makes is recorded for the test to
check. It can also answer 429 Too Many Requests, as Telegram does.

For the counsellors' desk it keeps what Telegram would: the messages of each chat (so that
copyMessage copies what was really sent, without its sender), forum topics (createForumTopic,
closeForumTopic, deleteForumTopic, posts with message_thread_id), a staff supergroup with its members
and the bot's rights (getChat with is_forum, getChatMember, getChatAdministrators), sendDocument, and
the errors Telegram gives when she blocked the bot (403) or the group cannot be reached (400).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from aiohttp import web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Helpline", "username": "helpline_test_bot"}
# What a message may carry that copyMessage copies (everything else, its sender first, stays behind).
COPIED = ("text", "entities", "caption", "caption_entities", "photo", "voice", "video", "video_note",
          "audio", "document", "sticker", "animation")  # fmt: skip
ADMIN_RIGHTS = ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
                "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
                "can_pin_messages", "can_manage_topics")  # fmt: skip


class ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass
class StaffGroup:
    """A supergroup as the counsellors' desk: whether it has topics, the bot's place and rights in it,
    and its members (user id -> status)."""

    chat_id: int
    is_forum: bool = True
    bot_status: str = "administrator"
    can_manage_topics: bool = True
    can_delete_messages: bool = True
    members: Optional[Dict[int, str]] = None


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
        self.groups: Dict[int, StaffGroup] = {}
        self.blocked: Set[int] = set()  # chats whose user blocked the bot: 403
        self.unreachable: Set[int] = set()  # chats that are gone, or never had the bot: 400
        self.messages: Dict[Tuple[int, int], Dict[str, Any]] = {}  # (chat, message id) -> the message
        self.topics: Dict[Tuple[int, int], Dict[str, Any]] = {}  # (chat, thread) -> name, closed, deleted
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
            params = {}
            for k, v in (await request.post()).items():
                if isinstance(v, web.FileField):
                    params[k] = {"filename": v.filename, "content": v.file.read()}
                else:
                    params[k] = _decode(v)
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
        try:
            with self._lock:
                result = self._result(method, params)
        except ApiError as error:
            body = {"ok": False, "error_code": error.status, "description": error.description}
            return web.json_response(body, status=error.status)
        return web.json_response({"ok": True, "result": result})

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

    def _chat(self, chat_id: int) -> Dict[str, Any]:
        group = self.groups.get(chat_id)
        if group is None:
            return {"id": chat_id, "type": "private", "first_name": "Test"} if chat_id > 0 else {
                "id": chat_id, "type": "group", "title": "Village group"}  # fmt: skip
        return {"id": chat_id, "type": "supergroup", "title": "Counsellors", "is_forum": group.is_forum}

    def _message(self, chat_id: Any, thread_id: Any = None, **content: Any) -> Dict[str, Any]:
        """A message the bot sent, kept as Telegram keeps it (for copyMessage, and for the test)."""
        chat = int(chat_id)
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self._chat(chat),
            "from": BOT_USER,
            **content,
        }
        if thread_id:
            message.update(message_thread_id=int(thread_id), is_topic_message=True)
        self.messages[(chat, message["message_id"])] = message
        return message

    def _check_chat(self, method: str, params: Dict[str, Any]) -> None:
        """The errors Telegram gives: a chat that cannot be reached, a user who blocked the bot, a
        deleted topic."""
        if "chat_id" not in params or method in ("getUpdates", "setMyCommands"):
            return
        chat = int(params["chat_id"])
        if chat in self.unreachable:
            raise ApiError(400, "Bad Request: chat not found")
        if chat in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        thread = params.get("message_thread_id")
        if thread and self.topics.get((chat, int(thread)), {}).get("deleted"):
            raise ApiError(400, "Bad Request: message thread not found")

    def _member(self, chat_id: int, user_id: int) -> Dict[str, Any]:
        group = self.groups.get(chat_id)
        if group is None:
            raise ApiError(400, "Bad Request: chat not found")
        if user_id == BOT_USER["id"]:
            if group.bot_status != "administrator":
                return {"status": group.bot_status, "user": BOT_USER}
            rights = {right: False for right in ADMIN_RIGHTS}
            rights.update(can_manage_chat=True, can_manage_topics=group.can_manage_topics)
            rights.update(can_delete_messages=group.can_delete_messages)
            return {"status": "administrator", "user": BOT_USER, **rights}
        status = (group.members or {}).get(user_id, "left")
        member = {"status": status, "user": {"id": user_id, "is_bot": False, "first_name": "Staff"}}
        if status == "creator":
            member["is_anonymous"] = False
        return member

    def _result(self, method: str, params: Dict[str, Any]) -> Any:
        self._check_chat(method, params)
        if method == "getMe":
            return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False}
        if method == "sendMessage":
            text = str(params.get("text", ""))
            return self._message(params["chat_id"], params.get("message_thread_id"), text=text)
        if method == "sendContact":
            contact = {"phone_number": str(params["phone_number"]), "first_name": params["first_name"]}
            return self._message(params["chat_id"], contact=contact)
        if method == "sendDocument":
            document = params.get("document") or {}
            file = {"file_id": f"f{next(self._ids)}", "file_unique_id": "u"}
            file["file_name"] = document.get("filename")
            return self._message(params["chat_id"], params.get("message_thread_id"), document=file,
                                 caption=params.get("caption"))  # fmt: skip
        if method in ("copyMessage", "forwardMessage"):
            return self._copy(method, params)
        if method == "getChat":
            chat = self._chat(int(params["chat_id"]))
            if int(params["chat_id"]) < 0 and int(params["chat_id"]) not in self.groups:
                raise ApiError(400, "Bad Request: chat not found")
            gifts = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                     "premium_subscription": False}  # fmt: skip
            return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}
        if method == "getChatMember":
            return self._member(int(params["chat_id"]), int(params["user_id"]))
        if method == "getChatAdministrators":
            group = self.groups.get(int(params["chat_id"]))
            if group is None:
                raise ApiError(400, "Bad Request: chat not found")
            admins = [u for u, s in (group.members or {}).items() if s in ("creator", "administrator")]
            if group.bot_status == "administrator":
                admins.append(BOT_USER["id"])
            return [self._member(group.chat_id, u) for u in admins]
        if method in ("createForumTopic", "closeForumTopic", "deleteForumTopic", "reopenForumTopic"):
            return self._topic(method, params)
        return True  # setWebhook, deleteWebhook, setMyCommands, sendChatAction, deleteMessages, ...

    def _topic(self, method: str, params: Dict[str, Any]) -> Any:
        chat = int(params["chat_id"])
        group = self.groups.get(chat)
        if group is None or not group.is_forum:
            raise ApiError(400, "Bad Request: the chat is not a forum")
        if group.bot_status != "administrator" or not group.can_manage_topics:
            raise ApiError(400, "Bad Request: not enough rights to manage topics")
        if method == "createForumTopic":
            thread = next(self._ids)
            self.topics[(chat, thread)] = {"name": params["name"], "closed": False, "deleted": False}
            return {"message_thread_id": thread, "name": params["name"], "icon_color": 7322096}
        topic = self.topics.get((chat, int(params["message_thread_id"])))
        if topic is None or topic["deleted"]:
            raise ApiError(400, "Bad Request: message thread not found")
        if method == "deleteForumTopic":
            if not group.can_delete_messages:
                raise ApiError(400, "Bad Request: not enough rights to delete a topic")
            topic["deleted"] = True
            thread = int(params["message_thread_id"])
            in_topic = [k for k, m in self.messages.items() if m.get("message_thread_id") == thread]
            for key in [k for k in in_topic if k[0] == chat]:
                del self.messages[key]
        else:
            topic["closed"] = method == "closeForumTopic"
        return True

    def _copy(self, method: str, params: Dict[str, Any]) -> Any:
        """copyMessage: the content only, sent by the bot; forwardMessage: "forwarded from" its sender."""
        source = self.messages.get((int(params["from_chat_id"]), int(params["message_id"])))
        if source is None:
            what = "copy" if method == "copyMessage" else "forward"
            raise ApiError(400, f"Bad Request: message to {what} not found")
        content = {k: v for k, v in source.items() if k in COPIED}
        if method == "forwardMessage":
            origin = {"type": "user", "sender_user": source.get("from"), "date": source["date"]}
            content["forward_origin"] = origin
        copy = self._message(params["chat_id"], params.get("message_thread_id"), **content)
        return {"message_id": copy["message_id"]} if method == "copyMessage" else copy

    # --- what the test does ------------------------------------------------------------------------
    def push(self, update: Dict[str, Any]) -> Dict[str, Any]:
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            self.updates.append(update)
            message = update.get("message")
            if message:  # Telegram keeps it: the bot may copy it
                self.messages[(int(message["chat"]["id"]), int(message["message_id"]))] = message
        return update

    def staff_group(self, chat_id: int, **options: Any) -> StaffGroup:
        group = StaffGroup(chat_id, **options)
        with self._lock:
            self.groups[chat_id] = group
        return group

    def messages_in(self, chat_id: int, thread_id: Optional[int] = None) -> List[Dict[str, Any]]:
        """What the chat (or one topic of it) holds now, in order."""
        with self._lock:
            found = [m for (c, _), m in self.messages.items() if c == chat_id]
        if thread_id is not None:
            found = [m for m in found if m.get("message_thread_id") == thread_id]
        return sorted(found, key=lambda m: m["message_id"])

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
