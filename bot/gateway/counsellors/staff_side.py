"""The counsellors' side of a case: what they write in a case's topic reaches her, from the bot; /end,
/cases and /report in the group. Only members of the group act as counsellors."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Dict, Optional, Tuple

from telegram import Message, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from bot.gateway.counsellors import texts as t
from bot.gateway.counsellors import wording
from bot.gateway.counsellors.cases import Case, Status, wait_band
from bot.gateway.counsellors.reporting import post_report
from bot.gateway.telegram_calls import with_retry_after
from bot.vocabulary import PERSON_ANSWERED

if TYPE_CHECKING:
    from bot.gateway.counsellors.relay import Counsellors

logger = logging.getLogger(__name__)
STAFF_COMMANDS = ("end", "cases", "report")
REPORT_WEEKS = 4  # /report alone: the last four whole weeks; /report 12 for twelve
NOT_CONNECTED_EVERY = 3600.0  # a topic with no case is told so at most once an hour


def parse_command(text: str, bot_name: Optional[str]) -> Optional[Tuple[str, str]]:
    """("end", "") for "/end" or "/end@this_bot"; None for text, or a command meant for another bot."""
    if not text.startswith("/"):
        return None
    head, _, rest = text[1:].partition(" ")
    name, _, addressee = head.partition("@")
    if addressee and bot_name and addressee.lower() != bot_name.lower():
        return None
    return (name.lower(), rest.strip()) if name else None


class StaffSide:
    def __init__(self, counsellors: Counsellors) -> None:
        self.counsellors = counsellors
        self._told_not_connected: Dict[int, float] = {}  # topic -> when

    @property
    def language(self) -> str:
        return self.counsellors.config.language

    async def from_staff(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        desk, staff_chat = self.counsellors.desk, self.counsellors.config.chat_id
        message = update.message
        if message is None or desk is None:
            return  # an edit, a channel post: a counsellor's edit is not sent twice
        user = message.from_user
        anonymous_admin = message.sender_chat is not None and message.sender_chat.id == staff_chat
        if user is None or (user.is_bot and not anonymous_admin):
            return
        thread_id = message.message_thread_id if message.is_topic_message else None
        command = parse_command(message.text or "", desk.bot.username)
        if command is not None:
            if command[0] in STAFF_COMMANDS and (anonymous_admin or await desk.is_member(user.id)):
                await self._command(command[0], command[1], thread_id)
            return
        if thread_id is None or not self.counsellors.copyable(message):
            return  # the General topic is the staff's own; service messages (topic made, closed) are not
        case = self.counsellors.cases.of_thread(thread_id)
        if case is None:
            return await self._not_connected(thread_id)
        if anonymous_admin or await desk.is_member(user.id):
            await self._to_her(case, message)

    async def _to_her(self, case: Case, message: Message) -> None:
        counsellors = self.counsellors
        bot, staff_chat = counsellors.bot, counsellors.config.chat_id
        try:
            if case.status is not Status.ANSWERED:
                case.status = Status.ANSWERED
                band = wait_band(time.monotonic() - case.opened_at)
                counsellors.stats.record(PERSON_ANSWERED, counsellors.CHANNEL, False, band)
                await counsellors.tell(case.chat_id, case.sender, wording.say(t.PERSON_HERE, case.language))
            original = message.message_id
            copy = await with_retry_after(lambda: bot.copy_message(case.chat_id, staff_chat, original))
            counsellors.memory.get(case.sender).remember(copy.message_id)
            case.touch()
        except Forbidden:
            await counsellors.close(case, "blocked")
        except BadRequest as error:
            logger.warning("a counsellor's message could not be copied to her (%s)", type(error).__name__)
            await counsellors.post(wording.say(t.NOT_COPIED, self.language), case.thread_id)

    async def _not_connected(self, thread_id: int) -> None:
        now = time.monotonic()
        if now - self._told_not_connected.get(thread_id, -NOT_CONNECTED_EVERY) < NOT_CONNECTED_EVERY:
            return
        if len(self._told_not_connected) > 1000:
            self._told_not_connected.clear()
        self._told_not_connected[thread_id] = now
        await self.counsellors.post(wording.say(t.NOT_CONNECTED, self.language), thread_id)

    async def _command(self, command: str, argument: str, thread_id: Optional[int]) -> None:
        counsellors = self.counsellors
        if command == "end":
            case = counsellors.cases.of_thread(thread_id)
            if case is None:
                return await counsellors.post(wording.say(t.END_IN_TOPIC, self.language), thread_id)
            return await counsellors.close(case, "staff")
        if command == "cases":
            return await counsellors.post(self.case_list(), thread_id)
        if command == "report" and counsellors.desk is not None:
            weeks = int(argument) if argument.isdigit() and 0 < int(argument) <= 104 else REPORT_WEEKS
            await post_report(counsellors.desk, self.language, weeks, thread_id)

    def case_list(self) -> str:
        """The open cases, those still waiting for a first answer first, each with a link to its topic."""
        language, now, staff_chat = self.language, time.monotonic(), self.counsellors.config.chat_id
        cases = self.counsellors.cases.all()
        if not cases:
            return wording.say(t.NO_CASES, language)
        lines = [wording.say(t.CASES_TITLE, language)]
        for case in cases:
            answered = case.status is Status.ANSWERED
            since = wording.minutes(now - (case.last_activity if answered else case.opened_at))
            line = wording.say(t.CASE_ANSWERED if answered else t.CASE_WAITING, language, label=case.label,
                               minutes=since)  # fmt: skip
            link = wording.topic_link(staff_chat, case.thread_id)
            lines.append(f"{line} · {case.language} · {wording.place(case.known, language)} {link}".rstrip())
        return "\n".join(lines)

    async def weekly_report(self) -> None:
        if self.counsellors.ready and self.counsellors.desk is not None:
            await post_report(self.counsellors.desk, self.language, REPORT_WEEKS, None)
