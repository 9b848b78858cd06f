"""`helpline`: the one entry point for people running the assistant (see `helpline --help`)."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from typing import List, Optional

from bot.settings import PROJECT_ROOT, Settings


def cmd_train(args: argparse.Namespace) -> int:
    from bot.model_cache import ensure_model

    ensure_model(Settings())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.model_cache import ensure_model
    from bot.services import ServiceError, Supervisor, running_servers
    from bot.terminal_chat import chat

    if cmd_check_contacts(argparse.Namespace(file=None)) != 0:
        return 1
    if Settings().staff_chat_id is not None and cmd_check_staff_hours(argparse.Namespace(file=None)) != 0:
        return 1
    # `kill` or a closed terminal must stop the servers too, not leave them running without us.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(0))
    settings = Settings()
    parts = settings.parts
    rasa_servers = settings.rasa_processes if "rasa" in parts else 0
    if rasa_servers > 1 and not settings.redis_url:
        message = f"RASA_PROCESSES={rasa_servers} needs REDIS_URL (README: Several machines)"
        print(f"error: {message}", file=sys.stderr)
        return 1
    model = ensure_model(settings) if rasa_servers else None
    print(f"starting {', '.join(parts)} (about half a minute)...", flush=True)
    try:
        telegram = bool(settings.telegram_token)
        with running_servers(
            settings,
            model,  # type: ignore[arg-type]
            with_actions="actions" in parts,
            with_gateway="gateway" in parts,
            rasa_servers=rasa_servers,
        ) as services:
            supervisor = Supervisor(services, say=_say).start()
            try:
                _print_addresses(settings, rasa_servers, telegram)
                if sys.stdin.isatty() and not args.no_chat and rasa_servers:
                    chat(settings.rasa_url)
                else:
                    print("Press Ctrl-C to stop.", flush=True)
                    while True:
                        time.sleep(3600)
            finally:
                supervisor.stop()
    except ServiceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    print("stopped.")
    return 0


def _say(line: str) -> None:
    """What the supervisor has to say (a server stopped, restarted), on the console with the time."""
    print(f"[{time.strftime('%H:%M:%S')}] {line}", flush=True)


def _print_addresses(settings: Settings, rasa_servers: int, telegram: bool) -> None:
    print("\nThe assistant is running.")
    for url in settings.local_rasa_urls[:rasa_servers]:
        print(f"  Rasa REST channel: {url}/webhooks/rest/webhook")
    if settings.redis_url:
        print("  Conversations:     in Redis (REDIS_URL), shared by the Rasa servers")
    if "actions" in settings.parts:
        print(f"  Action server:     {settings.action_url}")
    print(f"  Logs:              {settings.run_dir}/")
    if "gateway" not in settings.parts:
        return
    if settings.rasa_url_setting:
        print(f"  Gateway talks to:  {', '.join(settings.rasa_urls)}")
    print("  Demo chat page:    " + "\n                     ".join(demo_addresses(settings)))
    print(f"  Poster to print:   http://localhost:{settings.gateway_port}/poster")
    print(f"  Health of parts:   http://localhost:{settings.gateway_port}/health")
    if telegram:
        mode = "webhook" if settings.telegram_webhook_url else "polling"
        print(f"  Telegram gateway:  on ({mode})")
    else:
        print("  Telegram gateway:  off (set TELEGRAM_BOT_TOKEN to turn it on; see README)")


def demo_addresses(settings: Settings) -> List[str]:
    """Where phones on the same network (a hotspot, the meeting's Wi-Fi) open the demo page."""
    import socket

    port = settings.gateway_port
    if settings.web_host not in ("0.0.0.0", "::", ""):
        return [f"http://{settings.web_host}:{port}/"]
    found = set()
    try:
        found.update(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET))
    except OSError:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing address
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    lan = sorted(a for a in found if not a.startswith("127."))
    return [f"http://{a}:{port}/  (phones on this network)" for a in lan] + [f"http://localhost:{port}/"]


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.terminal_chat import chat

    chat(args.url or Settings().rasa_url)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from bot.model_cache import training_data
    from bot.validation import validate

    return validate(training_data())


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluation import MIN_MACRO_F1, evaluate, failing_splits, misread_story_steps, report, write_json
    from bot.model_cache import ensure_model

    model = ensure_model(Settings())
    scores = evaluate(model)
    print(report(scores))
    misread = misread_story_steps(model)
    print(
        "demo stories: " + ("every step understood" if not misread else "\n  ".join(["misread:", *misread]))
    )
    write_json(scores, Path(args.out))
    print(f"written to {args.out}")
    failing = failing_splits(scores)
    if failing:
        limits = ", ".join(f"{split} (at least {MIN_MACRO_F1[split]})" for split in failing)
        print(f"macro-F1 too low for: {limits}", file=sys.stderr)
        return 1
    return 0


def cmd_gateway(args: argparse.Namespace) -> int:
    from bot.gateway.server import main

    return main()


def cmd_check_contacts(args: argparse.Namespace) -> int:
    from bot.contacts.directory import CONTACTS_FILE, DirectoryError, load_directory

    path = Path(args.file) if args.file else CONTACTS_FILE
    try:
        contacts = load_directory(path)
    except DirectoryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    countries = sorted({c.country for c in contacts})
    print(f"{path}: {len(contacts)} contacts for {', '.join(countries)}")
    return 0


def cmd_check_staff_hours(args: argparse.Namespace) -> int:
    import datetime as dt

    from bot.gateway.counsellors.hours import HoursError, load_hours

    path = Path(args.file) if args.file else Settings().staff_hours
    try:
        hours = load_hours(path)
    except HoursError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    now = dt.datetime.now(hours.zone)
    upcoming = sorted(day for day in hours.holidays if day >= now.date())
    opening = hours.next_opening(now)
    state = "open now" if hours.is_open(now) else f"closed now; next opening {opening:%A %Y-%m-%d %H:%M}"
    print(
        f"{path}: open {hours.hours_a_week():g} hours a week ({hours.zone.key}), "
        f"{len(upcoming)} holiday(s) ahead; {state if opening else 'never open'}"
    )
    return 0


def cmd_readme(args: argparse.Namespace) -> int:
    from bot.readme import README, SECTIONS, write

    if args.write:
        changed = write()
        print(f"{README}: {'updated ' + ', '.join(changed) if changed else 'already up to date'}")
    else:
        for name, render in SECTIONS.items():
            print(f"{name}:\n{render()}\n")
    return 0


def cmd_stats_purge(args: argparse.Namespace) -> int:
    from bot.stats.store import create_engine, database_url, migrate, purge

    engine = create_engine(database_url())
    migrate(engine)
    deleted = purge(engine, args.older_than_days)
    print(f"deleted {deleted} statistics event(s) older than {args.older_than_days} days")
    return 0


def cmd_stats_upgrade(args: argparse.Namespace) -> int:
    from bot.reports.source import database_location, describe
    from bot.stats.store import create_engine, current_revision, migrate, newest_revision

    location = database_location(args.database)
    if "://" not in location and not Path(location).expanduser().is_file():
        print(f"error: there is no statistics database at {location}", file=sys.stderr)
        return 1
    url = location if "://" in location else f"sqlite:///{Path(location).expanduser()}"
    engine = create_engine(url)
    before = current_revision(engine)
    migrate(engine)
    print(f"{describe(location)}: schema {before or 'none'} -> {newest_revision()}")
    return 0


def cmd_stats_sample(args: argparse.Namespace) -> int:
    from bot.reports.source import database_location
    from bot.stats.sample import sample_events, write_sample
    from bot.stats.store import create_engine, migrate

    target = Path(args.database).expanduser().resolve()
    live = database_location(None)
    if "://" not in live and Path(live).expanduser().resolve() == target:
        print(f"error: {target} holds the assistant's real statistics; choose another file", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{target}")
    migrate(engine)
    written = write_sample(engine, sample_events(days=args.days, per_day=args.per_day, seed=args.seed))
    engine.dispose()
    print(f"{target}: {written} made-up events over {args.days} days, marked as sample data.")
    print(f"See the report with:\n  helpline report --database {target} --html sample-report.html")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from bot.reports.command import run

    return run(args)


def cmd_check_locales(args: argparse.Namespace) -> int:
    from bot.i18n.catalogs import main

    return main()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="helpline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("train", help="train the model if its inputs changed").set_defaults(func=cmd_train)
    run = sub.add_parser("run", help="start the assistant (and a terminal chat when interactive)")
    run.add_argument("--no-chat", action="store_true", help="only run the servers")
    run.set_defaults(func=cmd_run)
    chat = sub.add_parser("chat", help="chat in the terminal with a running assistant")
    chat.add_argument("--url", help="the Rasa server (default from RASA_PORT)")
    chat.set_defaults(func=cmd_chat)
    sub.add_parser("validate", help="rasa data validate, failing on warnings").set_defaults(func=cmd_validate)
    ev = sub.add_parser("eval", help="intent accuracy and macro-F1 per language on the held-out split")
    ev.add_argument("--out", default=str(PROJECT_ROOT / "results" / "eval.json"))
    ev.set_defaults(func=cmd_eval)
    sub.add_parser("check-locales", help="every response translated, not fuzzy").set_defaults(
        func=cmd_check_locales
    )
    sub.add_parser("gateway", help="the Telegram gateway (needs TELEGRAM_BOT_TOKEN)").set_defaults(
        func=cmd_gateway
    )
    contacts = sub.add_parser("check-contacts", help="check data/contacts.yml (also done at start-up)")
    contacts.add_argument("file", nargs="?", help="another contacts file to check")
    contacts.set_defaults(func=cmd_check_contacts)
    hours = sub.add_parser(
        "check-staff-hours", help="check data/staff_hours.yml, the counsellors' hours (also done at start-up)"
    )
    hours.add_argument("file", nargs="?", help="another hours file to check")
    hours.set_defaults(func=cmd_check_staff_hours)
    readme = sub.add_parser("readme", help="the README's generated tables: numbers by place, settings")
    readme.add_argument("--write", action="store_true", help="write them into README.md, between markers")
    readme.set_defaults(func=cmd_readme)
    stats = sub.add_parser("stats", help="the anonymous statistics").add_subparsers(
        dest="stats", required=True
    )
    purge = stats.add_parser("purge", help="delete events older than an age")
    purge.add_argument("--older-than-days", type=int, default=730, help="default: 730 (two years)")
    purge.set_defaults(func=cmd_stats_purge)
    upgrade = stats.add_parser("upgrade", help="bring a statistics database to this version's schema")
    upgrade.add_argument("--database", help="file or URL (default: the assistant's)")
    upgrade.set_defaults(func=cmd_stats_upgrade)
    sample = stats.add_parser("sample", help="make up realistic sample statistics to try reports on")
    sample.add_argument("--database", default=str(PROJECT_ROOT / "var" / "sample-statistics.sqlite3"))
    sample.add_argument("--days", type=int, default=182, help="default: 182 (two quarters)")
    sample.add_argument("--per-day", type=float, default=25.0, help="conversations a day (default: 25)")
    sample.add_argument("--seed", type=int, default=7)
    sample.set_defaults(func=cmd_stats_sample)
    from bot.reports.command import add_arguments

    report = sub.add_parser("report", help="the anonymous demand report (terminal, HTML, CSV)")
    add_arguments(report)
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
