"""The Rasa server as `helpline run` starts it: Rasa's own command line (`python -m
bot.runtime.rasa_server run ...`), with logs that keep nothing she wrote (bot/runtime/logs.py) and
without Rasa's needless per-message costs (bot/runtime/rasa_speedups.py)."""

from __future__ import annotations

from bot.runtime.logs import keep_text_out_of_logs


def main() -> None:
    keep_text_out_of_logs(handler=False)  # before Rasa configures its own handlers
    from rasa.__main__ import main as rasa_main

    from bot.runtime import rasa_speedups

    rasa_speedups.install()

    rasa_main()


if __name__ == "__main__":
    main()
