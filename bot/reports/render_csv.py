"""The report as one long CSV table, for pivot tables: one line per number.

Numbers are plain (1234, 12.5) so that spreadsheets compute with them; hidden numbers are the
same marks as on the page. Labels are in the report's language, keys beside them stay English.
"""

from __future__ import annotations

import csv
import io
from typing import List, Optional

from bot.reports import formatting as fmt
from bot.reports import labels
from bot.reports.build import Report, Row
from bot.reports.suppression import TOTAL, Cell, Shown

HEADER = [
    "table",
    "row_key",
    "row",
    "column_key",
    "column",
    "this_period",
    "share_percent",
    "previous_period",
    "change_percent",
]


def _number(cell: Optional[Cell], threshold: int) -> str:
    if cell is None:
        return ""
    if cell.shown is Shown.SMALL:
        return f"<{threshold}"
    return fmt.PROTECTING_MARK if cell.shown is Shown.PROTECTING else str(cell.count)


def _percent(value: Optional[float]) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def render_csv(report: Report) -> str:
    k = report.threshold
    lines: List[List[str]] = [HEADER]
    meta = {
        "period_start": report.period.start.isoformat(),
        "period_end": report.period.end.isoformat(),
        "previous_start": report.previous.start.isoformat(),
        "previous_end": report.previous.end.isoformat(),
        "threshold": str(k),
        "demo_included": "yes" if report.include_demo else "no",
        "sample_data": "yes" if report.sample else "no",
    }
    lines += [["report", key, "", "", "", value, "", "", ""] for key, value in meta.items()]

    def row_line(table: str, row: Row, label: str) -> List[str]:
        return [
            table,
            row.key,
            label,
            "",
            "",
            _number(row.current, k),
            _percent(row.share),
            _number(row.previous, k),
        ]

    for row in report.summary.rows:
        lines.append([*row_line("summary", row, row.label), _percent(row.change)])
    for week in report.weeks:
        lines.append(
            ["weekly", week.monday.isoformat(), week.label, "", "", _number(week.cell, k), "", "", ""]
        )
    lines.append(
        ["weekly", TOTAL, report.t(labels.TOTAL), "", "", _number(report.weeks_total, k), "", "", ""]
    )
    for table in report.tables:
        for row in table.lines:
            lines.append([*row_line(table.key, row, row.label), _percent(row.change)])
    cross = report.handoffs
    if cross:
        for row_key, row_label in [*cross.rows, (TOTAL, report.t(labels.TOTAL))]:
            for column_key, column_label in cross.columns:
                cell = cross.cells[(row_key, column_key)]
                is_total = column_key == TOTAL
                previous = _number(cross.previous_totals[row_key], k) if is_total else ""
                change = _percent(cross.change(row_key)) if is_total else ""
                lines.append(
                    [
                        cross.key,
                        row_key,
                        row_label,
                        column_key,
                        column_label,
                        _number(cell, k),
                        "",
                        previous,
                        change,
                    ]
                )
    for table in report.person:
        for row in table.lines:
            lines.append([*row_line(table.key, row, row.label), _percent(row.change)])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    return buffer.getvalue()
