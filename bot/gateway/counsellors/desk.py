"""The staff group as the counsellors' desk: what the bot may do there, and the calls it makes.

At start (and again while something is missing) the bot checks that it can post and manage topics in
STAFF_CHAT_ID, and says in plain words what is missing when it cannot. Only members of the group act
as counsellors. Posts to the staff group are plain text in the staff's language; nothing posted there
carries her name, username, id or phone number, and nothing is forwarded (a forward shows its sender).
"""

from __future__ import annotations

import time
from typing import Dict, Optional, Tuple

from telegram import Bot, Message
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.gateway.telegram_calls import with_retry_after

MEMBERS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER)
MEMBERSHIP_SECONDS = 600  # a counsellor removed from the group stops relaying within ten minutes


class StaffDesk:
    def __init__(self, bot: Bot, chat_id: int, keep_topics: bool) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.keep_topics = keep_topics
        self._members: Dict[int, Tuple[bool, float]] = {}  # counsellors' user ids, never hers

    async def check(self) -> Optional[str]:
        """None when the bot can post and manage topics in the group; else what is missing."""
        try:
            chat = await with_retry_after(lambda: self.bot.get_chat(self.chat_id))
        except Forbidden:
            return "the bot is not a member of the staff group (STAFF_CHAT_ID): add it to the group"
        except BadRequest:
            return (
                "the staff group (STAFF_CHAT_ID) cannot be found: check the number, and that the bot was "
                "added to the group"
            )
        except TelegramError as error:
            return f"Telegram did not answer about the staff group ({type(error).__name__})"
        if chat.type != ChatType.SUPERGROUP or not chat.is_forum:
            return "the staff group has no topics: in the group's settings, turn on Topics"
        try:
            me = await with_retry_after(lambda: self.bot.get_chat_member(self.chat_id, self.bot.id))
        except TelegramError as error:
            return f"Telegram did not say what the bot may do in the staff group ({type(error).__name__})"
        if me.status != ChatMemberStatus.ADMINISTRATOR:
            return (
                "the bot is not an administrator of the staff group: make it one, with the right to manage "
                "topics"
            )
        if not getattr(me, "can_manage_topics", False):
            return "the bot may not manage topics in the staff group: give it the right 'Manage topics'"
        if not self.keep_topics and not getattr(me, "can_delete_messages", False):
            return (
                "the bot may not delete messages in the staff group, which deleting a closed case's topic "
                "needs: give it 'Delete messages', or set HELPLINE_STAFF_KEEP_TOPICS=yes"
            )
        return None

    async def is_member(self, user_id: int) -> bool:
        """Whether someone who wrote in the group is still a member of it (asked every ten minutes)."""
        known = self._members.get(user_id)
        if known and time.monotonic() - known[1] < MEMBERSHIP_SECONDS:
            return known[0]
        try:
            member = await with_retry_after(lambda: self.bot.get_chat_member(self.chat_id, user_id))
            answer = member.status in MEMBERS or bool(getattr(member, "is_member", False))
        except TelegramError:
            return False
        self._members[user_id] = (answer, time.monotonic())
        return answer

    async def open_topic(self, name: str) -> int:
        topic = await with_retry_after(lambda: self.bot.create_forum_topic(self.chat_id, name[:128]))
        return topic.message_thread_id

    async def post(self, text: str, thread_id: Optional[int] = None) -> Message:
        return await with_retry_after(
            lambda: self.bot.send_message(self.chat_id, text[:4096], message_thread_id=thread_id)
        )

    async def copy_in(self, from_chat_id: int, message_id: int, thread_id: int) -> None:
        """Her message into the case's topic, as a copy: no link to her, no "forwarded from"."""
        await with_retry_after(
            lambda: self.bot.copy_message(self.chat_id, from_chat_id, message_id, message_thread_id=thread_id)
        )

    async def end_topic(self, thread_id: int) -> None:
        """Closes the topic, then deletes it with everything in it, unless the NGO keeps closed topics."""
        await with_retry_after(lambda: self.bot.close_forum_topic(self.chat_id, thread_id))
        if not self.keep_topics:
            await with_retry_after(lambda: self.bot.delete_forum_topic(self.chat_id, thread_id))

    async def send_file(
        self, content: bytes, filename: str, caption: Optional[str], thread_id: Optional[int]
    ) -> None:
        await with_retry_after(
            lambda: self.bot.send_document(
                self.chat_id, content, filename=filename, caption=caption, message_thread_id=thread_id
            )
        )
