"""The demo page's and the poster's own words, marked for the gettext catalogs."""

from __future__ import annotations

from typing import Dict

from bot.i18n.catalogs import translate
from bot.i18n.markers import N_

PAGE: Dict[str, str] = {
    "title": N_("Safe work abroad: ask the assistant"),
    "demo": N_("demo"),
    "demo_note": N_("Demo for village meetings. These chats are not counted as real requests."),
    "placeholder": N_("Write a message"),
    "send": N_("Send"),
    "call": N_("Call"),
    "offline": N_("The assistant cannot be reached right now. You can still call these numbers:"),
    "typing": N_("The assistant is writing…"),
    "scenarios": N_("Stories to try"),
    "next_step": N_("She would write:"),
    "scenario_done": N_("End of the story. Ask the audience what they would do."),
    "close": N_("Close"),
    "poster": N_("Poster to print"),
    "language": N_("Language"),
    "clear": N_("Clear this chat"),
    "wifi_note": N_(
        "Anyone on this Wi-Fi could read what is typed here: please do not type a real story or real names."
    ),
}

POSTER: Dict[str, str] = {
    "headline": N_("Going to work abroad? Ask first."),
    "scan": N_("Scan to chat with the assistant on Telegram. It is free and does not tell anyone."),
    "no_bot": N_("The Telegram link is not set up yet (TELEGRAM_BOT_NAME)."),
    "numbers": N_("Help numbers"),
    "signs": N_("Warning signs"),
    "sign_passport": N_("Someone else keeps your passport or ID."),
    "sign_debt": N_("You owe a large debt to a recruiter or employer, or are paid less than promised."),
    "sign_free": N_("You are not free to come and go, or to quit."),
    "print": N_("Print"),
}


def page_texts(table: Dict[str, str], language: str) -> Dict[str, str]:
    return {key: translate(text, language) for key, text in table.items()}
