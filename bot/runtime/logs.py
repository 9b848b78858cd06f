"""Logs that keep nothing she wrote, at any level, on any path.

Our own modules (bot.*, actions.*) log only closed-set facts: counts, kinds, exception types.
Everything else may carry her text or the tracker: Rasa logs the text of a turn the gateway gave up
on, rasa_sdk the whole tracker of a failing action, a Python warning the text of an unparsable
"/..." message, a traceback the message of its exception. So every log record, whoever made it, is
rewritten as it is created (`logging.setLogRecordFactory`, which no handler, filter or propagate
setting can bypass): records of other loggers keep their time, level and logger name, the type of
their exception if any, and a few start-up lines known to be safe; their message is withheld.
Python warnings and uncaught exceptions go through the same path.
"""

from __future__ import annotations

import logging
import sys
import threading
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
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_default_factory = logging.getLogRecordFactory()


def _own(name: str) -> bool:
    return name.split(".")[0] in OWN_LOGGERS


def _safe(name: str, message: Any) -> bool:
    text = str(message)
    return any(name == logger and text.startswith(start) for logger, start in SAFE_MESSAGES)


def withholding_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _default_factory(*args, **kwargs)
    if _own(record.name) or _safe(record.name, record.msg):
        return record
    kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else None
    record.msg = f"{WITHHELD} ({kind})" if kind else WITHHELD
    record.args = ()
    record.exc_info = None
    record.exc_text = None
    record.stack_info = None
    return record


def _log_uncaught(kind: Type[BaseException], error: BaseException, trace: Optional[TracebackType]) -> None:
    logging.getLogger("uncaught").critical("an exception ended the process", exc_info=(kind, error, trace))


def _log_uncaught_in_thread(hook: threading.ExceptHookArgs) -> None:
    logging.getLogger("uncaught").error(
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
