"""A chat in the terminal through the same REST path as the other front ends.

Buttons are numbered; typing the number sends the button's payload.
"""

from __future__ import annotations

import secrets
from typing import Callable, Dict, List

from bot.gateway.texts import HELP_NUMBERS, say
from bot.rest_client import send_message
from bot.vocabulary import ENGLISH

Reply = Dict[str, object]
OFFLINE_HELP = say(HELP_NUMBERS, ENGLISH)


def render(replies: List[Reply]) -> tuple[str, List[str]]:
    """The text to print and the payloads the numbers stand for."""
    lines: List[str] = []
    payloads: List[str] = []
    for reply in replies:
        if reply.get("text"):
            lines.append(f"bot> {reply['text']}")
        for button in reply.get("buttons") or []:  # type: ignore[union-attr]
            payloads.append(str(button["payload"]))
            lines.append(f"  [{len(payloads)}] {button['title']}")
    return "\n".join(lines), payloads


def chat(rasa_url: str, read: Callable[[str], str] = input, write: Callable[[str], None] = print) -> None:
    sender = "terminal-" + secrets.token_hex(8)
    payloads: List[str] = []
    write("Type a message (Lao, Thai or English); a number picks a button; Ctrl-D quits.")
    while True:
        try:
            text = read("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if text.isdigit() and 0 < int(text) <= len(payloads):
            text = payloads[int(text) - 1]
        try:
            replies = send_message(rasa_url, sender, text)
        except OSError as error:
            write(f"(the assistant did not answer: {error})\n{OFFLINE_HELP}")
            continue
        shown, payloads = render(replies)
        write(shown or f"(the assistant had no answer)\n{OFFLINE_HELP}")
