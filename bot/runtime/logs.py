"""Logs that keep nothing she wrote, at any level, on any path.

Our own modules (bot.*, actions.*) log only closed-set facts: counts, kinds, exception types.
Everything else may carry her text or the tracker: Rasa logs the text of a turn the gateway gave up
on, rasa_sdk the whole tracker of a failing action, a Python warning the text of an unparsable
"/..." message, a traceback the message of its exception. So every log record, whoever made it, is
rewritten as it is created (`logging.setLogRecordFactory`, which no handler, filter or propagate
setting can bypass): records of other loggers keep their time, level and logger name, and a few
start-up lines known to be safe; their message is withheld. An exception, in any record, is kept as
its type and the places it was raised, never its message.
Python warnings and uncaught exceptions go through the same path.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any, Optional, Tuple, Type

OWN_LOGGERS = ("bot", "actions")
# Other loggers' messages that carry nothing of hers, kept whole (their template's start).
SAFE_MESSAGES: Tuple[Tuple[str, str], ...] = (
    ("rasa.core.run", "Starting Rasa server on"),
    ("root", "Starting Rasa server on"),
    ("rasa.core.run", "Rasa server is up and running"),
    ("root", "Rasa server is up and running"),
    ("alembic.runtime.migration", ""),  # schema versions of the statistics database
    ("rasa.core.agent", "Loading model"),
    ("rasa_sdk.endpoint", "Starting action endpoint server"),
    ("rasa_sdk.endpoint", "Action endpoint is up and running"),
    ("rasa_sdk.executor", "Registered function for"),
    ("sanic.root", "Goin' Fast"),
    ("sanic.root", "Starting worker"),
    ("sanic.root", "Stopping worker"),
    ("sanic.root", "Server Stopped"),
)
WITHHELD = "[message withheld: it may hold what she wrote]"
FRAMES_KEPT = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_default_factory = logging.getLogRecordFactory()


def _own(name: str) -> bool:
    return name.split(".")[0] in OWN_LOGGERS


def _safe(name: str, message: Any) -> bool:
    text = str(message)
    return any(name == logger and text.startswith(start) for logger, start in SAFE_MESSAGES)


def exception_summary(exc_info: Any) -> Optional[str]:
    """An exception's type and where it was raised (the innermost frames), without its message,
    which may quote what she wrote (a KeyError of her word, a JSON error with her text)."""
    if not exc_info or not isinstance(exc_info, tuple) or exc_info[0] is None:
        return None
    frames = traceback.extract_tb(exc_info[2])[-FRAMES_KEPT:] if exc_info[2] else []
    where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"{exc_info[0].__name__} at {where}" if where else exc_info[0].__name__


def withholding_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _default_factory(*args, **kwargs)
    summary = exception_summary(record.exc_info)
    record.exc_info = None
    record.exc_text = None
    record.stack_info = None
    if not (_own(record.name) or _safe(record.name, record.msg)):
        record.msg, record.args = WITHHELD, ()
    if summary:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: the handler would say so
            message = str(record.msg)
        record.msg, record.args = f"{message} ({summary})", ()
    return record


def _log_uncaught(kind: Type[BaseException], error: BaseException, trace: Optional[TracebackType]) -> None:
    logging.getLogger("bot.uncaught").critical(
        "an exception ended the process", exc_info=(kind, error, trace)
    )


def _log_uncaught_in_thread(hook: threading.ExceptHookArgs) -> None:
    logging.getLogger("bot.uncaught").error(
        "an exception ended a thread", exc_info=(hook.exc_type, hook.exc_value, hook.exc_traceback)
    )


def keep_text_out_of_logs(level: int = logging.INFO, handler: bool = True) -> None:
    """Install the withholding factory and route warnings and uncaught exceptions through it; with
    `handler`, also one plain handler on stdout (Rasa installs its own). Safe to call twice."""
    logging.setLogRecordFactory(withholding_factory)
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread
    root = logging.getLogger()
    if handler and not any(getattr(h, "_helpline", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._helpline = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
