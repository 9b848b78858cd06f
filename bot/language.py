"""Which language to answer in.

Her explicit choice (the `language` slot, set by `set_language` or a button)
sticks until she changes it; otherwise the reply follows the script of her latest
message that had letters in it (a button press or an emoji has none); otherwise
the hint the front end sent (Telegram's language_code); otherwise Lao.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from bot.nlu.scripts import DETECTED_LANGUAGE, LANGUAGES, LAO

DEFAULT_LANGUAGE = LAO
LANGUAGE_SLOT = "language"
LANGUAGE_HINT = "language_hint"


def _known(value: Any) -> Optional[str]:
    return value if value in LANGUAGES else None


def reply_language(chosen: Any, user_messages_newest_first: Iterable[Mapping[str, Any]]) -> str:
    """`user_messages_newest_first` are pairs of parse data and metadata, as dicts
    with the keys `parse_data` and `metadata`."""
    if _known(chosen):
        return chosen
    hint = None
    for message in user_messages_newest_first:
        detected = _known((message.get("parse_data") or {}).get(DETECTED_LANGUAGE))
        if detected:
            return detected
        hint = hint or _known((message.get("metadata") or {}).get(LANGUAGE_HINT))
    return hint or DEFAULT_LANGUAGE
