"""The desk's clock: a case nobody answered is told she is waiting (with the numbers, and a choice to
keep waiting or stop), a silent case is closed, and a desk that was not ready is checked again."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from telegram.error import Forbidden, TelegramError

from bot.gateway.counsellors import texts as t
from bot.gateway.counsellors import wording
from bot.gateway.counsellors.cases import Case, Status
from bot.gateway.counsellors.offers import KEEP_WAITING, LEAVE

if TYPE_CHECKING:
    from bot.gateway.counsellors.relay import Counsellors

logger = logging.getLogger(__name__)
TICK_SECONDS = 1.0
RECHECK_SECONDS = 60.0  # while the desk is not ready, how often to look again


async def run_clock(counsellors: Counsellors) -> None:
    while True:
        await asyncio.sleep(TICK_SECONDS)
        try:
            await tick(counsellors)
        except Exception as error:  # a failed round must not stop the clock
            logger.warning("the counsellors' clock failed a round (%s)", type(error).__name__)


async def tick(counsellors: Counsellors) -> None:
    now, config = time.monotonic(), counsellors.config
    for case in counsellors.cases.all():
        if case.status is Status.OPENING:
            continue
        if now - case.last_activity >= config.idle_seconds:
            await counsellors.close(case, "silence")
        elif (
            case.status is Status.WAITING
            and case.waiting_told_at is None
            and now - case.wait_from >= config.wait_seconds
        ):
            await tell_waiting(counsellors, case, now)
    if counsellors.problem and now - counsellors.checked_at >= RECHECK_SECONDS and counsellors.hours:
        await counsellors.check()


async def tell_waiting(counsellors: Counsellors, case: Case, now: float) -> None:
    case.waiting_told_at = now
    language = case.language
    buttons = [
        {"title": wording.say(t.WAIT_BUTTON, language), "payload": KEEP_WAITING},
        {"title": wording.say(t.LEAVE_BUTTON, language), "payload": LEAVE},
    ]
    text = f"{wording.say(t.STILL_WAITING, language)}\n{wording.numbers_for(case.known, language)}"
    try:
        await counsellors.tell(case.chat_id, case.sender, text, buttons)
    except Forbidden:
        return await counsellors.close(case, "blocked")
    except TelegramError as error:
        logger.warning("she could not be told that she is waiting (%s)", type(error).__name__)
    waited = wording.minutes(now - case.opened_at)
    alert = wording.say(t.QUEUE_ALERT, counsellors.config.language, label=case.label, minutes=waited)
    await counsellors.post_general(alert)
