"""Every setting of the assistant, read from the environment here and nowhere else.

The README's table of settings is made from VARIABLES (a test checks that no other module reads the
environment and that the table is current). Each child process gets only the variables it uses
(`child_environment`): the Telegram token and the sender key reach the gateway alone, the database
address only the processes that write statistics (Rasa, and the gateway for the counsellors' events and
/report in the staff group).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VAR_DIR = PROJECT_ROOT / "var"


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    meaning: str


VARIABLES = (
    Variable("TELEGRAM_BOT_TOKEN", "unset: the demo page only", "the bot's token from @BotFather"),
    Variable("TELEGRAM_BOT_NAME", "asked from Telegram", "the bot's @name, for the poster's QR code"),
    Variable("TELEGRAM_WEBHOOK_URL", "unset: polling", "a public HTTPS address Telegram sends updates to"),
    Variable("TELEGRAM_WEBHOOK_SECRET", "new at each start", "the secret Telegram sends with each update"),
    Variable("TELEGRAM_API_URL", "Telegram's", "another Bot API server (tests, a local Bot API server)"),
    Variable("HELPLINE_SENDER_KEY", "var/sender.key, made at first start", "the key that hashes chat ids"),
    Variable(
        "HELPLINE_WEB_HOST", "0.0.0.0 (every network)", "where the gateway (demo page, webhook) listens"
    ),
    Variable("GATEWAY_PORT", "8080", "the gateway's port"),
    Variable("HELPLINE_HOST", "127.0.0.1", "where Rasa and the action server listen (loopback)"),
    Variable("RASA_PORT", "5005", "the (first) Rasa server's port; more take the ports after it"),
    Variable("ACTION_PORT", "5055", "the action server's port"),
    Variable(
        "RASA_URL",
        "the Rasa servers `helpline run` starts here",
        "the Rasa server(s) the gateway talks to, separated by commas",
    ),
    Variable(
        "RASA_PROCESSES",
        "1",
        "how many Rasa servers `helpline run` starts here (more than one needs REDIS_URL)",
    ),
    Variable(
        "REDIS_URL",
        "unset: conversations in the one Rasa server's memory",
        "a Redis server the Rasa servers share: conversations, locks, statistics on their way",
    ),
    Variable(
        "HELPLINE_PARTS", "gateway,rasa,actions", "which of the parts `helpline run` starts on this machine"
    ),
    Variable("ACTION_SERVER_URL", "http://HELPLINE_HOST:ACTION_PORT/webhook", "the action server Rasa calls"),
    Variable("DATABASE_URL", "unset: SQLite", "a PostgreSQL database for the statistics"),
    Variable("HELPLINE_STATS_DB", "var/statistics.sqlite3", "the SQLite statistics file"),
    Variable("HELPLINE_STATS_SPOOL", ".run/statistics-spool.jsonl", "statistics kept for the next start"),
    Variable("HELPLINE_CONVERSATION_IDLE_MINUTES", "30", "a conversation idle this long is forgotten"),
    Variable("HELPLINE_MAX_CONVERSATIONS", "20000", "conversations held at once; the oldest go first"),
    Variable(
        "STAFF_CHAT_ID", "unset: no counsellors", "the counsellors' Telegram group (a supergroup with topics)"
    ),
    Variable("HELPLINE_STAFF_HOURS", "data/staff_hours.yml", "the counsellors' opening hours and holidays"),
    Variable("HELPLINE_STAFF_LANGUAGE", "lo", "the bot's language in the staff group: lo, th or en"),
    Variable(
        "HELPLINE_COUNSELLOR_WAIT_MINUTES", "5", "no counsellor answered this long: she is told, with numbers"
    ),
    Variable("HELPLINE_CASE_IDLE_MINUTES", "30", "a case nobody wrote in for this long is closed"),
    Variable(
        "HELPLINE_STAFF_KEEP_TOPICS", "no: deleted", "yes: a closed case's topic stays in the group, closed"
    ),
    Variable(
        "HELPLINE_STAFF_WEEKLY_REPORT", "off", "post the report in the staff group weekly: `monday 09:00`"
    ),
    Variable("HELPLINE_RUN_DIR", ".run/", "the servers' logs"),
    Variable("HELPLINE_MODELS_DIR", "models/", "trained models"),
    Variable("HELPLINE_MODEL_CACHE", "~/.cache/lao-helpline/models", "trained models shared by clones"),
)
# Kept for every child process: what a program needs to run at all. Nothing of the assistant's own.
SYSTEM_VARIABLES = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TMPDIR",
    "XDG_CACHE_HOME",
    "VIRTUAL_ENV",
)
# Request bodies larger than this are refused by Rasa and the action server.
MAX_REQUEST_BYTES = 1_000_000
# The parts `helpline run` can start (HELPLINE_PARTS).
PARTS = ("gateway", "rasa", "actions")
# With several Rasa servers, a conversation's lock in Redis outlives a server killed while it held it
# by this long: short, so her next message on another server does not wait for it, and longer than a
# turn takes (the gateway gives up after 6 s).
LOCK_LIFETIME_SECONDS = 5


def _get(name: str, environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    value = (os.environ if environ is None else environ).get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _path(name: str, default: Path) -> Path:
    return _optional_path(name) or default


def _optional_path(name: str) -> Optional[Path]:
    value = _get(name)
    return Path(value).expanduser() if value else None


def _int_or_none(name: str) -> Optional[int]:
    value = _get(name)
    try:
        return int(value) if value else None
    except ValueError:
        raise ValueError(f"{name} must be a number, such as -1001234567890 (got {value!r})") from None


def _off_or_value(value: Optional[str]) -> Optional[str]:
    return None if value is None or value.lower() in ("off", "no", "none") else value


def _parts(value: Optional[str]) -> Tuple[str, ...]:
    if not value:
        return PARTS
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = sorted(set(chosen) - set(PARTS))
    if unknown:
        raise ValueError(f"HELPLINE_PARTS: unknown part(s) {', '.join(unknown)}; known: {', '.join(PARTS)}")
    return chosen


def _cache_dir() -> Path:
    return _path("XDG_CACHE_HOME", Path.home() / ".cache") / "lao-helpline"


@dataclass(frozen=True)
class Settings:
    project_root: Path = PROJECT_ROOT
    models_dir: Path = field(default_factory=lambda: _path("HELPLINE_MODELS_DIR", PROJECT_ROOT / "models"))
    # A second home for trained models, outside the clone: a fresh clone on this machine (CI) reuses them.
    model_cache_dir: Path = field(
        default_factory=lambda: _path("HELPLINE_MODEL_CACHE", _cache_dir() / "models")
    )
    run_dir: Path = field(default_factory=lambda: _path("HELPLINE_RUN_DIR", PROJECT_ROOT / ".run"))
    host: str = field(default_factory=lambda: _get("HELPLINE_HOST") or "127.0.0.1")
    rasa_port: int = field(default_factory=lambda: int(_get("RASA_PORT") or 5005))
    action_port: int = field(default_factory=lambda: int(_get("ACTION_PORT") or 5055))
    gateway_port: int = field(default_factory=lambda: int(_get("GATEWAY_PORT") or 8080))
    # The gateway serves the demo page to the phones on the local network (a laptop or a phone as a
    # hotspot at a village meeting); Rasa and the action server stay on loopback.
    web_host: str = field(default_factory=lambda: _get("HELPLINE_WEB_HOST") or "0.0.0.0")
    rasa_url_setting: Optional[str] = field(default_factory=lambda: _get("RASA_URL"))
    rasa_processes: int = field(default_factory=lambda: int(_get("RASA_PROCESSES") or 1))
    # Conversations, their locks and the statistics on their way to the database, shared by several
    # Rasa servers on one or more machines. Unset: one Rasa server keeps them in its memory.
    redis_url: Optional[str] = field(default_factory=lambda: _get("REDIS_URL"))
    parts: Tuple[str, ...] = field(default_factory=lambda: _parts(_get("HELPLINE_PARTS")))
    action_url_setting: Optional[str] = field(default_factory=lambda: _get("ACTION_SERVER_URL"))
    # Where the statistics go: PostgreSQL when set, else the SQLite file.
    database_url: Optional[str] = field(default_factory=lambda: _get("DATABASE_URL"))
    stats_db: Path = field(default_factory=lambda: _path("HELPLINE_STATS_DB", VAR_DIR / "statistics.sqlite3"))
    stats_spool_setting: Optional[Path] = field(
        default_factory=lambda: _optional_path("HELPLINE_STATS_SPOOL")
    )
    conversation_idle_minutes: float = field(
        default_factory=lambda: float(_get("HELPLINE_CONVERSATION_IDLE_MINUTES") or 30)
    )
    max_conversations: int = field(default_factory=lambda: int(_get("HELPLINE_MAX_CONVERSATIONS") or 20_000))
    telegram_token: Optional[str] = field(default_factory=lambda: _get("TELEGRAM_BOT_TOKEN"))
    telegram_bot_name: Optional[str] = field(default_factory=lambda: _get("TELEGRAM_BOT_NAME"))
    telegram_webhook_url: Optional[str] = field(default_factory=lambda: _get("TELEGRAM_WEBHOOK_URL"))
    telegram_webhook_secret: Optional[str] = field(default_factory=lambda: _get("TELEGRAM_WEBHOOK_SECRET"))
    telegram_api_url: Optional[str] = field(default_factory=lambda: _get("TELEGRAM_API_URL"))
    sender_key: Optional[str] = field(default_factory=lambda: _get("HELPLINE_SENDER_KEY"))
    # The counsellors' desk (bot/gateway/counsellors/): off while STAFF_CHAT_ID is unset.
    staff_chat_id: Optional[int] = field(default_factory=lambda: _int_or_none("STAFF_CHAT_ID"))
    staff_hours: Path = field(
        default_factory=lambda: _path("HELPLINE_STAFF_HOURS", PROJECT_ROOT / "data" / "staff_hours.yml")
    )
    staff_language: str = field(default_factory=lambda: _get("HELPLINE_STAFF_LANGUAGE") or "lo")
    counsellor_wait_minutes: float = field(
        default_factory=lambda: float(_get("HELPLINE_COUNSELLOR_WAIT_MINUTES") or 5)
    )
    case_idle_minutes: float = field(default_factory=lambda: float(_get("HELPLINE_CASE_IDLE_MINUTES") or 30))
    staff_keep_topics: bool = field(
        default_factory=lambda: (_get("HELPLINE_STAFF_KEEP_TOPICS") or "no").lower() in ("yes", "true", "1")
    )
    staff_weekly_report: Optional[str] = field(
        default_factory=lambda: _off_or_value(_get("HELPLINE_STAFF_WEEKLY_REPORT"))
    )

    @property
    def rasa_ports(self) -> List[int]:
        """The ports of the Rasa servers `helpline run` starts here: RASA_PORT and the ones after it."""
        return [self.rasa_port + number for number in range(self.rasa_processes)]

    @property
    def local_rasa_urls(self) -> List[str]:
        return [f"http://{self.host}:{port}" for port in self.rasa_ports]

    @property
    def rasa_urls(self) -> List[str]:
        """Every Rasa server the gateway sends conversations to."""
        if self.rasa_url_setting:
            return [url.strip().rstrip("/") for url in self.rasa_url_setting.split(",") if url.strip()]
        return self.local_rasa_urls or [f"http://{self.host}:{self.rasa_port}"]

    @property
    def rasa_url(self) -> str:
        """The first Rasa server (the terminal chat talks to it; with Redis every server knows her)."""
        return self.rasa_urls[0]

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    @property
    def action_webhook_url(self) -> str:
        return self.action_url_setting or f"{self.action_url}/webhook"

    @property
    def statistics_url(self) -> str:
        """PostgreSQL (DATABASE_URL) or the SQLite file."""
        return self.database_url or f"sqlite:///{self.stats_db}"

    @property
    def stats_spool(self) -> Path:
        """Statistics the database could not take before a stop, for the next start."""
        return self.stats_spool_setting or self.run_dir / "statistics-spool.jsonl"

    @property
    def gateway_stats_spool(self) -> Path:
        """The gateway writes the counsellors' statistics through a store of its own, with its own spool
        (two processes must not load one spool file)."""
        return self.stats_spool.with_name("gateway-" + self.stats_spool.name)

    @property
    def conversation_idle_seconds(self) -> float:
        return self.conversation_idle_minutes * 60


def _quiet() -> Dict[str, str]:
    """What every Rasa-based process needs: no telemetry, quiet TensorFlow, Rasa's training cache
    outside the clone (a domain-only change then does not retrain the NLU)."""
    return {
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
        "RASA_CACHE_DIRECTORY": _get("RASA_CACHE_DIRECTORY") or str(_cache_dir() / "rasa-cache"),
    }


def _system() -> Dict[str, str]:
    return {name: os.environ[name] for name in SYSTEM_VARIABLES if name in os.environ}


def _statistics(settings: Settings) -> Dict[str, str]:
    env = {"HELPLINE_STATS_DB": str(settings.stats_db), "HELPLINE_STATS_SPOOL": str(settings.stats_spool)}
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    return env


def child_environment(role: str, settings: Optional[Settings] = None) -> Dict[str, str]:
    """The environment of a child process: the system's basics and only what `role` uses.

    train: `rasa train`, `rasa data validate`, `rasa test`. rasa: the Rasa server (it writes the
    statistics and keeps the conversations, in Redis when set). actions: the action server.
    gateway: Telegram and the demo page."""
    settings = settings or Settings()
    env = _system()
    if role in ("train", "rasa", "actions"):
        env.update(_quiet())
    if role == "rasa":
        env.update(_statistics(settings))
        env.update(
            ACTION_SERVER_URL=settings.action_webhook_url,
            HELPLINE_CONVERSATION_IDLE_MINUTES=str(settings.conversation_idle_minutes),
            HELPLINE_MAX_CONVERSATIONS=str(settings.max_conversations),
            SANIC_REQUEST_MAX_SIZE=str(MAX_REQUEST_BYTES),
        )
        if settings.redis_url:
            env.update(REDIS_URL=settings.redis_url, TICKET_LOCK_LIFETIME=str(LOCK_LIFETIME_SECONDS))
    elif role == "actions":
        env.update(SANIC_HOST=settings.host, SANIC_REQUEST_MAX_SIZE=str(MAX_REQUEST_BYTES))
    elif role == "gateway":
        env.update(
            RASA_URL=",".join(settings.rasa_urls),
            HELPLINE_WEB_HOST=settings.web_host,
            GATEWAY_PORT=str(settings.gateway_port),
            HELPLINE_STAFF_HOURS=str(settings.staff_hours),
            HELPLINE_STAFF_LANGUAGE=settings.staff_language,
            HELPLINE_COUNSELLOR_WAIT_MINUTES=str(settings.counsellor_wait_minutes),
            HELPLINE_CASE_IDLE_MINUTES=str(settings.case_idle_minutes),
            HELPLINE_STAFF_KEEP_TOPICS="yes" if settings.staff_keep_topics else "no",
            HELPLINE_STAFF_WEEKLY_REPORT=settings.staff_weekly_report or "off",
        )
        # The counsellors' events (offered, accepted, answered, closed) are counted by the gateway, and
        # /report in the staff group reads the statistics: it writes and reads them like Rasa does.
        env.update(_statistics(settings))
        if settings.staff_chat_id is not None:
            env["STAFF_CHAT_ID"] = str(settings.staff_chat_id)
        secrets = {
            "TELEGRAM_BOT_TOKEN": settings.telegram_token,
            "TELEGRAM_BOT_NAME": settings.telegram_bot_name,
            "TELEGRAM_WEBHOOK_URL": settings.telegram_webhook_url,
            "TELEGRAM_WEBHOOK_SECRET": settings.telegram_webhook_secret,
            "TELEGRAM_API_URL": settings.telegram_api_url,
            "HELPLINE_SENDER_KEY": settings.sender_key,
        }
        env.update({name: value for name, value in secrets.items() if value})
    elif role != "train":
        raise ValueError(f"unknown process role {role!r}")
    return env
