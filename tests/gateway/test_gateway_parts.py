"""The gateway's pieces that need no server: identity, reply rendering, location, memory."""

from pathlib import Path

import pytest

from bot.gateway.identity import load_or_create_key, sender_id
from bot.gateway.location import country_at
from bot.gateway.memory import ERASABLE_SECONDS, ChatMemory, ChatState
from bot.gateway.replies import TELEGRAM_TEXT_LIMIT, split_text, to_outgoing


def test_sender_is_a_keyed_hash_not_the_chat_id(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("HELPLINE_SENDER_KEY", raising=False)
    key = load_or_create_key(None, tmp_path / "sender.key")
    assert load_or_create_key(None, tmp_path / "sender.key") == key  # generated once, then reused
    assert (tmp_path / "sender.key").stat().st_mode & 0o777 == 0o600
    sender = sender_id(key, 123456789)
    assert "123456789" not in sender and sender == sender_id(key, 123456789)
    assert sender != sender_id(b"another key", 123456789)


def test_long_text_is_split_at_paragraphs_under_the_limit() -> None:
    paragraph = "word " * 300
    text = "\n\n".join([paragraph.strip()] * 6)
    pieces = split_text(text)
    assert len(pieces) > 1 and all(len(p) <= TELEGRAM_TEXT_LIMIT for p in pieces)
    assert all(p.startswith("word") and p.endswith("word") for p in pieces)
    assert split_text("x" * 5000) == ["x" * 4096, "x" * 904]


def test_replies_are_escaped_and_buttons_and_contacts_kept() -> None:
    replies = [
        {
            "text": "a <b> & c",
            "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "x", "payload": "/" + "y" * 70}],
        },
        {"custom": {"contact": {"phone_number": "1300", "first_name": "OSCC"}}},
        {"custom": {"something": "else"}},
    ]
    out = to_outgoing(replies)
    assert out[0].text == "a &lt;b&gt; &amp; c"
    assert out[0].buttons == [
        {"title": "Yes", "payload": "/affirm"}
    ]  # a payload over 64 bytes cannot be sent
    assert out[1].contact == {"phone_number": "1300", "first_name": "OSCC"}
    assert len(out) == 2


@pytest.mark.parametrize(
    ("point", "country"),
    [
        ((17.97, 102.60), "laos"),  # Vientiane
        ((17.41, 102.79), "thailand"),  # Udon Thani, inside any box drawn around Laos
        ((13.75, 100.50), "thailand"),
        ((25.04, 102.71), "china"),
        ((3.14, 101.69), "malaysia"),
        ((48.85, 2.35), "other"),
        ((123.0, 500.0), "other"),
    ],
)
def test_location_becomes_a_coarse_country(point, country: str) -> None:
    assert country_at(*point) == country


def test_flood_control_allows_a_burst_then_one_every_two_seconds() -> None:
    memory = ChatMemory(burst=3, refill_per_second=0.5)
    state = memory.get(1)
    assert [memory.allow(state, now=state.refilled_at) for _ in range(4)] == [True, True, True, False]
    assert memory.allow(state, now=state.refilled_at + 2.0)


def test_only_messages_under_48_hours_are_erasable_and_memory_is_bounded() -> None:
    state = ChatState()
    state.remember(1, now=0)
    state.remember(2, now=ERASABLE_SECONDS + 10)
    assert state.erasable(now=ERASABLE_SECONDS + 20) == [2]
    memory = ChatMemory(max_chats=2)
    for chat in (1, 2, 3):
        memory.get(chat)
    assert list(memory._chats) == [2, 3]


def test_the_language_buttons_come_once_under_the_last_message() -> None:
    from bot.gateway.replies import to_outgoing
    from bot.language import SWITCH_BUTTON

    replies = [
        {"text": "one", "buttons": [SWITCH_BUTTON]},
        {"text": "two", "buttons": [{"title": "Yes", "payload": "/affirm"}, SWITCH_BUTTON]},
    ]
    first, second = to_outgoing(replies)
    assert first.buttons == []
    assert [b["payload"] for b in second.buttons] == ["/affirm", "/set_language"]
