"""The demo page's routes on the gateway's web server: the page, its one API call, the poster.

Every message from the page is marked demo (channel web), so the statistics never count a
village meeting as demand. The page's session id is hashed like a Telegram chat id, and nothing
of a message is logged. Where Telegram would offer a person, the page offers a simulated counsellor
(bot/gateway/counsellors/demo.py): nothing of it reaches the staff group.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Dict, List, Optional, Sequence

from aiohttp import web

from bot.contacts.directory import Contact
from bot.gateway import texts
from bot.gateway.counsellors.demo import DemoCounsellor
from bot.gateway.counsellors.offers import PAYLOADS as PERSON_PAYLOADS
from bot.gateway.counsellors.offers import split_offers
from bot.gateway.counsellors.statistics import CaseStatistics
from bot.gateway.identity import web_sender
from bot.gateway.memory import ChatMemory
from bot.gateway.payloads import ERASE_PAYLOAD, as_her_words
from bot.gateway.rasa_backend import BackendError, RasaBackend
from bot.gateway.replies import contact_card, language_buttons_last, usable_buttons
from bot.gateway.web.chat_page import render_chat_page
from bot.gateway.web.poster import render_poster
from bot.gateway.web.scenarios import Scenario
from bot.settings import Settings
from bot.text.language_id import detect_language
from bot.vocabulary import LANGUAGES, LAO

logger = logging.getLogger(__name__)
MAX_TEXT = 2000
SESSION = re.compile(r"[A-Za-z0-9_-]{8,64}")


def _language(request: web.Request, given: Any = None) -> str:
    if given in LANGUAGES:
        return str(given)
    asked = request.query.get("lang")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGUAGES:
            return code
    return LAO


def _for_page(replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Rasa's replies in the page's shape: text, buttons, or a contact card."""
    shaped: List[Dict[str, Any]] = []
    for reply in language_buttons_last(replies):
        item: Dict[str, Any] = {}
        if isinstance(reply.get("text"), str) and reply["text"].strip():
            item["text"] = reply["text"]
            item["buttons"] = usable_buttons(reply.get("buttons"))
        contact = contact_card(reply)
        if contact:
            item["contact"] = contact
        if item:
            shaped.append(item)
    return shaped


def add_web_routes(
    app: web.Application,
    backend: RasaBackend,
    key: bytes,
    contacts: Sequence[Contact],
    scenarios: Sequence[Scenario],
    bot_name: Callable[[], Optional[str]],
    statistics: Optional[CaseStatistics] = None,
) -> None:
    pages = {lang: render_chat_page(lang, contacts, scenarios) for lang in LANGUAGES}
    # A demo session is forgotten as soon as its conversation would be.
    idle = Settings().conversation_idle_seconds
    flood = ChatMemory(burst=8, refill_per_second=1.0, forget_after=idle)
    counsellor = DemoCounsellor(statistics, forget_after=idle)

    def html(text: str) -> web.Response:
        response = web.Response(text=text, content_type="text/html", charset="utf-8")
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.enable_compression()
        return response

    async def chat_page(request: web.Request) -> web.Response:
        return html(pages[_language(request)])

    async def poster(request: web.Request) -> web.Response:
        return html(render_poster(_language(request), contacts, bot_name()))

    async def message(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not SESSION.fullmatch(str(body.get("session", ""))):
            return web.json_response({"error": "bad request"}, status=400)
        language = _language(request, body.get("language"))
        raw = str(body.get("text") or "").strip()[:MAX_TEXT]
        text = raw if raw in PERSON_PAYLOADS else as_her_words(raw)  # the hand-off's buttons: the page's own
        sender = web_sender(key, str(body["session"]))
        if not flood.allow(flood.get(sender)):
            return web.json_response({"replies": [{"text": texts.say(texts.SLOW_DOWN, language)}]})
        if not text:
            return web.json_response(
                {"replies": [{"text": texts.with_numbers(texts.EMPTY_MESSAGE, language)}]}
            )
        simulated: List[Dict[str, Any]] = []
        if counsellor.handles(sender, text):
            simulated = counsellor.answer(sender, language, text)
            if not counsellor.in_danger(text):  # with the simulated person, danger still gets the numbers
                return web.json_response({"replies": simulated, "offline": False})
        metadata = {"channel": "web", "demo": True, "language_hint": language}
        try:
            raw, offers = split_offers(await backend.send(sender, text, metadata))
            replies = _for_page(raw)
            if replies:
                replies += counsellor.offer(sender, language, offers) + simulated
        except BackendError as error:
            logger.warning("the assistant did not answer the demo page (%s); sending the help numbers", error)
            replies = []
        if not replies:  # down, failing, or an action that crashed: the numbers, and the page says so
            spoken = detect_language(text) if not text.startswith("/") else None
            fallback = texts.with_numbers(texts.BACKEND_DOWN, spoken or language)
            return web.json_response({"replies": [{"text": fallback}], "offline": True})
        return web.json_response({"replies": replies, "offline": False})

    async def clear(request: web.Request) -> web.Response:
        """The page's "clear": the assistant forgets this conversation (as /erase does on Telegram)."""
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not SESSION.fullmatch(str(body.get("session", ""))):
            return web.json_response({"error": "bad request"}, status=400)
        sender = web_sender(key, str(body["session"]))
        flood.forget(sender)
        counsellor.forget(sender)
        try:
            await backend.send(sender, ERASE_PAYLOAD, {"channel": "web", "demo": True})
        except BackendError as error:
            logger.warning("the assistant could not forget a demo conversation now (%s)", error)
            return web.json_response({"cleared": False})
        return web.json_response({"cleared": True})

    app.router.add_get("/", chat_page)
    app.router.add_get("/poster", poster)
    app.router.add_post("/api/message", message)
    app.router.add_post("/api/clear", clear)
