"""The Telegram gateway: python-telegram-bot in front of Rasa's REST channel.

Each update becomes one call to Rasa under a keyed hash of the chat id; the
replies go back as Telegram messages. Whatever happens to the back end, she
gets an answer with the help numbers, and the gateway keeps running. With a
counsellors' desk (bot/gateway/counsellors/), a person may be offered under
some answers, and while a person holds her case her messages go to them.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Dict, Optional

from telegram import BotCommand, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.gateway import texts
from bot.gateway.counsellors import texts as counsellor_texts
from bot.gateway.counsellors.cases import Known
from bot.gateway.counsellors.offers import PAYLOADS as PERSON_PAYLOADS
from bot.gateway.counsellors.offers import split_offers
from bot.gateway.counsellors.relay import Counsellors
from bot.gateway.identity import sender_id
from bot.gateway.location import country_at
from bot.gateway.memory import ChatMemory, ChatState
from bot.gateway.payloads import ERASE_PAYLOAD, as_her_words
from bot.gateway.rasa_backend import BackendError, RasaBackend
from bot.gateway.replies import Outgoing, to_outgoing
from bot.gateway.telegram_calls import HTML, keyboard, with_retry_after
from bot.text.danger import find_danger
from bot.text.language_id import detect_language
from bot.vocabulary import LANGUAGES, LAO

logger = logging.getLogger(__name__)
DELETE_BATCH = 100  # Telegram's limit for deleteMessages


class Gateway:
    def __init__(
        self,
        backend: RasaBackend,
        key: bytes,
        memory: Optional[ChatMemory] = None,
        counsellors: Optional[Counsellors] = None,
    ) -> None:
        self.backend = backend
        self.key = key
        self.memory = memory if memory is not None else ChatMemory()  # an empty one is falsy
        self.counsellors = counsellors

    def _sender(self, update: Update) -> str:
        """Who Rasa talks to, and the key of what the gateway remembers: never the chat id itself."""
        return sender_id(self.key, update.effective_chat.id)

    # --- language of the gateway's own lines -------------------------------------------------------
    @staticmethod
    def _hint(update: Update) -> Optional[str]:
        user = update.effective_user
        code = (user.language_code or "")[:2] if user else ""
        return code if code in LANGUAGES else None

    def _language(self, state: ChatState, update: Update) -> str:
        return state.language or self._hint(update) or LAO

    # --- sending -----------------------------------------------------------------------------------
    async def _send(self, update: Update, state: ChatState, message: Outgoing) -> None:
        chat_id = update.effective_chat.id
        bot = update.get_bot()
        sent: Optional[Message]
        if message.contact:
            contact = message.contact
            sent = await with_retry_after(
                lambda: bot.send_contact(chat_id, contact["phone_number"], contact["first_name"])
            )
        else:
            markup = keyboard(message.buttons)
            sent = await with_retry_after(
                lambda: bot.send_message(chat_id, message.text, parse_mode=HTML, reply_markup=markup)
            )
        if sent is not None:
            state.remember(sent.message_id)

    async def _say(self, update: Update, state: ChatState, text: str) -> None:
        await self._send(update, state, Outgoing(text=texts.escape(text)))

    async def _converse(self, update: Update, state: ChatState, text: str) -> None:
        """Her message to Rasa and the replies back; the help numbers if Rasa cannot answer."""
        chat_id = update.effective_chat.id
        metadata: Dict[str, Any] = {"channel": "telegram"}
        hint = self._hint(update)
        if hint:
            metadata["language_hint"] = hint
        try:
            await update.get_bot().send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError:
            pass  # only a courtesy
        try:
            replies = await self.backend.send(self._sender(update), text, metadata)
        except BackendError as error:
            logger.warning("the assistant did not answer (%s); sending the help numbers", error)
            replies = []
        replies, offers = split_offers(replies)
        messages = to_outgoing(replies)
        if not messages:  # down, failing, or an action that crashed: she still gets the numbers
            language = self._language(state, update)
            await self._say(update, state, texts.with_numbers(texts.BACKEND_DOWN, language))
            return
        for reply in replies:
            state.language = detect_language(reply.get("text") or "") or state.language
        if self.counsellors:  # after the answer and its numbers, never instead of them
            language = self._language(state, update)
            messages += self.counsellors.after_reply(self._sender(update), language, offers)
        for message in messages:
            await self._send(update, state, message)

    async def _to_her_counsellor(self, update: Update, state: ChatState, text: str) -> bool:
        """While a person holds her case, her message goes to them and the bot does not answer; danger
        words still bring the emergency numbers. False when she has no case."""
        sender = self._sender(update)
        if not self.counsellors or not await self.counsellors.from_her(sender, update.effective_message):
            return False
        if text and find_danger(text):
            await self._converse(update, state, text)
            await self.counsellors.note(sender, counsellor_texts.DANGER_NOTE)
        return True

    def _admit(self, update: Update) -> Optional[ChatState]:
        sender = self._sender(update)
        state = self.memory.get(sender)
        if update.effective_message is not None:
            state.remember(update.effective_message.message_id)
        if self.counsellors and self.counsellors.holds(sender):
            return state  # to a person she may write many short lines: the case has its own allowance
        if self.memory.allow(state):
            return state
        return None

    async def _flooded(self, update: Update) -> None:
        state = self.memory.get(self._sender(update))
        now = asyncio.get_running_loop().time()
        if now - state.warned_at > 30:
            state.warned_at = now
            await self._say(update, state, texts.say(texts.SLOW_DOWN, self._language(state, update)))

    # --- handlers ----------------------------------------------------------------------------------
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._admit(update)
        if state is None:
            return await self._flooded(update)
        text = as_her_words(update.effective_message.text or "")
        state.language = detect_language(text) or state.language
        if await self._to_her_counsellor(update, state, text):
            return
        await self._converse(update, state, text or "/greet")

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._admit(update)
        if state is None:
            return await self._flooded(update)
        # Telegram routes /Start, /HELP and /start. here too: read the name the way it matched it.
        words = (update.effective_message.text or "/start").split()
        command = re.match(r"/?([A-Za-z0-9_]*)", words[0] if words else "").group(1).lower()
        language = self._language(state, update)
        if command == "help":
            return await self._help(update, state, language)
        if command == "erase":
            if self.counsellors:
                await self.counsellors.end_by_her(self._sender(update), tell=False)
            return await self._erase(update, state)
        if command == "stop" and self.counsellors and await self.counsellors.end_by_her(self._sender(update)):
            return
        payloads = {"language": "/set_language", "hotline": "/ask_hotline", "stop": "/stop"}
        await self._converse(update, state, payloads.get(command, "/greet"))

    async def _help(self, update: Update, state: ChatState, language: str) -> None:
        """How this works; with a counsellors' desk, /stop, and a person to write to (or when one is back)."""
        text = texts.say(texts.HELP, language)
        offer = self.counsellors.help_offer(self._sender(update), language) if self.counsellors else []
        if self.counsellors and self.counsellors.ready:
            text += "\n" + texts.say(counsellor_texts.HELP_STOP, language)
        await self._say(update, state, text)
        for message in offer:
            await self._send(update, state, message)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        try:
            await query.answer()
            await query.edit_message_reply_markup(reply_markup=None)  # a pressed keyboard is used up
        except TelegramError:
            pass
        state = self.memory.get(self._sender(update))
        if not self.memory.allow(state):
            return await self._flooded(update)
        if self.counsellors and query.data in PERSON_PAYLOADS:
            chat_id, language = update.effective_chat.id, self._language(state, update)
            return await self.counsellors.on_button(chat_id, self._sender(update), query.data, language)
        await self._converse(update, state, query.data or "")

    async def on_location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._admit(update)
        if state is None:
            return await self._flooded(update)
        location = update.effective_message.location
        country = country_at(location.latitude, location.longitude)  # coarse, and not stored
        if self.counsellors:  # with a person: the country only, never the place
            await self.counsellors.note_location(self._sender(update), Known(location=country))
        await self._converse(update, state, f'/inform_location{{"location": "{country}"}}')

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Photos, stickers, voice notes, files: a short line, and the help numbers."""
        state = self._admit(update)
        if state is None:
            return await self._flooded(update)
        if await self._to_her_counsellor(update, state, update.effective_message.caption or ""):
            return
        await self._say(update, state, texts.with_numbers(texts.TEXT_ONLY, self._language(state, update)))

    async def on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is None:
            return
        state = self.memory.get(self._sender(update))
        if not self.memory.allow(state):
            return
        await update.effective_message.reply_text(
            texts.escape(texts.say(texts.GROUP_ONLY_PRIVATE, self._language(state, update))),
            parse_mode=HTML,
        )

    async def _erase(self, update: Update, state: ChatState) -> None:
        chat_id = update.effective_chat.id
        bot = update.get_bot()
        ids = state.erasable()
        for start in range(0, len(ids), DELETE_BATCH):
            batch = ids[start : start + DELETE_BATCH]
            try:
                await with_retry_after(lambda batch=batch: bot.delete_messages(chat_id, batch))
            except (BadRequest, Forbidden) as error:
                logger.warning("some messages could not be deleted (%s)", type(error).__name__)
        try:  # the conversation store deletes the conversation (bot/conversations/store.py)
            await self.backend.send(self._sender(update), ERASE_PAYLOAD, {"channel": "telegram"})
        except BackendError:
            pass  # it is forgotten anyway once idle; the messages are what matters here
        language = self._language(state, update)
        self.memory.forget(self._sender(update))
        fresh = self.memory.get(self._sender(update))
        fresh.language = language
        await self._say(update, fresh, texts.say(texts.ERASED, language))


async def register_commands(application: Application, with_person: bool = False) -> None:
    """The command menu in Lao (the default), Thai and English; /stop too when a person can be offered."""
    described = {**texts.COMMANDS, **({"stop": counsellor_texts.STOP_COMMAND} if with_person else {})}
    for language in (None, *LANGUAGES):
        commands = [BotCommand(name, texts.say(desc, language or LAO)) for name, desc in described.items()]
        await with_retry_after(
            lambda c=commands, lang=language: application.bot.set_my_commands(c, language_code=lang)
        )


def add_handlers(application: Application, gateway: Gateway) -> None:
    private = filters.ChatType.PRIVATE
    if gateway.counsellors:  # the staff group is the counsellors' desk, not a group to turn away
        staff = filters.Chat(chat_id=gateway.counsellors.config.chat_id)
        application.add_handler(MessageHandler(staff, gateway.counsellors.staff.from_staff))
    application.add_handler(MessageHandler(~private, gateway.on_group))
    commands = ["start", "help", "language", "hotline", "erase", "stop"]
    application.add_handler(CommandHandler(commands, gateway.on_command, filters=private))
    application.add_handler(CallbackQueryHandler(gateway.on_button))
    application.add_handler(MessageHandler(private & filters.LOCATION, gateway.on_location))
    application.add_handler(MessageHandler(private & filters.TEXT, gateway.on_text))
    application.add_handler(MessageHandler(private, gateway.on_other))


def build_application(token: str, gateway: Gateway, base_url: Optional[str] = None) -> Application:
    builder = Application.builder().token(token).concurrent_updates(8)
    if base_url:
        builder = builder.base_url(base_url)
    application = builder.build()
    add_handlers(application, gateway)
    application.add_error_handler(_log_error)
    return application


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    logger.warning("an update could not be handled (%s)", type(context.error).__name__)
