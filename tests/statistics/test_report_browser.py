"""The HTML report in a real browser: it opens without internet, its charts and tables are there,
and its Lao text is drawn with a Lao font (not boxes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.cli import main as helpline
from tests.browser import fonts_used, lao_font_families
from tests.conftest import TEST_OUTPUT

TODAY = dt.date(2026, 3, 29)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("report")
    database = folder / "sample.sqlite3"
    assert helpline(["stats", "sample", "--database", str(database), "--seed", "3"]) == 0
    pages = {}
    for language in ("lo", "en", "th"):
        pages[language] = folder / f"report-{language}.html"
        code = helpline(
            [
                "report",
                "--database",
                str(database),
                "--lang",
                language,
                "--html",
                str(pages[language]),
                "--quiet",
            ]
        )
        assert code == 0
    return pages


@pytest.mark.parametrize("language", ["lo", "en", "th"])
def test_report_opens_offline_with_charts_tables_and_its_script(
    browser, reports: dict, language: str
) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    outside = []
    page.on(
        "request",
        lambda request: outside.append(request.url) if not request.url.startswith("file:") else None,
    )
    page.goto(reports[language].as_uri())
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#sample").is_visible()  # sample data says so
    assert page.locator("svg.chart.weekly rect").count() >= 12
    assert page.locator("section#summary .card").count() == 4
    for section in ("topics", "languages", "countries", "job_checks", "handoffs"):
        assert page.locator(f"section#{section} table tbody tr").count() >= 3, section
    assert page.locator("section#topics svg.chart.bar").count() >= 10
    assert page.locator("section#method p.method").inner_text().strip()
    title = page.locator("h1").inner_text()
    if language == "lo":
        assert any("\u0e80" <= ch <= "\u0eff" for ch in title)
        used = {font["familyName"] for font in fonts_used(page, "h1") if font["glyphCount"] > 0}
        assert used & set(lao_font_families()), f"Lao drawn with {used}, not a Lao font"
    if language == "th":
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in title)
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / f"report-{language}.png"), full_page=True)
    page.emulate_media(media="print")
    page.pdf(path=str(TEST_OUTPUT / f"report-{language}.pdf"), format="A4")
    page.close()
    assert outside == [], f"the report asked the network for {outside}"
    assert Path(reports[language]).stat().st_size < 200_000
