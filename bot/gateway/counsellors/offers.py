"""Where a person was offered: what the bot knew then (for the case, if she agrees), and when, so that
an offer is not repeated under every later answer. In memory only, bounded, forgotten after a while."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from bot.gateway.counsellors.cases import Known
from bot.vocabulary import PERSON_OFFER_KEY

# Gateway-owned button payloads: handled by the gateway, never sent to Rasa.
TALK = "/talk_to_person"
AGREE = "/person_agree"
DECLINE = "/person_decline"
KEEP_WAITING = "/person_wait"
LEAVE = "/person_leave"
PAYLOADS = (TALK, AGREE, DECLINE, KEEP_WAITING, LEAVE)
REPEAT_AFTER_SECONDS = 15 * 60  # an offer under a danger answer is not repeated under the next one
FORGET_AFTER_SECONDS = 2 * 3600


def split_offers(replies: Iterable[Dict[str, Any]]) -> Tuple[List[Dict[str, Any]], List[Known]]:
    """Rasa's replies without the offer markers, and what the markers said."""
    kept: List[Dict[str, Any]] = []
    offers: List[Known] = []
    for reply in replies:
        custom = reply.get("custom")
        if isinstance(custom, dict) and PERSON_OFFER_KEY in custom:
            offers.append(Known.of(custom[PERSON_OFFER_KEY]))
        else:
            kept.append(reply)
    return kept, offers


@dataclass
class _Offer:
    known: Known
    shown_at: Optional[float] = None
    touched: float = 0.0


class OfferBook:
    def __init__(self, max_chats: int = 5000) -> None:
        self.max_chats = max_chats
        self._offers: OrderedDict[str, _Offer] = OrderedDict()

    def _touch(self, sender: str, offer: _Offer) -> None:
        """The most recent last; the least recent, and those untouched for long, are forgotten."""
        now = time.monotonic()
        offer.touched = now
        self._offers.pop(sender, None)
        self._offers[sender] = offer
        while self._offers and (
            len(self._offers) > self.max_chats
            or now - next(iter(self._offers.values())).touched > FORGET_AFTER_SECONDS
        ):
            self._offers.popitem(last=False)

    def learn(self, sender: str, known: Known) -> Known:
        """Adds what a marker said to what was known of this chat; returns the whole."""
        old = self._offers.get(sender)
        merged = old.known.merged(known) if old else known
        self._touch(sender, _Offer(merged, old.shown_at if old else None))
        return merged

    def known(self, sender: str) -> Known:
        offer = self._offers.get(sender)
        return offer.known if offer else Known()

    def may_show(self, sender: str, explicit: bool) -> bool:
        """She asked (or chose /help): always. Under a danger or job-check answer: not again so soon."""
        offer = self._offers.get(sender)
        if explicit or offer is None or offer.shown_at is None:
            return True
        return time.monotonic() - offer.shown_at >= REPEAT_AFTER_SECONDS

    def shown(self, sender: str) -> None:
        offer = self._offers.get(sender) or _Offer(Known(reason="help"))
        offer.shown_at = time.monotonic()
        self._touch(sender, offer)

    def forget(self, sender: str) -> None:
        self._offers.pop(sender, None)
