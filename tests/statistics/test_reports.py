"""NGO reports: suppression by hand-computed examples, the tables from a real SQLite file, and the
command's answers to every kind of bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import random
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest
import sqlalchemy as sa

from bot.cli import main as helpline
from bot.reports.period import Period, choose_period
from bot.reports.suppression import TOTAL, Cell, Shown, protect_column, protect_table
from bot.stats.sample import sample_events, write_sample
from bot.stats.schema import StatEvent
from bot.stats.store import add_counts, create_engine, migrate

V, S, P = Shown.VALUE, Shown.SMALL, Shown.PROTECTING
TODAY = dt.date(2026, 3, 29)  # a Sunday: the 12 weeks before it are whole weeks
PERIOD = choose_period(None, TODAY.isoformat(), 12)


def shown(cells: List[Cell]) -> List[Shown]:
    return [c.shown for c in cells]


# --- suppression, worked by hand -------------------------------------------------------------------


def test_a_count_under_the_threshold_is_hidden_and_a_second_one_with_it() -> None:
    """12 + 3 + 7 + 20 = 42 is published; 3 alone hidden would be 42 − 39. The smallest other, 7, goes too."""
    cells, total = protect_column([12, 3, 7, 20], threshold=5)
    assert shown(cells) == [V, S, P, V]
    assert total == Cell(42, V)


def test_two_small_counts_cover_each_other() -> None:
    """2 and 3 hidden: the reader learns they add up to 5, not which is which (1–4 each)."""
    cells, _ = protect_column([10, 2, 3, 9], threshold=5)
    assert shown(cells) == [V, S, S, V]


def test_two_fours_that_must_add_up_to_eight_are_covered() -> None:
    """Both at most 4 and together 8: each must be 4, so a third number is hidden."""
    cells, _ = protect_column([4, 4, 10, 30], threshold=5)
    assert shown(cells) == [S, S, P, V]


def test_a_zero_that_can_be_worked_out_costs_nothing() -> None:
    """'Nobody' points at no one: the 0 is shown as <5 but no large number is hidden for it."""
    cells, _ = protect_column([12, 0, 30], threshold=5)
    assert shown(cells) == [V, S, V]


def test_a_small_total_hides_everything() -> None:
    cells, total = protect_column([1, 2], threshold=5)
    assert shown(cells) == [S, S] and total.shown is S


def test_threshold_is_configurable() -> None:
    cells, _ = protect_column([12, 8, 30], threshold=10)
    assert shown(cells) == [P, S, V]


def test_cross_table_secondary_suppression_by_hand() -> None:
    """Rows A, B, C; columns x, y; all margins published. A·y = 2 is small.
    Row A (12) would give it away: hide A·x (10). Column x (38) would then give A·x away: hide
    B·x (8, smaller than 20). Column y (44) would give A·y away: hide B·y (12). Now every hidden
    count has at least two possible values, and nothing else is hidden."""
    counts = {("A", "x"): 10, ("A", "y"): 2, ("B", "x"): 8, ("B", "y"): 12, ("C", "x"): 20, ("C", "y"): 30}
    cells = protect_table(counts, ["A", "B", "C"], ["x", "y"], threshold=5)
    hidden = {key: cell.shown for key, cell in cells.items() if not cell.visible}
    assert hidden == {("A", "y"): S, ("A", "x"): P, ("B", "x"): P, ("B", "y"): P}
    assert cells[("A", TOTAL)] == Cell(12, V) and cells[(TOTAL, TOTAL)] == Cell(82, V)


def _possible_values(cells: Dict[tuple, Cell], rows: list, columns: list, threshold: int) -> Dict[tuple, set]:
    """Every value of each hidden cell that agrees with all published numbers, by brute force over
    whole numbers (row by row, then the columns checked): what a reader with time could find."""
    grand = cells[(TOTAL, TOTAL)].count
    all_columns = [*columns, TOTAL]

    def domain(key: tuple) -> range:
        cell = cells[key]
        if cell.visible:
            return range(cell.count, cell.count + 1)
        return range(threshold) if cell.shown is S else range(threshold, grand + 1)

    row_options = []
    for r in [*rows, TOTAL]:
        keys = [(r, c) for c in all_columns]
        row_options.append(
            [
                dict(zip(keys, values, strict=True))
                for values in itertools.product(*(domain(k) for k in keys))
                if sum(values[:-1]) == values[-1]
            ]
        )
    seen: Dict[tuple, set] = {key: set() for key, cell in cells.items() if not cell.visible}
    for combination in itertools.product(*row_options):
        value = {k: v for row in combination for k, v in row.items()}
        if all(sum(value[(r, c)] for r in rows) == value[(TOTAL, c)] for c in all_columns):
            for key in seen:
                seen[key].add(value[key])
    return seen


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_count_but_zero_can_be_worked_out(seed: int) -> None:
    """Random small tables, checked by brute force rather than by the method that protected them."""
    rng = random.Random(seed)
    rows, columns = ["r1", "r2", "r3"][: rng.randint(2, 3)], ["c1", "c2", "c3"][: rng.randint(2, 3)]
    counts = {(r, c): rng.choice([0, 1, 2, 3, 4, 5, 6, 8]) for r in rows for c in columns}
    cells = protect_table(counts, rows, columns, threshold=5)
    for key, values in _possible_values(cells, rows, columns, 5).items():
        assert cells[key].count in values
        assert len(values) > 1 or cells[key].count == 0, f"{key} can be worked out in {counts}"


# --- the tables, from a real SQLite file -----------------------------------------------------------


def _database(tmp_path: Path, rows: List[StatEvent], revision: str = "head") -> Path:
    path = tmp_path / "statistics.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate(engine, revision)
    if rows and revision == "0001":  # one row per event, before the sample and location columns
        values = [{k: v for k, v in r.row().items() if k not in ("sample", "location")} for r in rows]
        table = sa.table("events", *(sa.column(name) for name in values[0]))
        with engine.begin() as connection:
            connection.execute(table.insert(), values)
    elif rows:
        with engine.begin() as connection:
            add_counts(connection, rows)
    engine.dispose()
    return path


def _events(day: dt.date, kind: str, number: int, **fields: object) -> List[StatEvent]:
    return [StatEvent(day=day, kind=kind, channel="telegram", **fields) for _ in range(number)]


@pytest.fixture
def known_database(tmp_path: Path) -> Path:
    """A quarter with counts chosen so that every rule shows."""
    d = PERIOD.start + dt.timedelta(days=3)
    before = PERIOD.previous().start + dt.timedelta(days=10)
    rows = [
        *_events(d, "conversation", 40, language="lo"),
        *_events(d + dt.timedelta(days=14), "conversation", 20, language="th"),
        *_events(d, "conversation", 3, language="en"),
        *_events(d, "conversation", 50, language="lo", demo=True),  # a village meeting
        *_events(d, "topic", 30, topic="ask_online_job_scam", country="myanmar"),
        *_events(d, "topic", 10, topic="ask_safe_migration", country="thailand"),
        *_events(d, "topic", 2, topic="need_help_now"),
        *_events(d, "location", 9, location="thailand"),
        *_events(d, "location", 2, location="unknown"),
        *_events(d, "handoff", 12, location="thailand", need="help"),
        *_events(d, "handoff", 6, location="laos", need="help"),
        *_events(d, "handoff", 2, location="laos", need="emergency"),
        *_events(d, "job_check", 12, outcome="low"),
        *_events(d, "job_check", 3, outcome="some"),
        *_events(d, "job_check", 7, outcome="high"),
        *_events(before, "conversation", 50, language="lo"),
        *_events(before, "topic", 15, topic="ask_online_job_scam", country="myanmar"),
    ]
    return _database(tmp_path, rows)


def _run(capsys: pytest.CaptureFixture, *args: str) -> tuple:
    code = helpline(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _csv_rows(path: Path) -> Dict[tuple, dict]:
    text = path.read_text(encoding="utf-8-sig")
    return {(r["table"], r["row_key"], r["column_key"]): r for r in csv.DictReader(io.StringIO(text))}


def test_report_tables_from_the_database(known_database: Path, tmp_path: Path, capsys) -> None:
    out_csv = tmp_path / "report.csv"
    code, out, _ = _run(
        capsys,
        "--database",
        str(known_database),
        "--until",
        TODAY.isoformat(),
        "--lang",
        "en",
        "--csv",
        str(out_csv),
    )
    assert code == 0, out
    rows = _csv_rows(out_csv)
    # 40 Lao + 20 Thai + 3 English; the 50 demo conversations are not counted.
    assert rows[("summary", "conversations", "")]["this_period"] == "63"
    assert rows[("summary", "conversations", "")]["previous_period"] == "50"
    assert rows[("summary", "conversations", "")]["change_percent"] == "26.0"
    assert rows[("languages", "lo", "")]["this_period"] == "40"
    # English (3) and "not known" (0) are both <5 and add up to 3: neither can be worked out.
    assert rows[("languages", "en", "")]["this_period"] == "<5"
    assert rows[("languages", "en", "")]["share_percent"] == ""
    assert rows[("languages", "th", "")]["this_period"] == "20"
    assert rows[("languages", "total", "")]["this_period"] == "63"
    # Shares are of the table's total; the change is against the previous 12 weeks.
    assert rows[("topics", "ask_online_job_scam", "")]["this_period"] == "30"
    assert rows[("topics", "ask_online_job_scam", "")]["share_percent"] == "71.4"  # 30 / 42
    assert rows[("topics", "ask_online_job_scam", "")]["change_percent"] == "100.0"  # 15 → 30
    assert rows[("countries", "myanmar", "")]["this_period"] == "30"
    # Where she is, apart from the countries asked about: 9 in Thailand, 2 who did not know.
    assert rows[("locations", "thailand", "")]["this_period"] == "9"
    assert rows[("locations", "unknown", "")]["this_period"] == "<5"
    assert ("locations", "myanmar", "") in rows and rows[("locations", "myanmar", "")]["this_period"] == "<5"
    # Hand-offs: Laos·emergency (2) is small, and covered by the zeros beside it.
    assert rows[("handoffs", "laos", "emergency")]["this_period"] == "<5"
    assert rows[("handoffs", "laos", "help")]["this_period"] == "6"
    assert rows[("handoffs", "laos", "total")]["this_period"] == "8"
    assert rows[("handoffs", "total", "total")]["this_period"] == "20"
    # Job checks: 22 = 12 + 3 + 7 would give the 3 away, so the 7 is hidden with it.
    assert [rows[("job_checks", k, "")]["this_period"] for k in ("low", "some", "high", "total")] == [
        "12", "<5", "*", "22"
    ]  # fmt: skip
    assert rows[("report", "sample_data", "")]["this_period"] == "no"
    # Weeks: the 40 Lao and 3 English in week 1, the 20 Thai two weeks later, nothing else.
    weekly = [r for (table, key, _), r in rows.items() if table == "weekly" and key != "total"]
    assert len(weekly) == 12
    assert [w["this_period"] for w in weekly[:3]] == ["43", "<5", "20"]
    assert "Conversations on the demo page" in out


def test_demo_conversations_only_when_asked(known_database: Path, tmp_path: Path, capsys) -> None:
    out_csv = tmp_path / "report.csv"
    code, out, _ = _run(
        capsys, "--database", str(known_database), "--until", TODAY.isoformat(), "--include-demo",
        "--csv", str(out_csv), "--lang", "en",
    )  # fmt: skip
    assert code == 0
    assert _csv_rows(out_csv)[("summary", "conversations", "")]["this_period"] == "113"
    assert "Demo conversations are included." in out


def test_sample_data_says_so_everywhere(tmp_path: Path, capsys) -> None:
    path = _database(tmp_path, [])
    engine = create_engine(f"sqlite:///{path}")
    written = write_sample(engine, sample_events(days=182, until=TODAY))
    engine.dispose()
    assert written > 5000
    html, out_csv = tmp_path / "r.html", tmp_path / "r.csv"
    code, out, _ = _run(
        capsys, "--database", str(path), "--until", TODAY.isoformat(), "--lang", "en",
        "--html", str(html), "--csv", str(out_csv),
    )  # fmt: skip
    assert code == 0
    assert "SAMPLE DATA" in out and "SAMPLE DATA" in html.read_text()
    assert _csv_rows(out_csv)[("report", "sample_data", "")]["this_period"] == "yes"


def test_sample_never_goes_into_the_real_statistics(tmp_path: Path, monkeypatch, capsys) -> None:
    live = tmp_path / "live.sqlite3"
    monkeypatch.setenv("HELPLINE_STATS_DB", str(live))
    assert helpline(["stats", "sample", "--database", str(live)]) == 1
    assert "real statistics" in capsys.readouterr().err
    assert not live.exists()


def test_report_in_lao_uses_lao_labels_and_numbers(known_database: Path, capsys) -> None:
    code, out, _ = _run(
        capsys, "--database", str(known_database), "--until", TODAY.isoformat(), "--lang", "lo"
    )
    assert code == 0
    assert "Conversations" not in out and "Summary" not in out
    assert any("\u0e80" <= ch <= "\u0eff" for ch in out)


def test_period_choices() -> None:
    assert PERIOD == Period(dt.date(2026, 1, 5), TODAY) and len(PERIOD.weeks()) == 12
    assert PERIOD.previous() == Period(dt.date(2025, 10, 13), dt.date(2026, 1, 4))


def test_periods_are_whole_weeks_that_have_ended() -> None:
    """Two reports can never differ by a single day: dates are widened to their weeks, and the week
    under way is left out."""
    march = choose_period("2026-03-01", "2026-03-31", None, today=dt.date(2026, 6, 1))
    assert march == Period(dt.date(2026, 2, 23), dt.date(2026, 4, 5))  # Monday to Sunday
    assert choose_period("2026-02-25", "2026-03-30", None, today=dt.date(2026, 6, 1)) == march
    wednesday, thursday = dt.date(2026, 4, 8), dt.date(2026, 4, 9)
    assert choose_period(None, None, 4, today=wednesday) == choose_period(None, None, 4, today=thursday)
    assert choose_period(None, None, 4, today=wednesday).end == dt.date(2026, 4, 5)
    for today in (dt.date(2026, 4, 6) + dt.timedelta(days=n) for n in range(7)):
        period = choose_period("2026-03-01", None, None, today=today)
        assert period.start.weekday() == 0 and period.end.weekday() == 6 and period.end < today


# --- bad input: a clear message and no traceback --------------------------------------------------


def _command(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_bad_input_gets_a_clear_message(known_database: Path, tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    old = _database(tmp_path / "old", [], revision="0001")
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(known_database.read_bytes())
    with sa.create_engine(f"sqlite:///{newer}").begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    other = tmp_path / "other.sqlite3"
    with sa.create_engine(f"sqlite:///{other}").begin() as connection:
        connection.execute(sa.text("CREATE TABLE notes (id INTEGER)"))
    db = ["--database", str(known_database)]
    cases = {
        "empty period": ([*db, "--since", "2020-01-01", "--until", "2020-03-01"], "No statistics between"),
        "unknown language": ([*db, "--lang", "fr"], "invalid choice: 'fr'"),
        "missing database": (["--database", str(tmp_path / "nothing.sqlite3")], "helpline stats sample"),
        "older schema": (["--database", str(old)], "helpline stats upgrade"),
        "newer schema": (["--database", str(newer)], "newer version"),
        "not statistics": (["--database", str(other)], "holds no help-line statistics"),
        "bad date": ([*db, "--since", "31/03/2026"], "YYYY-MM-DD"),
        "backwards": ([*db, "--since", "2026-03-01", "--until", "2026-02-01"], "after it ends"),
        "threshold 1": ([*db, "--threshold", "1"], "at least 2"),
        "unreachable server": (["--database", "postgresql://nobody@127.0.0.1:9/none"], "Cannot read"),
    }
    for name, (args, expected) in cases.items():
        result = _command("report", *args)
        assert result.returncode != 0, name
        assert expected in result.stderr, f"{name}: {result.stderr}"
        assert "Traceback" not in result.stderr + result.stdout, name
    assert not (tmp_path / "nothing.sqlite3").exists()  # reading never creates a database


def test_an_older_database_is_upgraded_on_request(tmp_path: Path, capsys) -> None:
    old = _database(tmp_path, _events(TODAY, "conversation", 6, language="lo"), revision="0001")
    assert helpline(["stats", "upgrade", "--database", str(old)]) == 0
    code, out, _ = _run(capsys, "--database", str(old), "--until", TODAY.isoformat(), "--lang", "en")
    assert code == 0 and "Conversations" in out
