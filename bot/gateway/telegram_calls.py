"""Calls to the Bot API that every part of the gateway makes the same way: honouring Telegram's 429,
and inline keyboards one button a row."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import RetryAfter

logger = logging.getLogger(__name__)
T = TypeVar("T")
HTML = ParseMode.HTML
MAX_RETRY_AFTER_SECONDS = 60


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
