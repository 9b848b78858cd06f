"""The demo chat page for village meetings, in a real phone-sized Chromium against the real gateway,
Rasa and action servers: scenarios played by clicking, nothing fetched from outside, demo-only
statistics, and the numbers when Rasa is down."""

from __future__ import annotations

import gzip
import json
import sqlite3
import time
import urllib.request
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Iterator, List
from urllib.parse import urlparse

import pytest

from bot.gateway.web.scenarios import ScenarioError, load_scenarios
from bot.services import Service, start_gateway
from bot.settings import Settings
from bot.text.language_id import detect_language
from tests.conftest import TEST_OUTPUT, free_port

pytestmark = pytest.mark.servers

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
# One story per language, each played to its end by clicking.
PLAYED = {"lo": "passport_kept", "th": "online_admin", "en": "facebook_job"}


def run_demo_gateway(settings: Settings, tmp_path: Path, **extra: str) -> Service:
    env = {
        "GATEWAY_PORT": str(free_port()),
        "HELPLINE_WEB_HOST": "127.0.0.1",
        "TELEGRAM_BOT_TOKEN": "",
        "TELEGRAM_BOT_NAME": "LaoSafeWorkDemoBot",
        "HELPLINE_SENDER_KEY": "demo-page-test-key",
        **extra,
    }
    service = start_gateway(replace(settings, run_dir=tmp_path), env)
    service.wait_ready(60)
    service.url = f"http://127.0.0.1:{env['GATEWAY_PORT']}"  # type: ignore[attr-defined]
    return service


@pytest.fixture(scope="module")
def gateway(servers: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = run_demo_gateway(servers, tmp_path_factory.mktemp("demo"))
    yield service
    service.stop()


def watch_requests(page, base: str) -> List[str]:
    """Every request the page makes that does not go to the gateway itself."""
    host = urlparse(base).netloc
    leaving: List[str] = []
    page.on(
        "request",
        lambda request: leaving.append(request.url) if urlparse(request.url).netloc != host else None,
    )
    return leaving


def bot_texts(page) -> List[str]:
    return page.locator("#log .msg.bot:not(.typing)").all_inner_texts()


def wait_for_replies(page, more_than: int, timeout: float = 30) -> List[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = bot_texts(page)
        if len(texts) > more_than and page.locator("#log .typing").count() == 0:
            return texts
        page.wait_for_timeout(100)
    raise AssertionError(f"no reply after {more_than} replies: {bot_texts(page)}")


@pytest.mark.parametrize("language", ["lo", "th", "en"])
def test_a_volunteer_plays_a_story_on_a_phone(browser, gateway: Service, language: str) -> None:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    leaving = watch_requests(page, gateway.url)
    page.goto(f"{gateway.url}/?lang={language}")
    greeting = wait_for_replies(page, 0)
    assert detect_language(greeting[0]) == language, greeting
    assert page.locator("header .demo").is_visible()
    assert page.locator("#log .buttons button").count() >= 2  # topic buttons under the greeting

    page.click("#open-scenarios")
    page.click(f'[data-scenario="{PLAYED[language]}"]')
    steps = len(next(s for s in load_scenarios() if s.id == PLAYED[language]).steps)
    for _ in range(steps):
        seen = len(bot_texts(page))
        chip = page.locator("#scenario .next-step")
        assert detect_language(chip.inner_text()) == language
        chip.click()
        replies = wait_for_replies(page, seen)
        assert all(detect_language(text) in (language, None) for text in replies[seen:]), replies[seen:]
    assert page.locator("#scenario .done").is_visible()

    calls = page.locator('#log a[href^="tel:"]')
    assert calls.count() >= 1, "no tap-to-call link in the story's answers"
    assert all(href.startswith("tel:") and href[4:].lstrip("+").isdigit() for href in [
        calls.nth(i).get_attribute("href") for i in range(calls.count())
    ])  # fmt: skip
    # Buttons work: the last offered one is pressed and answered.
    buttons = page.locator("#log .buttons button:not([disabled])")
    if buttons.count():
        seen = len(bot_texts(page))
        buttons.last.click()
        wait_for_replies(page, seen)
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / f"demo-{language}.png"), full_page=True)
    context.close()
    assert leaving == [], f"requests left the machine: {leaving}"


def test_switching_language_switches_the_assistant(browser, gateway: Service) -> None:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{gateway.url}/?lang=en")
    wait_for_replies(page, 0)
    seen = len(bot_texts(page))
    page.click('nav button[data-lang="th"]')
    replies = wait_for_replies(page, seen)
    assert detect_language(replies[-1]) == "th"
    assert page.locator("html").get_attribute("lang") == "th"
    assert detect_language(page.locator("#send").inner_text()) == "th"
    context.close()


def test_the_page_is_small_for_a_slow_connection(gateway: Service) -> None:
    request = urllib.request.Request(f"{gateway.url}/", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        assert response.headers.get("Content-Encoding") == "gzip"
    assert len(body) < 40_000, len(body)
    html = gzip.decompress(body).decode()
    assert "http://" not in html.replace(gateway.url, "") and "https://" not in html  # no outside assets


def _stats(database_url: str) -> Counter:
    """Events counted so far, by (kind, channel, demo)."""
    with sqlite3.connect(database_url.split("sqlite:///", 1)[1]) as connection:
        try:
            rows = connection.execute(
                "SELECT kind, channel, demo, SUM(count) FROM daily_counts GROUP BY 1, 2, 3"
            )
            return Counter({(kind, channel, demo): n for kind, channel, demo, n in rows})
        except sqlite3.OperationalError:  # nothing written yet: the table comes with the first event
            return Counter()


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{url}/api/message", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_a_demo_conversation_adds_demo_events_only(servers: Settings, gateway: Service) -> None:
    before = _stats(servers.database_url)
    session = "demo0statistics0check"
    # A job in Thailand is not where she is: the hot-line question asks, and her answer gets the numbers.
    for text in ("ສະບາຍດີ", "ມີຄົນຊວນໄປເຮັດວຽກຢູ່ໄທ ເງິນດີ ແຕ່ຕ້ອງຈ່າຍຄ່ານາຍໜ້າກ່ອນ", "ເບີໂທສາຍດ່ວນແມ່ນຫຍັງ", "ຢູ່ລາວ"):
        assert _post(gateway.url, {"session": session, "text": text, "language": "lo"})["replies"]
    deadline = time.monotonic() + 20
    added = Counter()
    while time.monotonic() < deadline:
        added = _stats(servers.database_url) - before
        if {"conversation", "topic", "handoff"} <= {kind for kind, _, _ in added}:
            break
        time.sleep(0.3)
    assert {"conversation", "topic", "handoff"} <= {kind for kind, _, _ in added}, added
    assert all(channel == "web" and demo == 1 for _, channel, demo in added), added
    # Nothing of what was written, nor the page's session id, reaches a log or the run directory.
    for path in [gateway.log_path, *Path(servers.run_dir).rglob("*")]:
        if path.is_file():
            content = path.read_bytes()
            assert session.encode() not in content, path
            assert "ສາຍດ່ວນ".encode() not in content, path


def test_bad_requests_get_an_answer_or_a_refusal(gateway: Service) -> None:
    empty = _post(gateway.url, {"session": "demo0bad0input", "text": "   ", "language": "th"})
    assert "1300" in empty["replies"][0]["text"]
    huge = _post(gateway.url, {"session": "demo0bad0input", "text": "ຊ່ວຍແດ່ " * 5000, "language": "lo"})
    assert huge["replies"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        _post(gateway.url, {"session": "x", "text": "hi"})
    assert refused.value.code == 400


def test_with_rasa_down_the_page_says_so_and_shows_the_numbers(
    browser, servers: Settings, tmp_path: Path
) -> None:
    service = run_demo_gateway(servers, tmp_path, RASA_URL=f"http://127.0.0.1:{free_port()}")
    try:
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.goto(f"{service.url}/?lang=lo")
        page.wait_for_selector("#offline:not([hidden])", timeout=20_000)
        banner = page.locator("#offline").inner_text()
        assert "1362" in banner and "1300" in banner and detect_language(banner) == "lo"
        assert page.locator('#offline a[href="tel:1362"]').count() == 1
        page.fill("#text", "ຊ່ວຍແດ່")
        page.click("#send")
        page.wait_for_timeout(500)
        assert page.locator("#offline").is_visible()
        page.screenshot(path=str(TEST_OUTPUT / "demo-rasa-down.png"), full_page=True)
        context.close()
    finally:
        service.stop()


@pytest.mark.parametrize("language", ["lo", "th", "en"])
def test_the_poster_prints_on_one_a4_page(browser, gateway: Service, language: str) -> None:
    page = browser.new_page()
    leaving = watch_requests(page, gateway.url)
    page.goto(f"{gateway.url}/poster?lang={language}")
    assert page.locator(".qr svg path").count() >= 1
    assert "t.me/LaoSafeWorkDemoBot" in page.locator(".top").inner_text()
    assert page.locator(".qr svg").bounding_box()["width"] > 200  # 62 mm: big enough to scan from afar
    numbers = page.locator("td.n").all_inner_texts()
    assert "1362" in numbers and "1300" in numbers
    assert page.locator("ol li").count() == 3
    assert detect_language(page.locator("h1").inner_text()) == language
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    (TEST_OUTPUT / f"poster-{language}.pdf").write_bytes(pdf)
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page/") + pdf.count(b"/Type /Page ") == 1
    page.screenshot(path=str(TEST_OUTPUT / f"poster-{language}.png"), full_page=True)
    page.close()
    assert leaving == []


def test_scenarios_file_is_checked(tmp_path: Path) -> None:
    scenarios = load_scenarios()
    ids = {s.id for s in scenarios}
    assert {"facebook_job", "marriage_broker", "online_admin", "karaoke_friend", "passport_kept"} <= ids
    assert all(2 <= len(s.steps) <= 5 for s in scenarios)
    broken = tmp_path / "scenarios.yml"
    broken.write_text("scenarios:\n  - id: x\n    title: {lo: a, th: b}\n    story: {lo: a, th: b, en: c}\n")
    with pytest.raises(ScenarioError, match="title needs a text in each of lo, th, en"):
        load_scenarios(broken)


def test_a_volunteer_shows_a_hand_off_to_a_simulated_counsellor(
    browser, servers: Settings, gateway: Service
) -> None:
    """The same offer and consent as on Telegram, then a clearly marked simulated counsellor; the hand-off
    is counted as demo, and nothing leaves the machine (the staff group is never asked)."""
    before = _stats(servers.database_url)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    leaving = watch_requests(page, gateway.url)
    page.goto(f"{gateway.url}/?lang=en")
    wait_for_replies(page, 0)

    def write(text: str) -> List[str]:
        seen = len(bot_texts(page))
        page.fill("#text", text)
        page.click("#send")
        return wait_for_replies(page, seen)

    def press(title: str) -> List[str]:
        seen = len(bot_texts(page))
        page.locator("#log .buttons button:not([disabled])", has_text=title).last.click()
        return wait_for_replies(page, seen)

    replies = write("can i talk to real person")
    assert any("1362" in r for r in replies)  # the numbers first, as on Telegram
    assert "Before a person reads your messages" in press("Write to a person")[-1]
    press("Yes, I agree")
    counsellor = page.locator("#log .msg.counsellor")
    assert counsellor.count() == 1 and "Simulated counsellor" in counsellor.locator(".who").inner_text()
    write("my boss keeps my passport")
    assert counsellor.count() >= 2  # the simulated counsellor answers; the bot does not
    ended = write("/stop")
    assert "You ended the conversation with the person" in ended[-1]
    assert page.locator("#log .msg.bot:not(.counsellor) a[href^='tel:']").count() >= 1
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / "demo-counsellor.png"), full_page=True)
    context.close()
    assert leaving == [], f"requests left the machine: {leaving}"
    kinds = {"person_offered", "person_accepted", "person_answered", "person_closed"}
    deadline, added = time.monotonic() + 20, Counter()
    while time.monotonic() < deadline and not kinds <= {k for k, _, _ in added}:
        time.sleep(0.3)
        added = _stats(servers.database_url) - before
    assert kinds <= {k for k, _, _ in added}, added
    assert all(channel == "web" and demo == 1 for k, channel, demo in added if k in kinds), added
