"""The gettext catalogs in locales/, read straight from the PO files.

Reading the PO files (not compiled .mo files) means a translator's edit takes
effect on the next start, with no build step to forget. Fuzzy entries are not
used: a fuzzy translation is one a person has not confirmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.vocabulary import ENGLISH, LANGUAGES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOCALES_DIR = PROJECT_ROOT / "locales"
TEMPLATE = LOCALES_DIR / "messages.pot"
TRANSLATED_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != ENGLISH)

_PLACEHOLDER = re.compile(r"\{[^{}\n]+\}")
_NUMBER = re.compile(r"\d+")


def po_path(language: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / language / "LC_MESSAGES" / "messages.po"


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


@cache
def translations(language: str, locales_dir: Path = LOCALES_DIR) -> Dict[str, str]:
    """msgid → msgstr for the confirmed (non-fuzzy, non-empty) entries of a language."""
    if language == ENGLISH:
        return {}
    catalog = read_catalog(po_path(language, locales_dir))
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def translate(text: str, language: str) -> str:
    """Her language's version of an English source text; the English when none exists."""
    return translations(language).get(text, text)


@dataclass(frozen=True)
class Problem:
    language: str
    msgid: str
    problem: str

    def __str__(self) -> str:
        short = self.msgid if len(self.msgid) < 60 else self.msgid[:57] + "..."
        return f"[{self.language}] {short!r}: {self.problem}"


def _same_tokens(pattern: re.Pattern[str], source: str, translation: str) -> bool:
    return sorted(pattern.findall(source)) == sorted(pattern.findall(translation))


def catalog_problems(template: Path = TEMPLATE, locales_dir: Path = LOCALES_DIR) -> Iterator[Problem]:
    """Every source text that lacks a confirmed translation, or whose translation
    lost a {placeholder} or changed a number (a wrong phone number can cost a life)."""
    sources = [str(m.id) for m in read_catalog(template) if m.id and isinstance(m.id, str)]
    for language in TRANSLATED_LANGUAGES:
        catalog = read_catalog(po_path(language, locales_dir))
        for msgid in sources:
            message = catalog.get(msgid)
            if message is None or not message.string:
                yield Problem(language, msgid, "no translation")
            elif message.fuzzy:
                yield Problem(language, msgid, "fuzzy (not confirmed by a translator)")
            elif not _same_tokens(_PLACEHOLDER, msgid, str(message.string)):
                yield Problem(language, msgid, "placeholders differ from the source")
            elif not _same_tokens(_NUMBER, msgid, str(message.string)):
                yield Problem(language, msgid, "numbers differ from the source")


def main(argv: Optional[List[str]] = None) -> int:
    problems = list(catalog_problems())
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in the catalogs")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
