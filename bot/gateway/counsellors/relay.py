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
from typing import Dict, List, Optional

from telegram import Bot, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.gateway import texts as gateway_texts
from bot.gateway.counsellors import texts as t
from bot.gateway.counsellors import wording
from bot.gateway.counsellors.cases import Case, CaseBook, Known, Status, wait_band
from bot.gateway.counsellors.desk import StaffDesk
from bot.gateway.counsellors.hours import HoursError, HoursFile, OpeningHours
from bot.gateway.counsellors.offers import AGREE, DECLINE, KEEP_WAITING, LEAVE, TALK, OfferBook
from bot.gateway.counsellors.reporting import WeeklyReport, post_report
from bot.gateway.counsellors.statistics import CaseStatistics
from bot.gateway.memory import ChatMemory
from bot.gateway.replies import Outgoing
from bot.gateway.telegram_calls import HTML, keyboard, with_retry_after
from bot.settings import Settings
from bot.stats.schema import PERSON_ACCEPTED, PERSON_ANSWERED, PERSON_CLOSED, PERSON_OFFERED
from bot.vocabulary import LANGUAGES, LAO

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
TICK_SECONDS = 1.0
RECHECK_SECONDS = 60.0  # while the desk is not ready, how often to look again
STAFF_COMMANDS = ("end", "cases", "report")
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
        self._checked_at = 0.0
        self._told_not_connected: Dict[int, float] = {}  # topic -> when; bounded below
        self._tasks: List[asyncio.Task] = []

    # --- life cycle ----------------------------------------------------------------------------------
    async def start(self, bot: Bot) -> None:
        self.bot = bot
        self.desk = StaffDesk(bot, self.config.chat_id, self.config.keep_topics)
        try:
            self.hours_file = HoursFile(self.config.hours_path)
        except HoursError as error:
            logger.warning("counsellors' desk off: the opening hours file is wrong: %s", error)
        await self._check()
        if self.ready:
            await self._post_general(wording.say(t.CONNECTED, self.config.language))
        self._tasks = [asyncio.create_task(self._tick_forever())]
        if self.config.weekly_report and self.hours:
            try:
                weekly = WeeklyReport(self.config.weekly_report, self.hours.zone)
                self._tasks.append(asyncio.create_task(weekly.run(self._weekly_report)))
            except ValueError as error:
                logger.warning("no weekly report: %s", error)

    async def stop(self) -> None:
        """The gateway stops: every open case ends, and she and the counsellors are told."""
        for task in self._tasks:
            task.cancel()
        for case in self.cases.all():
            await self._close(case, "restart")

    async def _check(self) -> None:
        self._checked_at = time.monotonic()
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
            self.stats.record(PERSON_OFFERED, CHANNEL, False, reason)
            button = {"title": wording.say(t.OFFER_BUTTON, language), "payload": TALK}
            return [Outgoing(text=gateway_texts.escape(wording.say(t.OFFER, language)), buttons=[button])]
        opening = self.hours.next_opening()
        if opening is None:
            return []
        return [Outgoing(text=gateway_texts.escape(wording.back_at(opening, language)))]

    # --- her side ------------------------------------------------------------------------------------
    async def _tell(self, chat_id: int, sender: str, text: str, buttons: Optional[List[dict]] = None) -> None:
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
                await self._tell(chat_id, sender, wording.say(t.ALREADY_OPEN, language))
            elif not self.is_open():
                await self._cannot_reach(chat_id, sender, language)
            else:
                buttons = [
                    {"title": wording.say(t.AGREE_BUTTON, language), "payload": AGREE},
                    {"title": wording.say(t.DECLINE_BUTTON, language), "payload": DECLINE},
                ]
                await self._tell(chat_id, sender, wording.say(t.CONSENT, language), buttons)
        elif payload == AGREE:
            await self._open_case(chat_id, sender, language)
        elif payload == DECLINE:
            await self._tell(chat_id, sender, wording.say(t.DECLINED, language))
        elif payload == KEEP_WAITING and case is not None:
            case.wait_from, case.waiting_told_at = time.monotonic(), None
            case.touch()
            await self._tell(chat_id, sender, wording.say(t.KEEP_WAITING, language))
        elif payload == LEAVE and case is not None:
            await self._close(case, "her")

    async def _cannot_reach(self, chat_id: int, sender: str, language: str) -> None:
        known = self.offers.known(sender)
        text = wording.say(t.CANNOT_REACH, language)
        if self.ready and self.hours is not None and not self.hours.is_open():
            opening = self.hours.next_opening()
            text += f"\n{wording.back_at(opening, language)}" if opening else ""
        await self._tell(chat_id, sender, wording.with_numbers_after(text, known, language))

    async def _open_case(self, chat_id: int, sender: str, language: str) -> None:
        if self.holds(sender):
            return await self._tell(chat_id, sender, wording.say(t.ALREADY_OPEN, language))
        if not self.is_open() or self.cases.full or self.desk is None:
            return await self._cannot_reach(chat_id, sender, language)
        case = self.cases.open(chat_id, sender, language, self.offers.known(sender))
        self.stats.record(PERSON_ACCEPTED, CHANNEL, False)
        try:
            thread_id = await self.desk.open_topic(wording.topic_name(case, self.config.language))
            self.cases.set_thread(case, thread_id)
            await self.desk.post(wording.case_opening(case, self.config.language), thread_id)
        except TelegramError as error:
            logger.warning("a case's topic could not be opened (%s)", type(error).__name__)
            await self._check()  # the desk is off until the group is back (checked again each minute)
            await self._close(case, "unreach", tell=False)
            return await self._cannot_reach(chat_id, sender, language)
        case.status = Status.WAITING
        case.touch()
        case.ready.set()
        await self._tell(chat_id, sender, wording.say(t.OPENED, language))

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
            await self._tell(case.chat_id, case.sender, wording.say(t.NOT_PASSED_ON, case.language))
            return True
        try:
            await self.desk.copy_in(case.chat_id, message.message_id, case.thread_id)
        except TelegramError as error:
            logger.warning("her message could not be copied to the case (%s)", type(error).__name__)
            await self._check()
            await self._close(case, "unreach")
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
        await self._close(case, "her", tell=tell)
        return True

    # --- the counsellors' side -----------------------------------------------------------------------
    async def from_staff(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or self.desk is None:
            return  # an edit, a channel post: a counsellor's edit is not sent twice
        user = message.from_user
        anonymous_admin = message.sender_chat is not None and message.sender_chat.id == self.config.chat_id
        if user is None or (user.is_bot and not anonymous_admin):
            return
        thread_id = message.message_thread_id if message.is_topic_message else None
        command = _command(message.text or "")
        if command is not None:
            if command[0] in STAFF_COMMANDS and (anonymous_admin or await self.desk.is_member(user.id)):
                await self._staff_command(command[0], command[1], thread_id)
            return
        if thread_id is None or not copyable(message):
            return  # the General topic is the staff's own; service messages (topic made, closed) are not
        case = self.cases.of_thread(thread_id)
        if case is None:
            return await self._not_connected(thread_id)
        if not (anonymous_admin or await self.desk.is_member(user.id)):
            return
        await self._to_her(case, message)

    async def _to_her(self, case: Case, message: Message) -> None:
        bot = self.bot
        try:
            if case.status is not Status.ANSWERED:
                case.status = Status.ANSWERED
                band = wait_band(time.monotonic() - case.opened_at)
                self.stats.record(PERSON_ANSWERED, CHANNEL, False, band)
                await self._tell(case.chat_id, case.sender, wording.say(t.PERSON_HERE, case.language))
            copy = await with_retry_after(
                lambda: bot.copy_message(case.chat_id, self.config.chat_id, message.message_id)
            )
            self.memory.get(case.sender).remember(copy.message_id)
            case.touch()
        except Forbidden:
            await self._close(case, "blocked")
        except BadRequest as error:
            logger.warning("a counsellor's message could not be copied to her (%s)", type(error).__name__)
            await self._post(wording.say(t.NOT_COPIED, self.config.language), case.thread_id)

    async def _not_connected(self, thread_id: int) -> None:
        now = time.monotonic()
        if now - self._told_not_connected.get(thread_id, -3600.0) < 3600:
            return
        self._told_not_connected[thread_id] = now
        if len(self._told_not_connected) > 1000:
            self._told_not_connected.clear()
        await self._post(wording.say(t.NOT_CONNECTED, self.config.language), thread_id)

    async def _staff_command(self, command: str, argument: str, thread_id: Optional[int]) -> None:
        language = self.config.language
        if command == "end":
            case = self.cases.of_thread(thread_id)
            if case is None:
                return await self._post(wording.say(t.END_IN_TOPIC, language), thread_id)
            return await self._close(case, "staff")
        if command == "cases":
            return await self._post(self._case_list(), thread_id)
        if command == "report" and self.desk is not None:
            weeks = int(argument) if argument.isdigit() and 0 < int(argument) <= 104 else 4
            await post_report(self.desk, language, weeks, thread_id)

    def _case_list(self) -> str:
        language, now = self.config.language, time.monotonic()
        cases = self.cases.all()
        if not cases:
            return wording.say(t.NO_CASES, language)
        lines = [wording.say(t.CASES_TITLE, language)]
        for case in cases:
            answered = case.status is Status.ANSWERED
            since = wording.minutes(now - (case.last_activity if answered else case.opened_at))
            line = wording.say(t.CASE_ANSWERED if answered else t.CASE_WAITING, language, label=case.label,
                               minutes=since)  # fmt: skip
            link = wording.topic_link(self.config.chat_id, case.thread_id)
            lines.append(f"{line} · {case.language} · {wording.place(case.known, language)} {link}".rstrip())
        return "\n".join(lines)

    async def _weekly_report(self) -> None:
        if self.ready and self.desk is not None:
            await post_report(self.desk, self.config.language, 4, None)

    # --- ending --------------------------------------------------------------------------------------
    async def _close(self, case: Case, closer: str, tell: bool = True) -> None:
        if not self.cases.remove(case):
            return  # closed already, by another way at the same moment
        case.ready.set()
        self.stats.record(PERSON_CLOSED, CHANNEL, False, closer)
        if tell and closer in ENDED:
            try:
                line = wording.say(ENDED[closer], case.language)
                text = wording.with_numbers_after(line, case.known, case.language)
                await self._tell(case.chat_id, case.sender, text)
            except TelegramError as error:
                logger.warning("she could not be told that her case ended (%s)", type(error).__name__)
        language = self.config.language
        note = wording.say(
            CLOSED[closer], language, label=case.label, minutes=wording.minutes(self.config.idle_seconds)
        )
        if case.thread_id is not None and self.desk is not None:
            if self.config.keep_topics:
                await self._post(note, case.thread_id)
            try:
                await self.desk.end_topic(case.thread_id)
            except TelegramError as error:
                logger.warning("a case's topic could not be closed (%s)", type(error).__name__)
        await self._post_general(note)

    async def _post(self, text: str, thread_id: Optional[int]) -> None:
        if self.desk is None:
            return
        try:
            await self.desk.post(text, thread_id)
        except TelegramError as error:
            logger.warning("a line could not be posted to the staff group (%s)", type(error).__name__)

    async def _post_general(self, text: str) -> None:
        await self._post(text, None)

    # --- time ----------------------------------------------------------------------------------------
    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                await self._tick()
            except Exception as error:  # a failed round must not stop the clock
                logger.warning("the counsellors' clock failed a round (%s)", type(error).__name__)

    async def _tick(self) -> None:
        now = time.monotonic()
        for case in self.cases.all():
            if case.status is Status.OPENING:
                continue
            if now - case.last_activity >= self.config.idle_seconds:
                await self._close(case, "silence")
            elif (
                case.status is Status.WAITING
                and case.waiting_told_at is None
                and now - case.wait_from >= self.config.wait_seconds
            ):
                await self._tell_waiting(case, now)
        if self.problem and now - self._checked_at >= RECHECK_SECONDS and self.hours is not None:
            await self._check()

    async def _tell_waiting(self, case: Case, now: float) -> None:
        case.waiting_told_at = now
        language = case.language
        buttons = [
            {"title": wording.say(t.WAIT_BUTTON, language), "payload": KEEP_WAITING},
            {"title": wording.say(t.LEAVE_BUTTON, language), "payload": LEAVE},
        ]
        text = f"{wording.say(t.STILL_WAITING, language)}\n{wording.numbers_for(case.known, language)}"
        try:
            await self._tell(case.chat_id, case.sender, text, buttons)
        except Forbidden:
            return await self._close(case, "blocked")
        except TelegramError as error:
            logger.warning("she could not be told that she is waiting (%s)", type(error).__name__)
        waited = wording.minutes(now - case.opened_at)
        alert = wording.say(t.QUEUE_ALERT, self.config.language, label=case.label, minutes=waited)
        await self._post_general(alert)


def _command(text: str) -> Optional[tuple]:
    """("end", "") for "/end" or "/end@helpline_bot"; None for anything else."""
    if not text.startswith("/"):
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    return (name, rest.strip()) if name else None
