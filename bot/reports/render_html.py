"""The report as one HTML file that opens anywhere without internet: styles inline, charts drawn
as inline SVG, fonts from the reader's own computer (Lao and Thai fonts come with Windows,
macOS, Android and most Linux systems). It prints on A4 in black and white."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import List, Optional, Sequence

from bot.reports import formatting as fmt
from bot.reports import labels
from bot.reports.build import CrossTable, Report, Table
from bot.reports.render_text import method_text, period_line
from bot.reports.suppression import TOTAL, Cell

STYLE = """
body{font-family:"Noto Sans Lao","Phetsarath OT","Saysettha OT","Lao UI","Leelawadee UI","Noto Sans Thai",
Tahoma,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#111;line-height:1.5}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.6rem 0 .4rem;border-bottom:2px solid #111}
.period{color:#333}.sample{border:3px solid #b00;color:#b00;font-weight:bold;padding:.5rem;margin:.5rem 0}
.cards{display:flex;flex-wrap:wrap;gap:.6rem}
.card{border:1px solid #888;border-radius:6px;padding:.5rem .8rem;min-width:9rem;flex:1}
.card .n{font-size:1.8rem;font-weight:bold}.card .was{color:#444;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{padding:.25rem .45rem;border-bottom:1px solid #ccc}
th{text-align:left;background:#f0f0f0}td.n,th.n{text-align:right;white-space:nowrap}td.bar{width:35%}
tr.total td{font-weight:bold;border-top:2px solid #111}svg.chart{display:block;width:100%;height:auto}
svg.weekly{max-height:15rem}
.legend,.made{font-size:.85rem;color:#333}
.method{background:#f6f6f6;padding:.6rem .8rem;border-left:4px solid #111}
@media print{body{max-width:none;padding:0;font-size:10pt}h2{break-after:avoid}table,svg{break-inside:avoid}
.card{border-color:#000}@page{size:A4;margin:14mm}}
"""


_SMALL_TEXT = 'font-size="10" text-anchor="middle"'


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _bar(cell: Cell, largest: int, threshold: int) -> str:
    """A horizontal bar in a table row; a hidden count gets an empty dashed box, not a length."""
    if not cell.visible:
        return (
            '<svg class="chart bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
            f'aria-label="{_e(fmt.count(cell, threshold, "en"))}"><rect x="0.5" y="1" width="6" height="8" '
            'fill="none" stroke="#555" stroke-dasharray="1 1" vector-effect="non-scaling-stroke"/></svg>'
        )
    length = 100 * cell.count / largest if largest else 0
    return (
        '<svg class="chart bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{cell.count}"><rect x="0" y="1" width="{length:.2f}" height="8" fill="#333"/></svg>'
    )


def _weekly_chart(report: Report) -> str:
    """Columns per week; hidden weeks are dashed outlines labelled <5."""
    weeks, k = report.weeks, report.threshold
    largest = max((w.cell.count for w in weeks if w.cell.visible), default=0)
    step, height, top, bottom = 40, 160, 18, 34
    width = max(step * len(weeks), 200)
    parts = [
        f'<svg class="chart weekly" viewBox="0 0 {width} {height + top + bottom}" role="img" '
        f'aria-label="{_e(report.t(labels.WEEKLY))}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="0" y1="{top + height}" x2="{width}" y2="{top + height}" stroke="#111"/>',
    ]
    for i, week in enumerate(weeks):
        x = i * step + 6
        label = fmt.count(week.cell, k, report.language)
        if week.cell.visible and largest:
            h = max(1.0, height * week.cell.count / largest)
            parts.append(
                f'<rect x="{x}" y="{top + height - h:.1f}" width="{step - 12}" height="{h:.1f}" fill="#333"/>'
            )
            y = top + height - h - 4
        else:
            parts.append(
                f'<rect x="{x}" y="{top + height - 12}" width="{step - 12}" height="12" fill="none" '
                'stroke="#555" stroke-dasharray="3 2"/>'
            )
            y = top + height - 16
        middle = x + (step - 12) / 2
        day = f"{week.monday.day}/{week.monday.month}"
        parts.append(f'<text x="{middle}" y="{y:.1f}" {_SMALL_TEXT}>{_e(label)}</text>')
        parts.append(f'<text x="{middle}" y="{top + height + 14}" {_SMALL_TEXT}>{day}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _section(key: str, title: str, body: str) -> str:
    return f'<section id="{_e(key)}"><h2>{_e(title)}</h2>{body}</section>'


def _grid(head: Sequence[str], body: Sequence[str]) -> str:
    return f"<table><thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _change_cell(value: Optional[float], language: str) -> str:
    arrow = "" if value is None else "▲ " if value > 0 else "▼ " if value < 0 else ""
    return f'<td class="n">{arrow}{_e(fmt.change(value, language))}</td>'


def _table(report: Report, table: Table) -> str:
    lang, k = report.language, report.threshold
    largest = max((r.current.count for r in table.rows if r.current.visible), default=0)
    head = [
        "<th></th>",
        "<th></th>",
        f'<th class="n">{_e(report.t(labels.THIS_PERIOD))}</th>',
        f'<th class="n">{_e(report.t(labels.SHARE))}</th>',
        f'<th class="n">{_e(report.t(labels.PREVIOUS_PERIOD))}</th>',
        f'<th class="n">{_e(report.t(labels.CHANGE))}</th>',
    ]
    body = []
    for row in table.lines:
        total = row.key == TOTAL
        body.append(
            f'<tr class="{"total" if total else ""}" data-key="{_e(row.key)}"><td>{_e(row.label)}</td>'
            f'<td class="bar">{"" if total else _bar(row.current, largest, k)}</td>'
            f'<td class="n">{_e(fmt.count(row.current, k, lang))}</td>'
            f'<td class="n">{_e(fmt.share(row.share, lang))}</td>'
            f'<td class="n">{_e(fmt.count(row.previous, k, lang))}</td>'
            f"{_change_cell(row.change, lang)}</tr>"
        )
    return _section(table.key, table.title, _grid(head, body))


def _cross(report: Report, table: CrossTable) -> str:
    lang, k = report.language, report.threshold
    inner = [(r, c) for r, _ in table.rows for c, _ in table.columns if TOTAL not in (r, c)]
    largest = max((table.cells[key].count for key in inner if table.cells[key].visible), default=0)
    head = [f"<th>{_e(table.row_label)}</th>"]
    head += [f'<th class="n">{_e(label)}</th>' for _, label in table.columns]
    head += [
        f'<th class="n">{_e(report.t(labels.PREVIOUS_PERIOD))}</th>',
        f'<th class="n">{_e(report.t(labels.CHANGE))}</th>',
    ]
    body = []
    for row_key, row_label in [*table.rows, (TOTAL, report.t(labels.TOTAL))]:
        cells = []
        for column_key, _ in table.columns:
            cell = table.cells[(row_key, column_key)]
            shade = ""
            if cell.visible and largest and TOTAL not in (row_key, column_key):
                grey = 255 - int(120 * cell.count / largest)
                shade = f' style="background:rgb({grey},{grey},{grey})"'
            cells.append(f'<td class="n"{shade}>{_e(fmt.count(cell, k, lang))}</td>')
        cells.append(f'<td class="n">{_e(fmt.count(table.previous_totals[row_key], k, lang))}</td>')
        cells.append(_change_cell(table.change(row_key), lang))
        css = "total" if row_key == TOTAL else ""
        body.append(
            f'<tr class="{css}" data-key="{_e(row_key)}"><td>{_e(row_label)}</td>{"".join(cells)}</tr>'
        )
    return _section(table.key, table.title, _grid(head, body))


def _cards(report: Report) -> str:
    lang, k = report.language, report.threshold
    cards = []
    for row in report.summary.rows:
        was = f"{report.t(labels.PREVIOUS_PERIOD)}: {fmt.count(row.previous, k, lang)}"
        if row.change is not None:
            was += f" ({fmt.change(row.change, lang)})"
        number = fmt.count(row.current, k, lang)
        cards.append(
            f'<div class="card" data-key="{_e(row.key)}"><div>{_e(row.label)}</div>'
            f'<div class="n">{_e(number)}</div><div class="was">{_e(was)}</div></div>'
        )
    return _section("summary", report.summary.title, f'<div class="cards">{"".join(cards)}</div>')


def _method(report: Report, today: dt.date) -> str:
    k, lang = report.threshold, report.language
    legend = f"{_e(report.t(labels.LEGEND_SMALL, threshold=k))}<br>{_e(report.t(labels.LEGEND_PROTECTING))}"
    made = report.t(labels.GENERATED, day=fmt.day(today, lang))
    body = f'<p class="method">{_e(method_text(report))}</p><p class="legend">{legend}</p>'
    return _section("method", report.t(labels.METHOD_TITLE), f'{body}<p class="made">{_e(made)}</p>')


def render_html(report: Report, today: Optional[dt.date] = None) -> str:
    lang, k = report.language, report.threshold
    title = _e(report.t(labels.TITLE))
    parts: List[str] = [
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title><style>{STYLE}</style></head><body><header><h1>{title}</h1>",
    ]
    if report.sample:
        parts.append(f'<p class="sample" id="sample">{_e(report.t(labels.SAMPLE_BANNER))}</p>')
    parts.append(f'<p class="period">{_e(period_line(report))}</p>')
    if report.include_demo:
        parts.append(f"<p><strong>{_e(report.t(labels.DEMO_INCLUDED))}</strong></p>")
    parts.append("</header>")
    parts.append(_cards(report))
    total = f"{report.t(labels.TOTAL)}: {fmt.count(report.weeks_total, k, lang)}"
    weekly = f'{_weekly_chart(report)}<p class="legend">{_e(total)}</p>'
    parts.append(_section("weekly", report.t(labels.WEEKLY), weekly))
    parts += [_table(report, table) for table in report.tables]
    if report.handoffs:
        parts.append(_cross(report, report.handoffs))
    parts += [_table(report, table) for table in report.person]
    parts.append(_method(report, today or dt.date.today()))
    parts.append("</body></html>\n")
    return "".join(parts)
