"""Which language to answer in, and when to offer her the choice.

Her explicit choice (the `language` slot, set by `set_language` or a button) sticks until she
changes it; otherwise the reply follows the language of her latest message whose words made it
clear (a button press, an emoji or "ok" do not); otherwise the hint the front end sent (Telegram's
language_code); otherwise Lao. Lao written in Latin or Thai letters is answered in Lao script,
with a button to change language; a message whose language is unclear gets the three choices.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional

from bot.vocabulary import (
    DETECTED_LANGUAGE,
    LANGUAGE_HINT_KEY,
    LANGUAGE_SURE,
    LANGUAGES,
    LAO,
    WRITTEN_AS,
)

DEFAULT_LANGUAGE = LAO
# Written in letters that are not the language's own: she may read another language better.
BORROWED_SCRIPTS = ("latin_lao", "lao_in_thai", "latin_thai")
SWITCH_BUTTON = {"title": "ພາສາ · ภาษา · Language", "payload": "/set_language"}
CHOICE_BUTTONS = [
    {"title": "ພາສາລາວ", "payload": '/set_language{"language": "lo"}'},
    {"title": "ภาษาไทย", "payload": '/set_language{"language": "th"}'},
    {"title": "English", "payload": '/set_language{"language": "en"}'},
]
LANGUAGE_PAYLOAD = "/set_language"


def _known(value: Any) -> Optional[str]:
    return value if value in LANGUAGES else None


def _parse(message: Mapping[str, Any]) -> Mapping[str, Any]:
    return message.get("parse_data") or {}


def reply_language(chosen: Any, user_messages_newest_first: Iterable[Mapping[str, Any]]) -> str:
    """`user_messages_newest_first` are pairs of parse data and metadata, as dicts
    with the keys `parse_data` and `metadata`."""
    if _known(chosen):
        return chosen
    hint = None
    for message in user_messages_newest_first:
        parse = _parse(message)
        detected = _known(parse.get(DETECTED_LANGUAGE))
        if detected and parse.get(LANGUAGE_SURE, True):
            return detected
        hint = hint or _known((message.get("metadata") or {}).get(LANGUAGE_HINT_KEY))
    return hint or DEFAULT_LANGUAGE


def language_offer(
    chosen: Any, user_messages_newest_first: Iterable[Mapping[str, Any]]
) -> List[Dict[str, str]]:
    """The language buttons her latest message calls for: the three choices when its language was
    unclear, a switch the first time she writes Lao in borrowed letters, none once she chose."""
    if _known(chosen):
        return []
    messages = iter(user_messages_newest_first)
    latest = _parse(next(messages, {}))
    if _known(latest.get(DETECTED_LANGUAGE)) and not latest.get(LANGUAGE_SURE, True):
        return [dict(b) for b in CHOICE_BUTTONS]
    form = latest.get(WRITTEN_AS)
    if form in BORROWED_SCRIPTS and not any(_parse(m).get(WRITTEN_AS) == form for m in messages):
        return [dict(SWITCH_BUTTON)]
    return []


def is_language_button(button: Mapping[str, Any]) -> bool:
    return str(button.get("payload", "")).startswith(LANGUAGE_PAYLOAD)
