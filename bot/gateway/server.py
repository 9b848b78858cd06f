"""Running the gateway: the demo chat page always, and Telegram when a bot token is set (polling by
default, a webhook with a secret token when a public URL is set).

Its settings (TELEGRAM_*, HELPLINE_WEB_HOST, GATEWAY_PORT, RASA_URL, HELPLINE_SENDER_KEY) are read
by bot/settings.py, like every other setting; the README lists them.

GET /health reports each part: the gateway itself, Telegram when a token is set, and each Rasa server
with what it sees (its model, its action server, the statistics database, Redis when used). Yes/no
and counts only: no token, no password, nothing of a conversation. `?parts=no` answers at once,
without asking the Rasa servers (how `helpline run` sees that the gateway is up).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import signal
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlparse

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.contacts.directory import load_directory
from bot.gateway.counsellors.relay import Counsellors, DeskConfig
from bot.gateway.counsellors.statistics import CaseStatistics
from bot.gateway.identity import load_or_create_key
from bot.gateway.memory import ChatMemory
from bot.gateway.rasa_backend import RasaBackend
from bot.gateway.telegram_app import Gateway, build_application, register_commands, with_retry_after
from bot.gateway.web.routes import add_web_routes
from bot.gateway.web.scenarios import load_scenarios
from bot.runtime.logs import keep_text_out_of_logs
from bot.settings import Settings

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Loggers that print request URLs, which contain the bot token, at INFO.
NOISY_LOGGERS = ("httpx", "httpcore", "telegram", "aiohttp.access", "apscheduler")


@dataclass(frozen=True)
class GatewayConfig:
    token: str
    rasa_url: str  # one or more Rasa servers, separated by commas
    bot_name: Optional[str] = None
    host: str = "127.0.0.1"
    port: int = 8080
    webhook_url: Optional[str] = None
    webhook_secret: str = ""
    api_url: Optional[str] = None

    @classmethod
    def from_settings(cls, settings: Settings) -> GatewayConfig:
        return cls(
            token=settings.telegram_token or "",
            bot_name=settings.telegram_bot_name,
            rasa_url=",".join(settings.rasa_urls),
            host=settings.web_host,
            port=settings.gateway_port,
            webhook_url=settings.telegram_webhook_url,
            webhook_secret=settings.telegram_webhook_secret or secrets.token_urlsafe(32),
            api_url=settings.telegram_api_url,
        )

    @property
    def webhook_path(self) -> str:
        return urlparse(self.webhook_url or "").path or "/telegram"


def quiet_loggers() -> None:
    keep_text_out_of_logs()
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def web_app(
    config: GatewayConfig, backend: RasaBackend, key: bytes, statistics: Optional[CaseStatistics] = None
) -> Tuple[web.Application, dict]:
    """The web server: health check, the demo page, and the webhook's slot (filled once Telegram runs)."""
    app = web.Application(client_max_size=1024 * 1024)
    telegram: dict = {"application": None, "bot_name": config.bot_name}

    async def health(request: web.Request) -> web.Response:
        found: Dict[str, Any] = {"status": "ok", "telegram": telegram["application"] is not None}
        if config.token:
            found["telegram_configured"] = True
        if request.query.get("parts") != "no":
            found["rasa"] = await backend.report()
            telegram_down = bool(config.token) and not found["telegram"]
            if telegram_down or not all(_whole(server) for server in found["rasa"]):
                found["status"] = "degraded"
        return web.json_response(found)

    async def webhook(request: web.Request) -> web.Response:
        application = telegram["application"]
        given = request.headers.get(SECRET_HEADER, "")
        if application is None or not hmac.compare_digest(given.encode(), config.webhook_secret.encode()):
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), application.bot)
        except ValueError:
            return web.Response(status=400, text="bad update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    app.router.add_get("/health", health)
    if config.webhook_url:
        app.router.add_post(config.webhook_path, webhook)
    add_web_routes(
        app, backend, key, load_directory(), load_scenarios(), lambda: telegram["bot_name"], statistics
    )
    return app, telegram


def _whole(server: Dict[str, Any]) -> bool:
    """A Rasa server that is up with every part it uses."""
    statistics = server.get("statistics") or {}
    return (
        bool(server.get("up") and server.get("model"))
        and server.get("action_server") is not False
        and statistics.get("database") is not False
        and server.get("redis") is not False
    )


async def start_telegram(application: Application, config: GatewayConfig, with_person: bool = False) -> None:
    await register_commands(application, with_person)
    await application.start()
    if config.webhook_url:
        await with_retry_after(
            lambda: application.bot.set_webhook(
                config.webhook_url, secret_token=config.webhook_secret, allowed_updates=Update.ALL_TYPES
            )
        )
        logger.info("gateway running: Telegram webhook")
    else:
        await with_retry_after(lambda: application.bot.delete_webhook())
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.2)
        logger.info("gateway running: polling Telegram")


async def run_telegram(config: GatewayConfig, gateway: Gateway, telegram: dict, stop: asyncio.Event) -> None:
    """Telegram, kept trying while it cannot be reached (a village hotspot has no internet):
    the demo page works all the same."""
    delay = 5.0
    while not stop.is_set():
        application = build_application(config.token, gateway, config.api_url)
        try:
            async with application:
                telegram["bot_name"] = telegram["bot_name"] or application.bot.username
                if gateway.counsellors:  # the desk is checked before the first update can ask for it
                    await gateway.counsellors.start(application.bot)
                await start_telegram(application, config, gateway.counsellors is not None)
                telegram["application"] = application
                await stop.wait()
                if gateway.counsellors:  # open cases end, and both sides are told how to reach help
                    await gateway.counsellors.stop()
                telegram["application"] = None
                if application.updater.running:
                    await application.updater.stop()
                await application.stop()
            return
        except TelegramError as error:
            logger.warning(
                "Telegram cannot be reached (%s); trying again in %.0f s", type(error).__name__, delay
            )
        try:
            await asyncio.wait_for(stop.wait(), delay)
        except asyncio.TimeoutError:
            delay = min(delay * 2, 300.0)


async def serve(config: GatewayConfig, stop: Optional[asyncio.Event] = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    backend = RasaBackend([url.strip() for url in config.rasa_url.split(",") if url.strip()])
    settings = Settings()
    key = load_or_create_key(settings.sender_key)
    statistics = CaseStatistics(settings)  # the counsellors' events, and the demo page's simulated ones
    app, telegram = web_app(config, backend, key, statistics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, config.host, config.port).start()
    logger.info("demo page on port %d", config.port)
    if config.token:
        memory = ChatMemory()
        desk = DeskConfig.from_settings(settings)
        counsellors = Counsellors(desk, memory, statistics) if desk else None
        await run_telegram(config, Gateway(backend, key, memory, counsellors), telegram, stop)
    else:
        logger.info("Telegram off: TELEGRAM_BOT_TOKEN is not set")
        await stop.wait()
    await runner.cleanup()
    await backend.close()
    statistics.close()


def main() -> int:
    quiet_loggers()
    asyncio.run(serve(GatewayConfig.from_settings(Settings())))
    return 0
