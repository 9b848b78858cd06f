"""The Telegram gateway: python-telegram-bot in front of Rasa's REST channel.

Each update becomes one call to Rasa under a keyed hash of the chat id; the
replies go back as Telegram messages. Whatever happens to the back end, she
gets an answer with the help numbers, and the gateway keeps running.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, TypeVar

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.gateway import texts
from bot.gateway.identity import sender_id
from bot.gateway.location import country_at
from bot.gateway.memory import ChatMemory, ChatState
from bot.gateway.payloads import ERASE_PAYLOAD, as_her_words
from bot.gateway.rasa_backend import BackendError, RasaBackend
from bot.gateway.replies import Outgoing, to_outgoing
from bot.text.language_id import detect_language
from bot.vocabulary import LANGUAGES, LAO

logger = logging.getLogger(__name__)
T = TypeVar("T")
HTML = ParseMode.HTML
MAX_RETRY_AFTER_SECONDS = 60
DELETE_BATCH = 100  # Telegram's limit for deleteMessages


def _seconds(retry_after: Any) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, dt.timedelta) else float(retry_after)


async def with_retry_after(call: Callable[[], Awaitable[T]], attempts: int = 4) -> T:
    """Honour Telegram's 429 `retry_after` instead of failing the message."""
    for attempt in range(attempts):
        try:
            return await call()
        except RetryAfter as error:
            if attempt == attempts - 1:
                raise
            wait = min(_seconds(error.retry_after), MAX_RETRY_AFTER_SECONDS)
            logger.warning("Telegram asked to slow down; waiting %.0f s", wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")


def keyboard(buttons: List[Dict[str, str]]) -> Optional[InlineKeyboardMarkup]:
    """One button a row: titles in Lao and Thai are long, and small screens are narrow."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b["title"], callback_data=b["payload"])] for b in buttons]
    )


class Gateway:
    def __init__(self, backend: RasaBackend, key: bytes, memory: Optional[ChatMemory] = None) -> None:
        self.backend = backend
        self.key = key
        self.memory = memory or ChatMemory()

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
        messages = to_outgoing(replies)
        if not messages:  # down, failing, or an action that crashed: she still gets the numbers
            language = self._language(state, update)
            await self._say(update, state, texts.with_numbers(texts.BACKEND_DOWN, language))
            return
        for reply in replies:
            state.language = detect_language(reply.get("text") or "") or state.language
        for message in messages:
            await self._send(update, state, message)

    def _admit(self, update: Update) -> Optional[ChatState]:
        state = self.memory.get(self._sender(update))
        if update.effective_message is not None:
            state.remember(update.effective_message.message_id)
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
        await self._converse(update, state, text or "/greet")

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._admit(update)
        if state is None:
            return await self._flooded(update)
        # Telegram routes /Start, /HELP and /start. here too: read the name the way it matched it.
        words = (update.effective_message.text or "/start").split()
        command = re.match(r"/?([A-Za-z0-9_]*)", words[0] if words else "").group(1).lower()
        if command == "help":
            return await self._say(update, state, texts.say(texts.HELP, self._language(state, update)))
        if command == "erase":
            return await self._erase(update, state)
        payload = {"language": "/set_language", "hotline": "/ask_hotline"}.get(command, "/greet")
        await self._converse(update, state, payload)

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
        await self._converse(update, state, query.data or "")

    async def on_location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        state = self._admit(update)
        if state is None:
            return await self._flooded(update)
        location = update.effective_message.location
        country = country_at(location.latitude, location.longitude)  # coarse, and not stored
        await self._converse(update, state, f'/inform_location{{"location": "{country}"}}')

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Photos, stickers, voice notes, files: a short line, and the help numbers."""
        state = self._admit(update)
        if state is None:
            return await self._flooded(update)
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


async def register_commands(application: Application) -> None:
    """The command menu in Lao (the default), Thai and English."""
    for language in (None, *LANGUAGES):
        commands = [
            BotCommand(name, texts.say(desc, language or LAO)) for name, desc in texts.COMMANDS.items()
        ]
        await with_retry_after(
            lambda c=commands, lang=language: application.bot.set_my_commands(c, language_code=lang)
        )


def add_handlers(application: Application, gateway: Gateway) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(~private, gateway.on_group))
    application.add_handler(
        CommandHandler(["start", "help", "language", "hotline", "erase"], gateway.on_command, filters=private)
    )
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
