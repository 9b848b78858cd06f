"""The gateway's own words (everything Rasa does not say), translated from the catalogs."""

from __future__ import annotations

import html

from bot.contacts.directory import fill_numbers
from bot.i18n.catalogs import translate
from bot.i18n.markers import N_

HELP_NUMBERS = N_(
    "If you are in danger: Laos: police {number.laos_police_1191}, Lao Women's Union {number.laos_lwu_1362}, "
    "youth line {number.laos_youth_1554}. Thailand: police {number.thailand_police_191}, help line "
    "{number.thailand_osc_1300}."
)
BACKEND_DOWN = N_("Sorry, the assistant is not working right now. Please try again in a few minutes.")
TEXT_ONLY = N_("I can only read text messages. Please write to me.")
GROUP_ONLY_PRIVATE = N_("I only work in private chats. Please write to me directly.")
EMPTY_MESSAGE = N_("Please write your question in a few words.")
SLOW_DOWN = N_("Please wait a moment before you write again.")
ERASED = N_(
    "Done: I deleted the messages I could. To remove this chat, press and hold it in your chat list and "
    "choose Delete; to hide it, choose Archive."
)
HELP = N_(
    "I am an automatic helper about safe work abroad and human trafficking.\n"
    "/hotline: help numbers\n/language: change language\n"
    "/erase: delete this chat's messages from the last 48 hours. Older messages, and notifications "
    "already shown on your screen, cannot be deleted by me."
)
COMMANDS = {
    "start": N_("Start"),
    "help": N_("How this works"),
    "language": N_("Change language"),
    "hotline": N_("Help numbers"),
    "erase": N_("Delete this chat"),
}


def say(text: str, language: str) -> str:
    """A line in her language, its help numbers filled from data/contacts.yml."""
    return fill_numbers(translate(text, language))


def with_numbers(text: str, language: str) -> str:
    return f"{say(text, language)}\n{say(HELP_NUMBERS, language)}"


def escape(text: str) -> str:
    """Text for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)
