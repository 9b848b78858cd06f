"""Made-up statistics, so that a new user sees a full report in a minute.

The events follow the shapes the NGO expects (mostly Lao, Thailand as the main destination, a few
emergencies, scam-compound questions growing, village meetings on the demo page) but are
invented. Every row carries sample=True, and reports of them say so on every page.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Callable, Dict, Iterator, List, Optional

import sqlalchemy as sa

from bot.stats.schema import StatEvent, daily_counts
from bot.stats.store import add_counts
from bot.vocabulary import PERSON_ACCEPTED, PERSON_ANSWERED, PERSON_CLOSED, PERSON_OFFERED

DEFAULT_DAYS = 182  # two quarters: a quarter's report and the quarter before it to compare with

LANGUAGES = {"lo": 0.62, "th": 0.26, "en": 0.12}
TOPICS = {
    "ask_safe_migration": 10,
    "ask_documents": 8,
    "ask_recruitment_fees": 7,
    "ask_legal_recruitment": 6,
    "ask_worker_rights": 8,
    "ask_warning_signs": 7,
    "ask_what_is_trafficking": 3,
    "check_job_offer": 9,
    "ask_marriage_offer": 5,
    "ask_online_job_scam": 5,  # grows over the period, see _topic_weights
    "ask_online_romance": 4,
    "need_help_now": 2,
    "ask_hotline": 7,
    "report_trafficking": 3,
    "ask_go_home": 3,
    "about_privacy": 3,
    "ask_safe_chat": 2,
    "greet": 12,
    "thanks": 6,
}
DESTINATIONS = {
    "thailand": 55,
    "china": 14,
    "malaysia": 6,
    "myanmar": 6,
    "cambodia": 6,
    "japan": 5,
    "laos": 4,
    "vietnam": 3,
    "other": 1,
}
WHERE_SHE_IS = {"laos": 50, "thailand": 38, "china": 4, "malaysia": 2, "myanmar": 2, "cambodia": 1}
HANDOFF_NEED = {
    "need_help_now": "emergency",
    "ask_hotline": "help",
    "report_trafficking": "help",
    "ask_go_home": "going_home",
    "ask_worker_rights": "labour",
}
OUTCOMES = {"low": 35, "some": 40, "high": 25}
# Talking to a person: offered after danger answers and risky job offers (and when she asks), about a
# third agree; most are answered within minutes.
WAITS = {"<2m": 40, "2-5m": 30, "5-15m": 18, "15-60m": 9, ">60m": 3}
CLOSED_ANSWERED = {"her": 45, "staff": 40, "silence": 12, "restart": 1, "blocked": 2}
CLOSED_UNANSWERED = {"her": 60, "silence": 35, "unreach": 5}


def _pick(rng: random.Random, weights: Dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method for small means, a rounded normal for large ones."""
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _topic_weights(progress: float) -> Dict[str, float]:
    weights = dict(TOPICS)
    weights["ask_online_job_scam"] *= 1 + 2.5 * progress  # scam-compound recruitment rising
    weights["ask_marriage_offer"] *= 1.2 - 0.4 * progress
    return weights


def _person(rng: random.Random, reason: str, event: Callable[..., StatEvent]) -> Iterator[StatEvent]:
    yield event(PERSON_OFFERED, outcome=reason)
    if rng.random() < 0.35:
        yield event(PERSON_ACCEPTED)
        answered = rng.random() < 0.85
        if answered:
            yield event(PERSON_ANSWERED, outcome=_pick(rng, WAITS))
        yield event(PERSON_CLOSED, outcome=_pick(rng, CLOSED_ANSWERED if answered else CLOSED_UNANSWERED))


def _conversation(
    rng: random.Random, day: dt.date, progress: float, demo: bool, person: random.Random
) -> Iterator[StatEvent]:
    language = _pick(rng, LANGUAGES)
    channel = "web" if demo else ("telegram" if rng.random() < 0.93 else "web")

    def event(kind: str, **fields: Optional[str]) -> StatEvent:
        return StatEvent(
            day=day, kind=kind, channel=channel, demo=demo, sample=True, language=language, **fields
        )

    yield event("conversation")
    weights = _topic_weights(progress)
    location: Optional[str] = None
    for _ in range(rng.choices((1, 2, 3, 4), weights=(45, 30, 17, 8))[0]):
        if rng.random() < 0.08:
            yield event("fallback")
            continue
        topic = _pick(rng, weights)
        country = _pick(rng, DESTINATIONS) if rng.random() < 0.4 else None
        yield event("topic", topic=topic, country=country, location=location)
        need = HANDOFF_NEED.get(topic)
        if need and (need != "labour" or rng.random() < 0.4):
            if location is None:  # asked "where are you now?", most answer
                location = _pick(rng, WHERE_SHE_IS) if rng.random() < 0.94 else "unknown"
                yield event("location", location=location)
            yield event("handoff", location=location, need=need)
            if need == "emergency" and person.random() < 0.7:
                yield from _person(person, "danger", event)
        if topic == "check_job_offer" and rng.random() < 0.7:
            outcome = _pick(rng, OUTCOMES)
            yield event("job_check", outcome=outcome)
            if outcome == "high" and person.random() < 0.7:
                yield from _person(person, "jobcheck", event)
    if person.random() < 0.015:
        yield from _person(person, "asked" if person.random() < 0.7 else "help", event)


def sample_events(
    days: int = DEFAULT_DAYS, per_day: float = 25.0, until: Optional[dt.date] = None, seed: int = 7
) -> Iterator[StatEvent]:
    """About `per_day` conversations a day for `days` days up to `until`, quieter mid-week,
    slowly growing, with a village meeting on the demo page now and then."""
    rng = random.Random(seed)
    person = random.Random(seed + 104_729)  # its own draws: the rest of the sample stays as it was
    last = until or dt.date.today()
    first = last - dt.timedelta(days=days - 1)
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        progress = offset / max(days - 1, 1)
        weekly = (0.85, 0.8, 0.85, 0.9, 1.05, 1.3, 1.25)[day.weekday()]
        for _ in range(_poisson(rng, per_day * weekly * (0.85 + 0.3 * progress))):
            yield from _conversation(rng, day, progress, demo=False, person=person)
        if rng.random() < 0.06:  # a meeting: the volunteer and the audience try the demo page
            for _ in range(rng.randint(8, 30)):
                yield from _conversation(rng, day, progress, demo=True, person=person)


def write_sample(engine: sa.engine.Engine, stream: Iterator[StatEvent], batch: int = 20_000) -> int:
    """Replace the earlier sample events with these; returns how many were written."""
    written = 0
    with engine.begin() as connection:
        connection.execute(daily_counts.delete().where(daily_counts.c.sample == sa.true()))
        events: List[StatEvent] = []
        for event in stream:
            events.append(event)
            if len(events) >= batch:
                add_counts(connection, events)
                written, events = written + len(events), []
        add_counts(connection, events)
        written += len(events)
    return written
