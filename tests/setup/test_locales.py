"""Every response is translated, confirmed, and keeps its numbers and placeholders."""

import io
import shutil
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from bot.i18n.catalogs import LOCALES_DIR, TEMPLATE, catalog_problems, read_catalog
from bot.i18n.extract import extract_domain
from bot.settings import PROJECT_ROOT


def test_template_is_up_to_date_with_the_domain() -> None:
    """A response edited in domain.yml without `make locales` would silently stay untranslated."""
    extracted = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(PROJECT_ROOT),
            method_map=[
                ("domain.yml", "bot.i18n.extract.extract_domain"),
                ("bot/**.py", "python"),
                ("actions/**.py", "python"),
            ],
        )
    }
    template = {str(m.id) for m in read_catalog(TEMPLATE) if m.id}
    assert extracted == template, "run `make locales`"


def test_every_message_has_a_confirmed_translation() -> None:
    problems = [str(p) for p in catalog_problems()]
    assert problems == []


def test_a_missing_or_wrong_translation_is_reported(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    po = locales / "lo" / "LC_MESSAGES" / "messages.po"
    catalog = read_catalog(po)
    # A number typed in the text (not a {number.<contact>} placeholder), changed by a translator.
    documents = next(m for m in catalog if m.id and "about 10 days" in str(m.id))
    documents.string = str(documents.string).replace("10", "11", 1)
    with po.open("wb") as handle:
        write_po(handle, catalog)
    template = locales / "messages.pot"
    template.write_text(
        template.read_text(encoding="utf-8") + '\nmsgid "A new answer"\nmsgstr ""\n', encoding="utf-8"
    )
    problems = [str(p) for p in catalog_problems(template, locales)]
    assert any("[lo] 'A new answer': no translation" in p for p in problems)
    assert any("[th] 'A new answer': no translation" in p for p in problems)
    assert any("numbers differ" in p for p in problems)


def test_extractor_finds_texts_and_button_titles_with_their_lines() -> None:
    domain = b"""responses:
  utter_a:
    - text: "Hello {name}"
      buttons:
        - title: "Yes"
          payload: /affirm
        - title: "\xe0\xba\x9e\xe0\xba\xb2\xe0\xba\xaa\xe0\xba\xb2"
          payload: /x
"""
    found = list(extract_domain(io.BytesIO(domain), None, None, None))
    assert found == [(3, None, "Hello {name}", ["utter_a"]), (5, None, "Yes", ["utter_a"])]
