"""The action server as `helpline run` starts it: rasa_sdk's app, on loopback, with bounded request
bodies, logs that keep nothing she wrote, and a failing action answered with the default answer.

rasa_sdk's own server listens on every network unless SANIC_HOST is set, inflates a compressed
body without a limit, and answers a failing action with the whole tracker it was sent (which Rasa
then logs). Here the app is built the same way and those three are closed.
"""

from __future__ import annotations

import argparse
import logging
import zlib
from typing import List, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.runtime.logs import keep_text_out_of_logs
from bot.settings import MAX_REQUEST_BYTES, Settings

logger = logging.getLogger("bot.runtime.action_server")  # not __main__: run with -m
# What she gets when an action fails: the fallback answer, which carries the help numbers.
FAILED_ACTION_REPLY = {"events": [], "responses": [{"response": "utter_default"}]}


def build_app(actions_package: str) -> Sanic:
    from rasa_sdk.endpoint import create_app

    app = create_app(actions_package, cors_origins=None)

    @app.middleware("request")
    async def bounded_body(request: Request) -> Optional[HTTPResponse]:
        if request.headers.get("Content-Encoding") == "deflate" and not _within(request.body):
            return response.json({"error": "request too large"}, status=413)
        return None

    @app.exception(Exception)
    async def failed(request: Request, exception: Exception) -> HTTPResponse:
        logger.error("an action failed (%s); she gets the default answer", type(exception).__name__)
        return response.json(FAILED_ACTION_REPLY, status=200)

    return app


def _within(body: bytes) -> bool:
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(body, MAX_REQUEST_BYTES + 1)
    except zlib.error:
        return True  # not deflate data: rasa_sdk answers that itself
    return len(inflated) <= MAX_REQUEST_BYTES


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--actions", default="actions", help="the package of actions (tests add a failing one)"
    )
    parser.add_argument("--port", type=int, help="default: ACTION_PORT")
    args = parser.parse_args(argv)
    settings = Settings()
    keep_text_out_of_logs()
    app = build_app(args.actions)
    logger.info("action server on %s:%d", settings.host, args.port or settings.action_port)
    app.run(settings.host, args.port or settings.action_port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
