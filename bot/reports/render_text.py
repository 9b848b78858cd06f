"""The report as plain tables for the terminal."""

from __future__ import annotations

from typing import List, Sequence

from bot.reports import formatting as fmt
from bot.reports import labels
from bot.reports.build import CrossTable, Report, Table
from bot.reports.suppression import TOTAL


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]]) -> List[str]:
    """Columns padded by display width; the first column left-aligned, numbers right-aligned."""
    widths = [max(fmt.width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - fmt.width(cell))
            parts.append(cell + pad if i == 0 else pad + cell)
        return "  ".join(parts).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _table(report: Report, table: Table) -> List[str]:
    lang, k = report.language, report.threshold
    header = ["", report.t(labels.THIS_PERIOD), report.t(labels.PREVIOUS_PERIOD), report.t(labels.CHANGE)]
    with_share = table.total is not None
    if with_share:
        header.insert(2, report.t(labels.SHARE))
    rows = []
    for row in table.lines:
        cells = [
            row.label,
            fmt.count(row.current, k, lang),
            fmt.count(row.previous, k, lang),
            fmt.change(row.change, lang),
        ]
        if with_share:
            cells.insert(2, fmt.share(row.share, lang))
        rows.append(cells)
    return [table.title, *_grid(header, rows), ""]


def _cross(report: Report, table: CrossTable) -> List[str]:
    lang, k = report.language, report.threshold
    header = [table.row_label, *(label for _, label in table.columns), report.t(labels.PREVIOUS_PERIOD)]
    header.append(report.t(labels.CHANGE))
    rows = []
    for row_key, row_label in [*table.rows, (TOTAL, report.t(labels.TOTAL))]:
        cells = [row_label, *(fmt.count(table.cells[(row_key, c)], k, lang) for c, _ in table.columns)]
        cells += [fmt.count(table.previous_totals[row_key], k, lang), fmt.change(table.change(row_key), lang)]
        rows.append(cells)
    return [table.title, *_grid(header, rows), ""]


def render_text(report: Report) -> str:
    lang, k = report.language, report.threshold
    out = [report.t(labels.TITLE)]
    if report.sample:
        out.append(f"*** {report.t(labels.SAMPLE_BANNER)} ***")
    out.append(period_line(report))
    if report.include_demo:
        out.append(report.t(labels.DEMO_INCLUDED))
    out.append("")
    out += _table(report, report.summary)
    weeks = [[w.label, fmt.count(w.cell, k, lang)] for w in report.weeks]
    weeks.append([report.t(labels.TOTAL), fmt.count(report.weeks_total, k, lang)])
    out += [report.t(labels.WEEKLY), *_grid(["", report.t(labels.CONVERSATIONS)], weeks), ""]
    for table in report.tables:
        out += _table(report, table)
    if report.handoffs:
        out += _cross(report, report.handoffs)
    for table in report.person:
        out += _table(report, table)
    out += [report.t(labels.METHOD_TITLE), method_text(report)]
    return "\n".join(out) + "\n"


def period_line(report: Report) -> str:
    lang = report.language
    return report.t(
        labels.PERIOD,
        start=fmt.day(report.period.start, lang),
        end=fmt.day(report.period.end, lang),
        previous_start=fmt.day(report.previous.start, lang),
        previous_end=fmt.day(report.previous.end, lang),
    )


def method_text(report: Report) -> str:
    text = report.t(labels.METHOD, threshold=report.threshold)
    if report.person:
        text += " " + report.t(labels.METHOD_PERSON)
    if not report.include_demo:
        text += " " + report.t(labels.METHOD_DEMO)
    return text
