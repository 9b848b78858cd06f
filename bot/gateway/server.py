"""Running the gateway: polling by default, a webhook with a secret token when a public URL is set.

Configuration comes from the environment:
  TELEGRAM_BOT_TOKEN      the token from @BotFather (required)
  TELEGRAM_WEBHOOK_URL    e.g. https://helpline.example.org/telegram; unset: polling
  TELEGRAM_WEBHOOK_SECRET the secret Telegram sends back in every webhook call; generated if unset
  TELEGRAM_API_URL        another Bot API server (tests, or a local Bot API server)
  GATEWAY_HOST, GATEWAY_PORT  where the gateway listens (health check, webhook); 127.0.0.1:8080
  RASA_URL                the Rasa server (default from RASA_PORT)
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import secrets
import signal
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlparse

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.gateway.identity import load_or_create_key
from bot.gateway.rasa_backend import RasaBackend
from bot.gateway.telegram_app import Gateway, build_application, register_commands, with_retry_after
from bot.settings import Settings

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Loggers that print request URLs, which contain the bot token, at INFO.
NOISY_LOGGERS = ("httpx", "httpcore", "telegram", "aiohttp.access", "apscheduler")


@dataclass(frozen=True)
class GatewayConfig:
    token: str
    rasa_url: str
    host: str = "127.0.0.1"
    port: int = 8080
    webhook_url: Optional[str] = None
    webhook_secret: str = ""
    api_url: Optional[str] = None

    @classmethod
    def from_environment(cls) -> GatewayConfig:
        token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise SystemExit("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather (see README)")
        return cls(
            token=token,
            rasa_url=os.environ.get("RASA_URL") or Settings().rasa_url,
            host=os.environ.get("GATEWAY_HOST", "127.0.0.1"),
            port=int(os.environ.get("GATEWAY_PORT", "8080")),
            webhook_url=os.environ.get("TELEGRAM_WEBHOOK_URL") or None,
            webhook_secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET") or secrets.token_urlsafe(32),
            api_url=os.environ.get("TELEGRAM_API_URL") or None,
        )

    @property
    def webhook_path(self) -> str:
        return urlparse(self.webhook_url or "").path or "/telegram"


def quiet_loggers() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def web_app(config: GatewayConfig, application: Application) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), config.webhook_secret.encode()):
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
    return app


async def serve(config: GatewayConfig, stop: Optional[asyncio.Event] = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    backend = RasaBackend(config.rasa_url)
    gateway = Gateway(backend, load_or_create_key())
    application = build_application(config.token, gateway, config.api_url)
    runner = web.AppRunner(web_app(config, application), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, config.host, config.port).start()
    async with application:
        await register_commands(application)
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
        await stop.wait()
        if application.updater.running:
            await application.updater.stop()
        await application.stop()
    await runner.cleanup()
    await backend.close()


def main() -> int:
    quiet_loggers()
    asyncio.run(serve(GatewayConfig.from_environment()))
    return 0
