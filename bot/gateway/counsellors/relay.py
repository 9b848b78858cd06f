"""The hand-off to a person on Telegram: offered, consented, relayed both ways, ended well.

She is offered a person only while the desk is ready and open. Nothing is relayed before she agrees with
a button, after seeing what the counsellor will see. Each case is a topic in the staff group named by a
random label; her messages go in as copies (never forwards), a counsellor's replies come back to her as
the bot's. While a case is open the bot does not answer her itself (the gateway still answers danger).
A case ends by her /stop or /erase, a counsellor's /end, a long silence, or a gateway stop; each end
tells her how to reach help, and the topic is closed (and deleted unless the NGO keeps them).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from telegram import Bot, Message
from telegram.error import TelegramError

from bot.gateway import texts as gateway_texts
from bot.gateway.counsellors import texts as t
from bot.gateway.counsellors import wording
from bot.gateway.counsellors.cases import Case, CaseBook, Known, Status
from bot.gateway.counsellors.clock import run_clock
from bot.gateway.counsellors.desk import StaffDesk
from bot.gateway.counsellors.hours import HoursError, HoursFile, OpeningHours
from bot.gateway.counsellors.offers import AGREE, DECLINE, KEEP_WAITING, LEAVE, TALK, OfferBook
from bot.gateway.counsellors.reporting import WeeklyReport
from bot.gateway.counsellors.staff_side import StaffSide
from bot.gateway.counsellors.statistics import CaseStatistics
from bot.gateway.memory import ChatMemory
from bot.gateway.replies import Outgoing
from bot.gateway.telegram_calls import HTML, keyboard, with_retry_after
from bot.settings import Settings
from bot.vocabulary import LANGUAGES, LAO, PERSON_ACCEPTED, PERSON_CLOSED, PERSON_OFFERED

logger = logging.getLogger(__name__)
ENDED = {
    "her": t.ENDED_BY_HER,
    "staff": t.ENDED_BY_STAFF,
    "silence": t.ENDED_SILENCE,
    "restart": t.ENDED_RESTART,
    "unreach": t.ENDED_UNREACHABLE,
}
CLOSED = {
    "her": t.CLOSED_BY_HER,
    "staff": t.CLOSED_BY_STAFF,
    "silence": t.CLOSED_SILENCE,
    "restart": t.CLOSED_RESTART,
    "blocked": t.CLOSED_BLOCKED,
    "unreach": t.CLOSED_UNREACHABLE,
}


def copyable(message: Message) -> bool:
    """What may be copied to a counsellor: what she writes and the media she chooses to send. Not a
    contact card (her phone number), a location (her exact place), a poll or a game."""
    kinds = ("text", "photo", "voice", "video", "video_note", "audio", "document", "sticker", "animation")
    return any(getattr(message, kind, None) for kind in kinds)


@dataclass(frozen=True)
class DeskConfig:
    chat_id: int
    hours_path: Path
    language: str
    wait_seconds: float
    idle_seconds: float
    keep_topics: bool
    weekly_report: Optional[str]

    @classmethod
    def from_settings(cls, settings: Settings) -> Optional[DeskConfig]:
        if settings.staff_chat_id is None:
            return None
        return cls(
            chat_id=settings.staff_chat_id,
            hours_path=settings.staff_hours,
            language=settings.staff_language if settings.staff_language in LANGUAGES else LAO,
            wait_seconds=settings.counsellor_wait_minutes * 60,
            idle_seconds=settings.case_idle_minutes * 60,
            keep_topics=settings.staff_keep_topics,
            weekly_report=settings.staff_weekly_report,
        )


class Counsellors:
    CHANNEL = "telegram"
    copyable = staticmethod(copyable)

    def __init__(self, config: DeskConfig, memory: ChatMemory, statistics: CaseStatistics) -> None:
        self.config = config
        self.memory = memory
        self.stats = statistics
        self.cases = CaseBook()
        self.offers = OfferBook()
        self.hours_file: Optional[HoursFile] = None
        self.problem: Optional[str] = "not started"
        self.bot: Optional[Bot] = None
        self.desk: Optional[StaffDesk] = None
        self.checked_at = 0.0
        self.staff = StaffSide(self)
        self._tasks: List[asyncio.Task] = []

    # --- life cycle ----------------------------------------------------------------------------------
    async def start(self, bot: Bot) -> None:
        for task in self._tasks:  # started again after Telegram could not be reached: one clock only
            task.cancel()
        self.bot = bot
        self.desk = StaffDesk(bot, self.config.chat_id, self.config.keep_topics)
        try:
            self.hours_file = HoursFile(self.config.hours_path)
        except HoursError as error:
            logger.warning("counsellors' desk off: the opening hours file is wrong: %s", error)
        await self.check()
        if self.ready:
            await self.post_general(wording.say(t.CONNECTED, self.config.language))
        self._tasks = [asyncio.create_task(run_clock(self))]
        if self.config.weekly_report and self.hours:
            try:
                weekly = WeeklyReport(self.config.weekly_report, self.hours.zone)
                self._tasks.append(asyncio.create_task(weekly.run(self.staff.weekly_report)))
            except ValueError as error:
                logger.warning("no weekly report: %s", error)

    async def stop(self) -> None:
        """The gateway stops: every open case ends, and she and the counsellors are told."""
        for task in self._tasks:
            task.cancel()
        for case in self.cases.all():
            await self.close(case, "restart")

    async def check(self) -> None:
        """Whether the desk is ready: the hours file, then the group (bot/gateway/counsellors/desk.py)."""
        self.checked_at = time.monotonic()
        if self.hours is None:
            problem: Optional[str] = "the opening hours file is missing or wrong (helpline check-staff-hours)"
        else:
            problem = await self.desk.check() if self.desk else "not started"
        if problem != self.problem:
            if problem:
                logger.warning("counsellors' desk off: %s", problem)
            else:
                logger.info("counsellors' desk ready")
        self.problem = problem

    @property
    def hours(self) -> Optional[OpeningHours]:
        """The opening hours as the file says now (staff may edit it while the assistant runs)."""
        return self.hours_file.current() if self.hours_file else None

    @property
    def ready(self) -> bool:
        return self.problem is None and self.hours is not None

    def is_open(self) -> bool:
        return self.ready and self.hours is not None and self.hours.is_open()

    def holds(self, sender: str) -> bool:
        return self.cases.of_sender(sender) is not None

    # --- the offer -----------------------------------------------------------------------------------
    def after_reply(self, sender: str, language: str, offers: List[Known]) -> List[Outgoing]:
        """Under an answer that marked a person as a good next step: the offer, or when one is back."""
        case = self.cases.of_sender(sender)
        if case is not None:  # with a person: only what the bot learnt (danger) is kept, for her numbers
            for offer in offers:
                case.known = case.known.merged(offer)
            return []
        if not offers or not self.ready:
            return []
        known = offers[0]
        for offer in offers:
            known = self.offers.learn(sender, offer)
        return self._offer(sender, language, known.reason, explicit=known.reason == "asked")

    def help_offer(self, sender: str, language: str) -> List[Outgoing]:
        """Under /help: the offer (or when a person is back), unless she is already with one."""
        if not self.ready or self.holds(sender):
            return []
        return self._offer(sender, language, "help", explicit=True)

    def _offer(self, sender: str, language: str, reason: str, explicit: bool) -> List[Outgoing]:
        if not self.offers.may_show(sender, explicit) or self.hours is None:
            return []
        self.offers.shown(sender)
        if self.hours.is_open():
            self.stats.record(PERSON_OFFERED, self.CHANNEL, False, reason)
            button = {"title": wording.say(t.OFFER_BUTTON, language), "payload": TALK}
            return [Outgoing(text=gateway_texts.escape(wording.say(t.OFFER, language)), buttons=[button])]
        opening = self.hours.next_opening()
        if opening is None:
            return []
        return [Outgoing(text=gateway_texts.escape(wording.back_at(opening, language)))]

    # --- her side ------------------------------------------------------------------------------------
    async def tell(self, chat_id: int, sender: str, text: str, buttons: Optional[List[dict]] = None) -> None:
        """A line to her, remembered for /erase. Raises Forbidden when she blocked the bot."""
        bot = self.bot
        markup, escaped = keyboard(buttons or []), gateway_texts.escape(text)
        sent = await with_retry_after(
            lambda: bot.send_message(chat_id, escaped, parse_mode=HTML, reply_markup=markup)
        )
        self.memory.get(sender).remember(sent.message_id)

    async def on_button(self, chat_id: int, sender: str, payload: str, language: str) -> None:
        case = self.cases.of_sender(sender)
        if payload == TALK:
            if case is not None:
                await self.tell(chat_id, sender, wording.say(t.ALREADY_OPEN, language))
            elif not self.is_open():
                await self._cannot_reach(chat_id, sender, language)
            else:
                buttons = [
                    {"title": wording.say(t.AGREE_BUTTON, language), "payload": AGREE},
                    {"title": wording.say(t.DECLINE_BUTTON, language), "payload": DECLINE},
                ]
                await self.tell(chat_id, sender, wording.say(t.CONSENT, language), buttons)
        elif payload == AGREE:
            await self._open_case(chat_id, sender, language)
        elif payload == DECLINE:
            await self.tell(chat_id, sender, wording.say(t.DECLINED, language))
        elif payload == KEEP_WAITING and case is not None:
            case.wait_from, case.waiting_told_at = time.monotonic(), None
            case.touch()
            await self.tell(chat_id, sender, wording.say(t.KEEP_WAITING, language))
        elif payload == LEAVE and case is not None:
            await self.close(case, "her")

    async def _cannot_reach(self, chat_id: int, sender: str, language: str) -> None:
        known = self.offers.known(sender)
        text = wording.say(t.CANNOT_REACH, language)
        if self.ready and self.hours is not None and not self.hours.is_open():
            opening = self.hours.next_opening()
            text += f"\n{wording.back_at(opening, language)}" if opening else ""
        await self.tell(chat_id, sender, wording.with_numbers_after(text, known, language))

    async def _open_case(self, chat_id: int, sender: str, language: str) -> None:
        if self.holds(sender):
            return await self.tell(chat_id, sender, wording.say(t.ALREADY_OPEN, language))
        if not self.is_open() or self.cases.full or self.desk is None:
            return await self._cannot_reach(chat_id, sender, language)
        case = self.cases.open(chat_id, sender, language, self.offers.known(sender))
        self.stats.record(PERSON_ACCEPTED, self.CHANNEL, False)
        try:
            thread_id = await self.desk.open_topic(wording.topic_name(case, self.config.language))
            self.cases.set_thread(case, thread_id)
            await self.desk.post(wording.case_opening(case, self.config.language), thread_id)
        except TelegramError as error:
            logger.warning("a case's topic could not be opened (%s)", type(error).__name__)
            await self.check()  # the desk is off until the group is back (checked again each minute)
            await self.close(case, "unreach", tell=False)
            return await self._cannot_reach(chat_id, sender, language)
        case.status = Status.WAITING
        case.touch()
        case.ready.set()
        await self.tell(chat_id, sender, wording.say(t.OPENED, language))

    async def from_her(self, sender: str, message: Message) -> bool:
        """Her message, while she has a case: copied into its topic. False when she has none."""
        case = self.cases.of_sender(sender)
        if case is None:
            return False
        case.touch()
        if not case.allow():
            return True  # dropped: she was told to slow down already (the gateway's own flood line)
        try:
            await asyncio.wait_for(case.ready.wait(), 30)
        except asyncio.TimeoutError:
            return True
        if not copyable(message):
            await self.tell(case.chat_id, case.sender, wording.say(t.NOT_PASSED_ON, case.language))
            return True
        try:
            await self.desk.copy_in(case.chat_id, message.message_id, case.thread_id)
        except TelegramError as error:
            logger.warning("her message could not be copied to the case (%s)", type(error).__name__)
            await self.check()
            await self.close(case, "unreach")
        return True

    async def note(self, sender: str, text: str) -> None:
        """A line for the counsellors in her case's topic (the bot's own, never her words)."""
        case = self.cases.of_sender(sender)
        if case is None or case.thread_id is None or self.desk is None:
            return
        try:
            await self.desk.post(wording.say(text, self.config.language), case.thread_id)
        except TelegramError as error:
            logger.warning("a note could not be posted to a case (%s)", type(error).__name__)

    async def note_location(self, sender: str, known: Known) -> None:
        case = self.cases.of_sender(sender)
        if case is None or case.thread_id is None or self.desk is None:
            return
        language = self.config.language
        text = wording.say(t.LOCATION_NOTE, language, place=wording.place(known, language))
        try:
            await self.desk.post(text, case.thread_id)
        except TelegramError as error:
            logger.warning("a note could not be posted to a case (%s)", type(error).__name__)

    async def end_by_her(self, sender: str, tell: bool = True) -> bool:
        """/stop (she is told, with the numbers) or /erase (she is not: the chat is being erased)."""
        case = self.cases.of_sender(sender)
        if case is None:
            return False
        await self.close(case, "her", tell=tell)
        return True

    # --- ending --------------------------------------------------------------------------------------
    async def close(self, case: Case, closer: str, tell: bool = True) -> None:
        if not self.cases.remove(case):
            return  # closed already, by another way at the same moment
        case.ready.set()
        self.stats.record(PERSON_CLOSED, self.CHANNEL, False, closer)
        if tell and closer in ENDED:
            try:
                line = wording.say(ENDED[closer], case.language)
                text = wording.with_numbers_after(line, case.known, case.language)
                await self.tell(case.chat_id, case.sender, text)
            except TelegramError as error:
                logger.warning("she could not be told that her case ended (%s)", type(error).__name__)
        language = self.config.language
        note = wording.say(
            CLOSED[closer], language, label=case.label, minutes=wording.minutes(self.config.idle_seconds)
        )
        if case.thread_id is not None and self.desk is not None:
            if self.config.keep_topics:
                await self.post(note, case.thread_id)
            try:
                await self.desk.end_topic(case.thread_id)
            except TelegramError as error:
                logger.warning("a case's topic could not be closed (%s)", type(error).__name__)
        await self.post_general(note)

    async def post(self, text: str, thread_id: Optional[int]) -> None:
        if self.desk is None:
            return
        try:
            await self.desk.post(text, thread_id)
        except TelegramError as error:
            logger.warning("a line could not be posted to the staff group (%s)", type(error).__name__)

    async def post_general(self, text: str) -> None:
        await self.post(text, None)
