"""The demo chat page: one HTML file with its style, script and data inline, so that a phone on a
slow hotspot loads it in one request (about 20 kB compressed), and nothing comes from outside."""

from __future__ import annotations

import json
from functools import cache
from html import escape
from pathlib import Path
from typing import Any, Dict, Sequence

from bot.contacts.directory import Contact
from bot.gateway import texts
from bot.gateway.web.page_text import PAGE, page_texts
from bot.gateway.web.scenarios import Scenario
from bot.vocabulary import LANGUAGES

STATIC = Path(__file__).resolve().parent / "static"
LANGUAGE_BUTTONS = {"lo": "ລາວ", "th": "ไทย", "en": "EN"}


@cache
def _asset(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def page_data(language: str, contacts: Sequence[Contact], scenarios: Sequence[Scenario]) -> Dict[str, Any]:
    numbers = {c.number: c.dial for c in contacts}
    return {
        "language": language,
        "texts": {lang: page_texts(PAGE, lang) for lang in LANGUAGES},
        "help": {lang: texts.say(texts.HELP_NUMBERS, lang) for lang in LANGUAGES},
        "numbers": [{"number": number, "dial": dial} for number, dial in numbers.items()],
        "scenarios": [s.for_page() for s in scenarios],
    }


def render_chat_page(language: str, contacts: Sequence[Contact], scenarios: Sequence[Scenario]) -> str:
    words = page_texts(PAGE, language)
    # "</" would end the script element early; JSON allows "<\/" for it.
    data = json.dumps(page_data(language, contacts, scenarios), ensure_ascii=False).replace("</", "<\\/")
    languages = "".join(
        f'<button type="button" data-lang="{code}">{label}</button>'
        for code, label in LANGUAGE_BUTTONS.items()
    )
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(words['title'])}</title><style>{_asset('chat.css')}</style></head><body>"
        '<header><h1 data-t="title"></h1>'
        f'<span class="demo" data-t="demo" title="{escape(words["demo_note"])}"></span>'
        f"<nav aria-label=\"{escape(words['language'])}\">{languages}</nav></header>"
        '<p id="offline" role="alert" hidden></p><main id="log" aria-live="polite"></main>'
        '<section id="scenario" hidden></section>'
        '<p id="wifi-note" data-t="wifi_note"></p>'
        '<form id="composer"><input id="text" autocomplete="off" maxlength="2000" enterkeyhint="send">'
        '<button id="send" data-t="send"></button></form>'
        '<footer><button type="button" id="open-scenarios" data-t="scenarios"></button>'
        '<button type="button" id="clear" data-t="clear"></button>'
        '<a id="poster-link" href="/poster" data-t="poster"></a><span data-t="demo_note"></span></footer>'
        f'<script id="data" type="application/json">{data}</script><script>{_asset("chat.js")}</script>'
        "</body></html>"
    )
