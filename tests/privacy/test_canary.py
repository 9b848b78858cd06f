"""The trace search can fail: a marker planted in each form a program writes text in is found."""

import json
from pathlib import Path

from tests.privacy.traces import find_traces, forms

CANARY = "ນ້ອງແກ້ວ-canary-ไทย"


def test_a_planted_marker_is_found_in_every_form(tmp_path: Path) -> None:
    planted = {
        "raw.log": CANARY.encode(),
        "json.log": json.dumps({"text": CANARY}).encode(),  # ensure_ascii: \\u0e99...
        "repr.log": repr({"text": CANARY}).encode("ascii", "backslashreplace"),
        "utf16.bin": CANARY.encode("utf-16-le"),
        "nested/deep.txt": b"... " + CANARY.encode() + b" ...",
    }
    for name, content in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    (tmp_path / "clean.log").write_text("nothing here")
    found = {
        (path.relative_to(tmp_path).as_posix(), form) for path, _, form in find_traces([tmp_path], [CANARY])
    }
    assert {name for name, _ in found} == set(planted)
    assert {form for _, form in found} == {"raw", "escaped", "utf-16"}


def test_every_form_of_a_lao_text_differs_from_the_raw_one() -> None:
    found = forms(CANARY)
    assert b"\\u0e99" in found["escaped"] and len(set(found.values())) == len(found)
