"""Rasa's replies as Telegram messages: escaped text in pieces under the limit,
buttons as an inline keyboard, contact payloads as contact cards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot.gateway.texts import escape
from bot.language import is_language_button

TELEGRAM_TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for a button's data


@dataclass
class Outgoing:
    text: Optional[str] = None  # already escaped for HTML
    buttons: List[Dict[str, str]] = field(default_factory=list)
    contact: Optional[Dict[str, str]] = None


def split_text(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> List[str]:
    """Pieces under the limit, cut at paragraph, then line, then word boundaries."""
    pieces: List[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        entity = window.rfind("&", max(cut - 9, 0), cut)
        if cut == limit and entity > 0 and ";" not in window[entity:cut]:
            cut = entity  # never between the halves of an escaped character such as &lt;
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def usable_buttons(buttons: Any) -> List[Dict[str, str]]:
    usable = []
    for button in buttons or []:
        title, payload = str(button.get("title") or ""), str(button.get("payload") or "")
        if title and payload and len(payload.encode()) <= CALLBACK_DATA_LIMIT:
            usable.append({"title": title, "payload": payload})
    return usable


def contact_card(reply: Dict[str, Any]) -> Optional[Dict[str, str]]:
    """The hand-off's contact payload ({"custom": {"contact": ...}}), when it is complete."""
    custom = reply.get("custom")
    contact = custom.get("contact") if isinstance(custom, dict) else None
    if isinstance(contact, dict) and contact.get("phone_number") and contact.get("first_name"):
        return {"phone_number": str(contact["phone_number"]), "first_name": str(contact["first_name"])}
    return None


def language_buttons_last(replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The NLG offers the language buttons with every response of a turn; she needs them once, under
    the last message that has any."""
    holders = [i for i, r in enumerate(replies) if any(is_language_button(b) for b in r.get("buttons") or [])]
    if len(holders) < 2:
        return replies
    trimmed = [dict(r) for r in replies]
    for i in holders[:-1]:
        trimmed[i]["buttons"] = [b for b in trimmed[i]["buttons"] if not is_language_button(b)]
    return trimmed


def to_outgoing(replies: List[Dict[str, Any]]) -> List[Outgoing]:
    messages: List[Outgoing] = []
    for reply in language_buttons_last(replies):
        text = reply.get("text")
        if isinstance(text, str) and text.strip():
            # escape first, then split: an entity like &amp; is never cut in half at a word boundary
            pieces = split_text(escape(text))
            messages += [Outgoing(text=piece) for piece in pieces]
            messages[-1].buttons = usable_buttons(reply.get("buttons"))
        contact = contact_card(reply)
        if contact:
            # Telegram's limit for a contact's first name
            messages.append(Outgoing(contact={**contact, "first_name": contact["first_name"][:64]}))
    return messages
