import pytest

from bot.text.scripts import dominant_script, script_runs


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ສະບາຍດີ", "lo"),
        ("สวัสดีค่ะ", "th"),
        ("hello", "en"),
        ("ຢາກໄປເຮັດວຽກ online ທີ່ Bangkok", "lo"),  # a Lao message with English words stays Lao
        ("อยากไปทำงาน admin ที่ KL", "th"),
        ("ສະບາຍດີ สวัสดีครับผม", "th"),  # the majority script wins
        ("Café résumé", "en"),
        ("😭😭😭", None),
        ("1362", None),
        ("", None),
        ("/greet", "en"),
    ],
)
def test_language_follows_the_script(text: str, language: str) -> None:
    assert dominant_script(text) == language


def test_script_runs_cover_the_text_exactly() -> None:
    text = "hi ສະບາຍດີ สวัสดี 123"
    runs = list(script_runs(text))
    assert "".join(run for run, _ in runs) == text
    assert [script for _, script in runs] == [None, "lo", None, "th", None]
