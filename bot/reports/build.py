"""From event counts to the report's tables, with small counts hidden.

Everything a renderer shows is decided here: labels in the report's language, which cells are
hidden, and the shares and changes, computed only from numbers that may be shown.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from babel.dates import format_date

from bot.contacts.handoff import COUNTRY_NAMES
from bot.i18n.catalogs import translate
from bot.reports import labels
from bot.reports.period import Period
from bot.reports.source import EventCounts
from bot.reports.suppression import TOTAL, Cell, protect_column, protect_table, single
from bot.vocabulary import (
    COUNTRIES,
    LOCATIONS,
    PERSON_ACCEPTED,
    PERSON_ANSWERED,
    PERSON_CLOSED,
    PERSON_KINDS,
    PERSON_OFFERED,
    UNKNOWN_PLACE,
)

NONE_KEY = "not_known"  # a field nobody knew: not "unknown", which is she said she does not know


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    current: Cell
    previous: Cell
    share: Optional[float] = None  # of the table's total, when both may be shown

    @property
    def change(self) -> Optional[float]:
        """Relative change against the previous period, only between numbers that may be shown."""
        now, before = self.current.value(), self.previous.value()
        if now is None or before is None or before == 0:
            return None
        return (now - before) / before


@dataclass
class Table:
    key: str
    title: str
    rows: List[Row]
    total: Optional[Row] = None  # None where the rows do not add up to anything (the summary)
    chart: bool = True

    @property
    def lines(self) -> List[Row]:
        """The rows, then the total row where there is one."""
        return [*self.rows, *([self.total] if self.total else [])]


@dataclass
class CrossTable:
    key: str
    title: str
    row_label: str
    rows: List[tuple]  # (key, label)
    columns: List[tuple]  # (key, label), then the total column
    cells: Dict[tuple, Cell]  # (row key, column key); TOTAL for the margins
    previous_totals: Dict[str, Cell]  # row key (and TOTAL) -> the previous period's row total

    def change(self, row: str) -> Optional[float]:
        return Row(row, "", self.cells[(row, TOTAL)], self.previous_totals[row]).change


@dataclass
class Week:
    monday: dt.date
    label: str
    cell: Cell


@dataclass
class Report:
    language: str
    period: Period
    previous: Period
    threshold: int
    include_demo: bool
    sample: bool
    summary: Table
    weeks: List[Week]
    weeks_total: Cell
    tables: List[Table] = field(default_factory=list)
    handoffs: Optional[CrossTable] = None
    person: List[Table] = field(default_factory=list)  # only where a person was offered at all

    def t(self, text: str, **values: object) -> str:
        translated = translate(text, self.language)
        return translated.format(**values) if values else translated


def _tally(counts: Counter, kind: str, field_index: int) -> Counter:
    """Events of one kind by one field (2 language, 3 topic, 4 country, 5 location, 6 need, 7 outcome)."""
    tally: Counter = Counter()
    for key, number in counts.items():
        if key[1] == kind:
            tally[key[field_index] or NONE_KEY] += number
    return tally


def _kind_total(counts: Counter, kind: str) -> int:
    return sum(number for key, number in counts.items() if key[1] == kind)


def _table(
    key: str,
    title: str,
    categories: Sequence[tuple],
    now: Counter,
    before: Counter,
    threshold: int,
    total_label: str,
) -> Table:
    """A one-column table (this period) with its total, and the previous period beside it, each
    protected on its own: both columns publish their totals."""
    keys = [k for k, _ in categories]
    now_cells, now_total = protect_column([now.get(k, 0) for k in keys], threshold)
    before_cells, before_total = protect_column([before.get(k, 0) for k in keys], threshold)
    total_value = now_total.value()
    rows = []
    for (k, label), cell, previous in zip(categories, now_cells, before_cells, strict=False):
        share = cell.count / total_value if cell.visible and total_value else None
        rows.append(Row(k, label, cell, previous, share))
    total = Row(TOTAL, total_label, now_total, before_total, 1.0 if total_value else None)
    return Table(key, title, rows, total)


def build_report(
    now_counts: EventCounts,
    before_counts: EventCounts,
    period: Period,
    language: str,
    threshold: int,
    include_demo: bool,
) -> Report:
    now, before = now_counts.counts, before_counts.counts

    def t(text: str) -> str:
        return translate(text, language)

    def summary_row(key: str, label: str, kind: str) -> Row:
        current, previous = (single(_kind_total(c, kind), threshold) for c in (now, before))
        return Row(key, t(label), current, previous)

    summary = Table(
        "summary",
        t(labels.SUMMARY),
        [
            summary_row("conversations", labels.CONVERSATIONS, "conversation"),
            summary_row("handoffs", labels.HANDOFFS, "handoff"),
            summary_row("job_checks", labels.JOB_CHECKS, "job_check"),
            summary_row("not_understood", labels.NOT_UNDERSTOOD, "fallback"),
        ],
        chart=False,
    )

    report = Report(
        language=language,
        period=period,
        previous=period.previous(),
        threshold=threshold,
        include_demo=include_demo,
        sample=now_counts.sample or before_counts.sample,
        summary=summary,
        weeks=[],
        weeks_total=summary.rows[0].current,
    )
    report.weeks, report.weeks_total = _weeks(now, period, threshold, language)

    def named(mapping: Dict[str, str], keys: Iterable[str]) -> List[tuple]:
        return [(k, t(mapping[k]) if k in mapping else t(labels.NOT_KNOWN)) for k in keys]

    languages = named(labels.LANGUAGE_NAMES, [*labels.LANGUAGE_NAMES, NONE_KEY])
    topics = named(labels.TOPICS, labels.TOPICS)
    countries = named(COUNTRY_NAMES, COUNTRIES)
    places = named({**COUNTRY_NAMES, UNKNOWN_PLACE: labels.DOES_NOT_KNOW}, LOCATIONS)
    outcomes = named(labels.OUTCOMES, labels.OUTCOMES)
    tallies: List[Tuple[str, str, List[tuple], Callable[[Counter], Counter]]] = [
        ("topics", labels.TOPICS_TITLE, topics, lambda c: _tally(c, "topic", 3)),
        ("languages", labels.LANGUAGES_TITLE, languages, lambda c: _tally(c, "conversation", 2)),
        ("countries", labels.COUNTRIES_TITLE, countries, _countries),
        ("locations", labels.LOCATIONS_TITLE, places, lambda c: _tally(c, "location", 5)),
        ("job_checks", labels.OUTCOMES_TITLE, outcomes, lambda c: _tally(c, "job_check", 7)),
    ]
    report.tables = [
        _table(key, t(title), categories, tally(now), tally(before), threshold, t(labels.TOTAL))
        for key, title, categories, tally in tallies
    ]
    report.handoffs = _handoffs(now, before, threshold, t)
    if any(key[1] in PERSON_KINDS for counts in (now, before) for key in counts):
        report.person = _person(now, before, threshold, t, summary_row, named)
    return report


def _person(
    now: Counter,
    before: Counter,
    threshold: int,
    t: Callable[[str], str],
    summary_row: Callable[[str, str, str], Row],
    named: Callable[[Dict[str, str], Iterable[str]], List[tuple]],
) -> List[Table]:
    """Talking to a person: offered, accepted, answered (each on its own: they do not add up), then why,
    how long she waited, and how it ended, each with its total."""
    steps = [
        summary_row("offered", labels.PERSON_OFFERED, PERSON_OFFERED),
        summary_row("accepted", labels.PERSON_ACCEPTED, PERSON_ACCEPTED),
        summary_row("answered", labels.PERSON_ANSWERED, PERSON_ANSWERED),
    ]
    tables = [Table("person", t(labels.PERSON_TITLE), steps, chart=False)]
    parts = [
        ("person_reasons", labels.PERSON_REASONS_TITLE, labels.PERSON_REASONS, PERSON_OFFERED),
        ("person_waits", labels.PERSON_WAITS_TITLE, labels.WAIT_BANDS, PERSON_ANSWERED),
        ("person_closed", labels.PERSON_CLOSED_TITLE, labels.CLOSERS, PERSON_CLOSED),
    ]
    for key, title, categories, kind in parts:
        rows = named(categories, categories)
        tally_now, tally_before = _tally(now, kind, 7), _tally(before, kind, 7)
        tables.append(_table(key, t(title), rows, tally_now, tally_before, threshold, t(labels.TOTAL)))
    return tables


def _countries(counts: Counter) -> Counter:
    """Countries named in questions; questions that named none are not a country."""
    tally = _tally(counts, "topic", 4)
    tally.pop(NONE_KEY, None)
    return tally


def _weeks(counts: Counter, period: Period, threshold: int, language: str) -> tuple:
    by_week: Counter = Counter()
    for key, number in counts.items():
        if key[1] == "conversation":
            by_week[key[0] - dt.timedelta(days=key[0].weekday())] += number
    mondays = period.weeks()
    cells, total = protect_column([by_week.get(m, 0) for m in mondays], threshold)
    week_of = translate(labels.WEEK_OF, language)
    weeks = [
        Week(m, week_of.format(day=format_date(max(m, period.start), "d MMM", locale=language)), c)
        for m, c in zip(mondays, cells, strict=False)
    ]
    return weeks, total


def _handoffs(now: Counter, before: Counter, threshold: int, t: Callable[[str], str]) -> CrossTable:
    rows = [(c, t(COUNTRY_NAMES[c])) for c in COUNTRIES] + [(NONE_KEY, t(labels.NOT_KNOWN))]
    rows.insert(len(COUNTRIES), (UNKNOWN_PLACE, t(labels.DOES_NOT_KNOW)))
    columns = [(n, t(label)) for n, label in labels.NEEDS.items()] + [(NONE_KEY, t(labels.NOT_KNOWN))]
    row_keys, column_keys = [k for k, _ in rows], [k for k, _ in columns]

    def cross(counts: Counter) -> Counter:
        tally: Counter = Counter()
        for key, number in counts.items():
            if key[1] == "handoff":
                tally[(key[5] or NONE_KEY, key[6] or NONE_KEY)] += number
        return tally

    cells = protect_table(cross(now), row_keys, column_keys, threshold)
    # The previous period is shown only by its row totals: a column of counts with its total.
    previous_rows = Counter()
    for (row, _), number in cross(before).items():
        previous_rows[row] += number
    previous_cells, previous_total = protect_column([previous_rows.get(k, 0) for k in row_keys], threshold)
    previous_totals = dict(zip(row_keys, previous_cells, strict=False))
    previous_totals[TOTAL] = previous_total
    return CrossTable(
        "handoffs",
        t(labels.HANDOFFS_TITLE),
        t(labels.WHERE_SHE_IS),
        rows,
        columns + [(TOTAL, t(labels.TOTAL))],
        cells,
        previous_totals,
    )
