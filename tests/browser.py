"""Debian's Chromium, driven by Playwright (which never downloads a browser of its own here)."""

from __future__ import annotations

import shutil
import subprocess
from typing import Iterator, List

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium phones home at start (updates, sync, safe browsing): the tests would
# see requests leave the machine that the page never made.
QUIET = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Per module: Playwright's synchronous API keeps an event loop running on the main thread
    while it is open, and later tests call asyncio.run()."""
    if not shutil.which("chromium"):
        pytest.fail("Chromium is missing: `make test` installs it with scripts/system-packages.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET)
        yield chromium
        chromium.close()


def lao_font_families() -> List[str]:
    """The font families on this machine that have Lao letters."""
    listing = subprocess.run(["fc-list", ":lang=lo", "family"], capture_output=True, text=True).stdout
    return [name.strip() for line in listing.splitlines() for name in line.split(",") if name.strip()]


def fonts_used(page, selector: str) -> List[dict]:
    """The fonts Chromium really drew the element's text with (not what the CSS asked for)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
