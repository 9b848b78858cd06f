"""Property-based tests: whatever she types, and whatever Rasa answers, no exception escapes.

Inputs are arbitrary Unicode, very long, empty, emoji-only and mixed-script text (Lao, Thai,
Latin, combining marks, zero-width joiners, right-to-left, astral characters). The gateway is
driven in process with a stub bot and a stub back end: no server, no network.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import itertools
import random
import re
import time
import unicodedata
from types import SimpleNamespace
from typing import Any, Dict, List, Optional, Tuple

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message as RasaMessage
from telegram import Chat, MessageEntity, Update, User
from telegram import Message as TelegramMessage
from telegram.ext import CommandHandler, filters

from bot.gateway.identity import sender_id
from bot.gateway.memory import ERASABLE_SECONDS, MAX_IDS_PER_CHAT, ChatMemory, ChatState
from bot.gateway.rasa_backend import BackendError
from bot.gateway.replies import CALLBACK_DATA_LIMIT, TELEGRAM_TEXT_LIMIT, split_text, to_outgoing
from bot.gateway.telegram_app import Gateway, keyboard
from bot.gateway.texts import BACKEND_DOWN, HELP_NUMBERS, escape, say, with_numbers
from bot.i18n.catalogs import translations
from bot.nlg import TranslatingNLG
from bot.nlu.tokenizer import LaoThaiTokenizer
from bot.settings import PROJECT_ROOT
from bot.text import language_id
from bot.text.scripts import dominant_script as detect_language
from bot.text.scripts import script_of, script_runs
from bot.vocabulary import LANGUAGES, LAO, THAI

# --- text strategies ---------------------------------------------------------------------------------


def joined(piece: st.SearchStrategy[str], min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """Text made of `piece`s, which may be longer than one code point (an emoji ZWJ sequence)."""
    return st.lists(piece, min_size=min_size, max_size=max_size).map("".join)


def repeated(chunk: str, length: int) -> str:
    """`chunk` over and over, cut at `length` code points."""
    return (chunk * (length // len(chunk) + 1))[:length]


LAO_CHAR = st.characters(min_codepoint=0x0E80, max_codepoint=0x0EFF)
THAI_CHAR = st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F)
LATIN_CHAR = st.characters(min_codepoint=0x0020, max_codepoint=0x024F)
COMBINING_MARK = st.characters(min_codepoint=0x0300, max_codepoint=0x036F)
RTL_CHAR = st.characters(min_codepoint=0x0590, max_codepoint=0x06FF)  # Hebrew and Arabic
ASTRAL_CHAR = st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF)  # never a surrogate
ANY_CHAR = st.characters(codec="utf-8")
INVISIBLE = st.sampled_from(
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f"]
    + ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
SPACE = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", "\r\n", "\u00a0", "\u3000", "\u2028", "\x0c"])
EMOJI = st.one_of(
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
    st.sampled_from(
        ["😭", "🙏🏽", "👩\u200d👩\u200d👧", "🇱🇦", "🇹🇭", "1\ufe0f\u20e3", "❤\ufe0f", "🏳\ufe0f\u200d🌈"]
    ),
)
MARKUP = st.sampled_from(["<", ">", "&", "&amp;", "&lt;", "<b>", "</i>", '"', "'", "{", "}", "/", "@"])
PIECE = st.one_of(
    LAO_CHAR,
    THAI_CHAR,
    LATIN_CHAR,
    COMBINING_MARK,
    RTL_CHAR,
    ASTRAL_CHAR,
    ANY_CHAR,
    INVISIBLE,
    SPACE,
    EMOJI,
    MARKUP,
    joined(LAO_CHAR, 1, 12),
    joined(THAI_CHAR, 1, 12),
)
MIXED_TEXT = joined(PIECE)
EMOJI_ONLY = joined(EMOJI, min_size=1, max_size=20)
LONG_TEXT = st.builds(
    repeated, joined(PIECE, 1, 12), st.integers(TELEGRAM_TEXT_LIMIT - 10, 3 * TELEGRAM_TEXT_LIMIT)
)
MESSAGES = st.one_of(st.just(""), st.text(), MIXED_TEXT, EMOJI_ONLY, LONG_TEXT)

# Characters that are no letter of any of the three languages: digits, punctuation, emoji, spaces.
NEUTRAL = st.one_of(
    st.sampled_from(list("0123456789.,!?;:'\"()[]-_/@#&*+=%$~`^|\\<>")),
    SPACE,
    INVISIBLE,
    COMBINING_MARK,
    EMOJI,
)
LATIN_WORD = st.text(st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=1, max_size=8)


# --- 1. the tokenizer --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tokenizer() -> LaoThaiTokenizer:
    return LaoThaiTokenizer(LaoThaiTokenizer.get_default_config())


def tokenized(tokenizer: LaoThaiTokenizer, text: str) -> List[Token]:
    """The tokens as the NLU pipeline sets them on a message (`process`, not `tokenize`)."""
    message = RasaMessage(data={TEXT: text})
    tokenizer.process([message])
    return message.get(TOKENS_NAMES[TEXT]) or []


@settings(max_examples=100, deadline=None, database=None)
@example(text="")
@example(text="😭😭👩\u200d👩\u200d👧")
@example(text="ຂ້ອຍ\u200dຢູ່ไทย\u0301 hi \u202eשלום")
@given(text=MESSAGES)
def test_tokens_are_ordered_non_empty_exact_substrings(tokenizer: LaoThaiTokenizer, text: str) -> None:
    """Entity offsets and word features point into her message, so a token must be exactly where it says."""
    end = 0
    for token in tokenized(tokenizer, text):
        assert token.text, token
        assert text[token.start : token.end] == token.text, token
        assert token.start >= end, "tokens overlap or are out of order"
        end = token.end


def word_characters(first: int, last: int) -> List[str]:
    """The letters, vowel and tone marks and digits of a Unicode block (not its punctuation)."""
    return [chr(c) for c in range(first, last + 1) if unicodedata.category(chr(c))[0] in "LMN"]


LAO_LETTERS = word_characters(0x0E80, 0x0EFF)
THAI_LETTERS = word_characters(0x0E00, 0x0E7F)


@settings(max_examples=100, deadline=None, database=None)
@given(
    text=st.one_of(
        st.text(st.sampled_from(LAO_LETTERS), min_size=1, max_size=60),
        st.text(st.sampled_from(THAI_LETTERS), min_size=1, max_size=60),
    )
)
def test_segmenting_a_lao_or_thai_run_loses_no_letter(tokenizer: LaoThaiTokenizer, text: str) -> None:
    """A message written without spaces must be cut into words, never lose letters to the dictionaries."""
    assert "".join(token.text for token in tokenized(tokenizer, text)) == text


# --- 2. the language of a text -----------------------------------------------------------------------


@settings(max_examples=200, deadline=None, database=None)
@given(text=MESSAGES)
def test_detected_language_is_one_of_ours_and_none_only_without_letters(text: str) -> None:
    """The reply language and the gateway's own lines are chosen from this; anything else would break them."""
    scripts = {script_of(char) for char in text}
    assert scripts <= {*LANGUAGES, None}
    language = language_id.detect_language(text)
    assert language in (*LANGUAGES, None)
    assert (language is None) == (scripts <= {None})
    if LAO in scripts or THAI in scripts:
        assert language in (LAO, THAI), "Lao or Thai letters always win over Latin ones"


@settings(max_examples=150, deadline=None, database=None)
@given(text=MESSAGES)
def test_script_runs_cover_the_text_and_are_tagged_by_their_letters(text: str) -> None:
    """The tokenizer hands each run to a dictionary by its tag: a wrong tag or a lost character breaks it."""
    runs = list(script_runs(text))
    assert "".join(run for run, _ in runs) == text
    for run, script in runs:
        assert run
        assert script in (LAO, THAI, None)
        if script is None:
            assert not {script_of(char) for char in run} & {LAO, THAI}
        else:
            assert all(script_of(char) == script for char in run)


@settings(max_examples=150, deadline=None, database=None)
@given(
    text=st.one_of(joined(LAO_CHAR, 1, 30), joined(THAI_CHAR, 1, 30)),
    noise=st.lists(st.one_of(NEUTRAL, LATIN_WORD), max_size=12),
    positions=st.lists(st.integers(0, 10_000), max_size=12),
)
@example(text="ຢາກໄປເຮັດວຽກ", noise=[" ", "online", " ", "😭", "!!"], positions=[99, 99, 99, 99, 99])
def test_punctuation_emoji_and_english_words_keep_lao_or_thai(
    text: str, noise: List[str], positions: List[int]
) -> None:
    """ຢາກໄປເຮັດວຽກ online 😭!! is Lao: an English word or an emoji must not flip her reply to English."""
    script = script_of(text[0])
    assert script in (LAO, THAI) and detect_language(text) == script
    chars = list(text)
    for extra, at in zip(noise, positions, strict=False):
        chars.insert(at % (len(chars) + 1), extra)
    assert detect_language("".join(chars)) == script


@settings(max_examples=100, deadline=None, database=None)
@given(pairs=st.lists(st.tuples(MIXED_TEXT, joined(NEUTRAL, max_size=3)), max_size=10))
def test_characters_without_a_script_never_change_the_language(pairs: List[Tuple[str, str]]) -> None:
    """A button press, a sticker's emoji or "???" must not change which language she is answered in."""
    plain = "".join(text for text, _ in pairs)
    noisy = "".join(text + extra for text, extra in pairs)
    assert detect_language(noisy) == detect_language(plain)


@settings(max_examples=100, deadline=None, database=None)
@given(lao=joined(LAO_CHAR, 0, 20), thai=joined(THAI_CHAR, 0, 20), other=MIXED_TEXT, shuffler=st.randoms())
def test_between_lao_and_thai_the_majority_decides_and_a_tie_is_lao(
    lao: str, thai: str, other: str, shuffler: random.Random
) -> None:
    """A Lao message quoting a Thai word (or the reverse) is answered in the language of most letters."""
    rest = "".join(c for c in other if script_of(c) not in (LAO, THAI))
    chars = list(lao + thai + rest)
    shuffler.shuffle(chars)
    expected = (LAO if len(lao) >= len(thai) else THAI) if lao or thai else detect_language(rest)
    assert detect_language("".join(chars)) == expected


# --- 3. the responses --------------------------------------------------------------------------------

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
_DOMAIN_TEXT = DOMAIN_FILE.read_text(encoding="utf-8")
PLACEHOLDERS = sorted(set(re.findall(r"\{([a-z_]+)\}", _DOMAIN_TEXT)))
SLOT_NAMES = sorted((yaml.safe_load(_DOMAIN_TEXT).get("slots") or {}).keys())
RENDER_PARAMETERS = {"utter_action", "language", "filled_slots", "output_channel"}

SLOT_VALUE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        MIXED_TEXT,
        st.sampled_from(["", "{", "}", "{{", "}}", "{fee_visa}", "{0}", "0[", "{0[x]}", "%s", "\\N{BULLET}"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def nlg() -> TranslatingNLG:
    return TranslatingNLG(domain=Domain.load(str(DOMAIN_FILE)))


@settings(max_examples=25, deadline=None, database=None)
@given(
    slots=st.dictionaries(
        st.one_of(st.sampled_from(SLOT_NAMES + PLACEHOLDERS), st.text(max_size=8)), SLOT_VALUE
    ),
    extra=st.dictionaries(
        st.sampled_from([p for p in PLACEHOLDERS if p not in RENDER_PARAMETERS]), SLOT_VALUE
    ),
    channel=st.sampled_from(["", "rest", "telegram", "socketio", "cmdline"]),
)
def test_every_response_renders_in_every_language_whatever_the_slots(
    nlg: TranslatingNLG, slots: Dict[str, Any], extra: Dict[str, Any], channel: str
) -> None:
    """A slot an action filled oddly (None, a number, a dict, braces) must not cost her the answer."""
    for language in LANGUAGES:
        for name in nlg.responses:
            response = nlg.render(name, language, dict(slots), channel, **extra)
            assert response is not None, name
            assert isinstance(response["text"], str) and response["text"].strip(), name
            assert response["language"] == language
            for button in response.get("buttons") or []:
                assert isinstance(button["title"], str) and button["title"], name


@settings(max_examples=50, deadline=None, database=None)
@given(text=MESSAGES, language=st.sampled_from(LANGUAGES))
def test_the_gateways_own_lines_always_come_with_the_numbers(text: str, language: str) -> None:
    """The gateway's fallback lines come from the catalogs; an unknown text must come back, not fail."""
    assert say(text, language) == translations(language).get(text, text)
    answer = with_numbers(text, language)
    assert answer.startswith(say(text, language)) and answer.endswith(say(HELP_NUMBERS, language))
    assert "1191" in with_numbers(BACKEND_DOWN, language) and "1300" in with_numbers(BACKEND_DOWN, language)


# --- 4. the Telegram gateway -------------------------------------------------------------------------

ENTITY = re.compile(r"&(?:amp|lt|gt);")


def assert_telegram_html(text: str) -> None:
    """Text Telegram's HTML parse mode shows as it is: not empty, not too long, no tag from her text."""
    assert 0 < len(text) <= TELEGRAM_TEXT_LIMIT
    assert "<" not in text and ">" not in text
    assert text == text.strip()


def visible(text: str) -> str:
    """The text with all whitespace removed: what must survive splitting."""
    return "".join(text.split())


@settings(max_examples=150, deadline=None, database=None)
@example(text="a <b> & c")
@example(text="&lt;" * 2000)
@given(text=MESSAGES)
def test_escaping_removes_every_tag_and_is_reversible(text: str) -> None:
    """A '<' in her message or in a reply must never become markup, and nothing of the text may be lost."""
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert "&" not in ENTITY.sub("", escaped)
    assert html.unescape(escaped) == text


@settings(max_examples=150, deadline=None, database=None)
@example(text="x" * 5000, limit=TELEGRAM_TEXT_LIMIT)
@example(text=" \n\n ".join(["word " * 300] * 6), limit=TELEGRAM_TEXT_LIMIT)
@given(text=MESSAGES, limit=st.one_of(st.integers(1, 60), st.just(TELEGRAM_TEXT_LIMIT)))
def test_split_pieces_are_non_empty_under_the_limit_and_lose_nothing(text: str, limit: int) -> None:
    """Telegram refuses an empty or over-long message: every piece must be sendable, and all of it sent."""
    pieces = split_text(text, limit)
    for piece in pieces:
        assert 0 < len(piece) <= limit
        assert piece == piece.strip()
    assert visible("".join(pieces)) == visible(text)
    assert bool(pieces) == bool(text.strip())


JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), MIXED_TEXT)
BUTTON = st.fixed_dictionaries(
    {},
    optional={
        "title": st.one_of(JSON_SCALAR, EMOJI_ONLY),
        "payload": st.one_of(
            JSON_SCALAR,
            st.text(max_size=80),
            st.sampled_from(["/affirm", '/ask_hotline{"country": "laos"}', "/" + "ກ" * 30]),
        ),
    },
)
CONTACT = st.fixed_dictionaries({}, optional={"phone_number": JSON_SCALAR, "first_name": MESSAGES})
CUSTOM = st.one_of(
    st.none(),
    st.dictionaries(st.text(max_size=8), JSON_SCALAR, max_size=2),
    st.fixed_dictionaries({"contact": st.one_of(CONTACT, JSON_SCALAR)}),
)
# What Rasa's REST channel can send back: `text` is a string when present, the rest is looser.
RASA_REPLY = st.fixed_dictionaries(
    {"recipient_id": st.just("tg-0")},
    optional={
        "text": st.one_of(st.none(), MESSAGES),
        "buttons": st.one_of(st.none(), st.lists(BUTTON, max_size=4)),
        "custom": CUSTOM,
        "image": st.text(max_size=10),
    },
)
ANY_REPLY = st.one_of(
    RASA_REPLY,
    st.fixed_dictionaries({}, optional={"text": JSON_SCALAR, "buttons": st.lists(BUTTON, max_size=2)}),
)


@settings(max_examples=150, deadline=None, database=None)
@example(reply={"text": "a <b> & c", "buttons": [{"title": "Yes", "payload": "/affirm"}]})
@example(reply={"text": "😭" * 5000, "buttons": [{"title": "x", "payload": "/" + "y" * 70}]})
@example(reply={"custom": {"contact": {"phone_number": 1300, "first_name": "ກ" * 100}}})
@given(reply=ANY_REPLY)
def test_a_reply_becomes_sendable_telegram_messages(reply: Dict[str, Any]) -> None:
    """Each reply must become messages Telegram accepts, its text whole, its usable buttons on the last."""
    messages = to_outgoing([reply])
    texts = [m for m in messages if m.text is not None]
    for message in messages:
        assert (message.text is None) != (message.contact is None)
        if message.contact is not None:
            assert message.contact["phone_number"] and message.contact["first_name"]
            assert len(message.contact["first_name"]) <= 64
    for message in texts:
        assert_telegram_html(message.text)
        for button in message.buttons:
            assert button["title"] and 0 < len(button["payload"].encode()) <= CALLBACK_DATA_LIMIT
        markup = keyboard(message.buttons)
        assert (markup is None) == (not message.buttons)
        rows = markup.inline_keyboard if markup else ()
        assert [[(b.text, b.callback_data) for b in row] for row in rows] == [
            [(b["title"], b["payload"])] for b in message.buttons
        ]
    text = reply.get("text")
    if isinstance(text, str) and text.strip():
        assert html.unescape("".join(visible(m.text) for m in texts)) == visible(text)
        assert all(not m.buttons for m in texts[:-1])
    else:
        assert not texts


@settings(max_examples=100, deadline=None, database=None)
@example(text="x" * 4095 + "<b>")
@given(text=st.one_of(LONG_TEXT, MESSAGES))
def test_no_message_ends_or_starts_inside_an_html_entity(text: str) -> None:
    """A '<' or '&' in a long reply must reach her as that character, not as a stray "&" and "lt;"."""
    for message in to_outgoing([{"text": text}]):
        assert "&" not in ENTITY.sub("", message.text), message.text[-8:]


@settings(max_examples=100, deadline=None, database=None)
@given(
    key=st.binary(max_size=64),
    chat_id=st.integers(-(2**63), 2**63 - 1),
    other=st.integers(-(2**63), 2**63 - 1),
)
def test_sender_is_an_opaque_stable_hash_of_the_chat(key: bytes, chat_id: int, other: int) -> None:
    """Rasa and its stores must see the same opaque id for a chat every time, and never the chat id."""
    sender = sender_id(key, chat_id)
    assert re.fullmatch(r"tg-[0-9a-f]{32}", sender)
    assert sender_id(key, chat_id) == sender
    if other != chat_id:
        assert sender_id(key, other) != sender
    if abs(chat_id) >= 10**9:
        assert str(abs(chat_id)) not in sender


@settings(max_examples=100, deadline=None, database=None)
@given(
    steps=st.lists(st.tuples(st.integers(-3, 12), st.floats(0, 5)), max_size=150),
    max_chats=st.integers(1, 8),
    burst=st.integers(1, 8),
    rate=st.floats(0.01, 5),
)
def test_flood_control_and_chat_memory_stay_bounded(
    steps: List[Tuple[int, float]], max_chats: int, burst: int, rate: float
) -> None:
    """Flood control must let through no more than the burst plus the refill, and forget the oldest chats."""
    memory = ChatMemory(max_chats=max_chats, burst=burst, refill_per_second=rate)
    now = time.monotonic() + 1000.0  # ahead of every state's creation time, as the real clock would be
    alive: List[ChatState] = []  # every state seen, kept alive so that no two share an id()
    born: Dict[int, float] = {}
    allowed: Dict[int, int] = {}
    for chat_id, wait in steps:
        now += wait
        state = memory.get(chat_id)
        if id(state) not in born:
            alive.append(state)
            born[id(state)], allowed[id(state)] = state.refilled_at, 0
        allowed[id(state)] += memory.allow(state, now=now)
        assert 0 <= state.tokens <= burst
        assert allowed[id(state)] <= burst + (now - born[id(state)]) * rate + 1e-6
        assert len(memory._chats) <= max_chats


@settings(max_examples=30, deadline=None, database=None)
@given(
    count=st.integers(0, 2 * MAX_IDS_PER_CHAT),
    gap=st.floats(0, 1000),
    later=st.floats(0, 2 * ERASABLE_SECONDS),
)
def test_remembered_message_ids_are_bounded_and_erasable_ones_recent(
    count: int, gap: float, later: float
) -> None:
    """/erase must find her newest messages, and a long chat must not grow the gateway's memory forever."""
    state = ChatState()
    for message_id in range(count):
        state.remember(message_id, now=message_id * gap)
    assert len(state.message_ids) == min(count, MAX_IDS_PER_CHAT)
    now = count * gap + later
    erasable = state.erasable(now=now)
    remembered = dict(state.message_ids)
    assert erasable == sorted(erasable) and set(erasable) <= set(remembered)
    assert all(now - remembered[mid] < ERASABLE_SECONDS for mid in erasable)
    if count and later < ERASABLE_SECONDS:
        assert erasable[-1] == count - 1, "her newest message must be erasable"


# --- the gateway's handlers, with a stub bot and a stub back end -------------------------------------

CHAT_ID = 5_551_234
BOT_USERNAME = "helpline_test_bot"
COMMANDS = ["start", "help", "language", "hotline", "erase"]


class StubBot:
    """Stands in for telegram.Bot: records what the gateway sends and never touches the network."""

    username = BOT_USERNAME

    def __init__(self) -> None:
        self.texts: List[str] = []
        self.contacts: List[Tuple[str, str]] = []
        self._ids = itertools.count(1000)

    async def send_chat_action(self, chat_id: int, action: str) -> bool:
        return True

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> SimpleNamespace:
        self.texts.append(text)
        return SimpleNamespace(message_id=next(self._ids))

    async def send_contact(self, chat_id: int, phone_number: str, first_name: str) -> SimpleNamespace:
        self.contacts.append((phone_number, first_name))
        return SimpleNamespace(message_id=next(self._ids))

    async def delete_messages(self, chat_id: int, message_ids: List[int]) -> bool:
        return True


class StubBackend:
    """Stands in for RasaBackend: the given replies, or BackendError when they are None (Rasa down)."""

    def __init__(self, replies: Optional[List[Dict[str, Any]]]) -> None:
        self.replies = replies
        self.received: List[str] = []

    async def send(
        self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None
    ) -> List[Dict[str, Any]]:
        self.received.append(text)
        if self.replies is None:
            raise BackendError("down")
        return self.replies


def private_update(bot: StubBot, text: str, language_code: Optional[str] = None, command: int = 0) -> Update:
    """A private text message as Telegram delivers it; `command` is the length of a leading bot command."""
    entities = (MessageEntity(MessageEntity.BOT_COMMAND, 0, command),) if command else ()
    message = TelegramMessage(
        message_id=1,
        date=dt.datetime.now(dt.timezone.utc),
        chat=Chat(id=CHAT_ID, type=Chat.PRIVATE),
        from_user=User(id=CHAT_ID, first_name="Noy", is_bot=False, language_code=language_code),
        text=text,
        entities=entities,
    )
    message.set_bot(bot)  # type: ignore[arg-type]
    update = Update(update_id=1, message=message)
    update.set_bot(bot)  # type: ignore[arg-type]
    return update


def assert_she_got_an_answer(bot: StubBot) -> None:
    """At least one message or contact card went out, and every text is one Telegram accepts."""
    assert bot.texts or bot.contacts, "she got no answer at all"
    for text in bot.texts:
        assert_telegram_html(text)


LANGUAGE_CODES = st.one_of(
    st.none(), st.sampled_from(["lo", "th", "en", "en-US", "lo-LA", "zh-hans", ""]), st.text()
)


@settings(max_examples=80, deadline=None, database=None)
@example(text="😭", replies=[{"recipient_id": "tg-0"}], language_code=None)
@example(text="", replies=None, language_code="th")
@given(
    text=MESSAGES,
    replies=st.one_of(st.none(), st.lists(RASA_REPLY, max_size=4)),
    language_code=LANGUAGE_CODES,
)
def test_whatever_she_writes_and_rasa_answers_she_gets_a_sendable_answer(
    text: str, replies: Optional[List[Dict[str, Any]]], language_code: Optional[str]
) -> None:
    """An emoji-only message, or Rasa down or answering nothing usable, must still get her a valid reply."""
    bot, backend = StubBot(), StubBackend(replies)
    asyncio.run(
        Gateway(backend, b"key", ChatMemory()).on_text(private_update(bot, text, language_code), None)
    )
    (sent,) = backend.received  # one message to Rasa, whatever she wrote (nothing: a greeting)
    if text.strip() and not text.lstrip().startswith("/"):
        assert sent == text  # her words as she wrote them; a typed "/..." loses its slash (payloads.py)
    assert_she_got_an_answer(bot)


@settings(max_examples=50, deadline=None, database=None)
@given(language_code=LANGUAGE_CODES)
def test_telegrams_language_hint_is_one_of_ours_or_none(language_code: Optional[str]) -> None:
    """Whatever language her phone reports, the gateway picks Lao, Thai, English or nothing."""
    assert Gateway._hint(private_update(StubBot(), "hi", language_code)) in (*LANGUAGES, None)


COMMAND_HANDLER = CommandHandler(COMMANDS, lambda update, context: None, filters=filters.ChatType.PRIVATE)


def run_command(text: str, length: int) -> StubBot:
    """`text` sent to the gateway as a command message, if Telegram's own rules would route it there."""
    bot = StubBot()
    update = private_update(bot, text, command=length)
    assert COMMAND_HANDLER.check_update(update), "python-telegram-bot would not route this to on_command"
    replies = [{"text": "ok <b>", "buttons": [{"title": "t", "payload": "/p"}]}]
    asyncio.run(Gateway(StubBackend(replies), b"key", ChatMemory()).on_command(update, None))
    return bot


MENTION = st.sampled_from(["", "@" + BOT_USERNAME])


@settings(max_examples=50, deadline=None, database=None)
@given(
    command=st.sampled_from(COMMANDS),
    mention=MENTION,
    arguments=st.one_of(st.just(""), st.tuples(st.sampled_from([" ", "\n", "\t"]), MESSAGES).map("".join)),
)
def test_a_command_with_any_arguments_is_answered(command: str, mention: str, arguments: str) -> None:
    """ "/start ສະບາຍດີ 😭" must start the conversation like "/start", whatever follows the command."""
    head = f"/{command}{mention}"
    assert_she_got_an_answer(run_command(head + arguments, len(head)))


def any_case(word: str) -> st.SearchStrategy[str]:
    """`word` with each letter in either case: /start, /Start, /START, /sTaRt."""
    return st.tuples(*[st.sampled_from([c.lower(), c.upper()]) for c in word]).map("".join)


@settings(max_examples=50, deadline=None, database=None)
@example(command="Start", mention="", after="")
@example(command="start", mention="", after=".")
@given(
    command=st.sampled_from(COMMANDS).flatmap(any_case),
    mention=MENTION,
    after=st.one_of(
        st.just(""), st.tuples(st.sampled_from([" ", ".", "!", "?", ",", "\u200b"]), MESSAGES).map("".join)
    ),
)
def test_a_command_telegram_recognises_is_answered_in_any_case_and_punctuation(
    command: str, mention: str, after: str
) -> None:
    """A phone writes "/Start", people type "/help?"; Telegram marks both as commands: both need an answer."""
    head = f"/{command}{mention}"
    assert_she_got_an_answer(run_command(head + after, len(head)))


# --- the demo page's message endpoint ------------------------------------------------------------


class _StubBackend:
    """Rasa as the demo page sees it: any replies, or down."""

    def __init__(self, replies: Optional[List[Dict[str, Any]]]) -> None:
        self.replies = replies

    async def send(self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> list:
        if self.replies is None:
            raise BackendError("down")
        return self.replies


async def _ask_demo_page(body: Any, replies: Optional[List[Dict[str, Any]]]) -> Tuple[int, Any]:
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.contacts.directory import load_directory
    from bot.gateway.web.routes import add_web_routes
    from bot.gateway.web.scenarios import load_scenarios

    app = web.Application(client_max_size=1024 * 1024)
    add_web_routes(app, _StubBackend(replies), b"key", load_directory(), load_scenarios(), lambda: None)
    async with TestClient(TestServer(app)) as client:
        response = await client.post("/api/message", json=body)
        return response.status, await response.json()


@settings(max_examples=40, deadline=None, database=None)
@given(
    text=st.one_of(MIXED_TEXT, EMOJI_ONLY, LONG_TEXT, st.just(""), st.integers(), st.none()),
    language=st.one_of(st.sampled_from(LANGUAGES), st.text(max_size=5), st.none()),
    replies=st.one_of(st.none(), st.lists(RASA_REPLY, max_size=4)),
)
def test_the_demo_page_always_gets_an_answer_it_can_show(text: Any, language: Any, replies: Any) -> None:
    """Whatever the page sends and whatever Rasa answers (or not), the page gets replies to show,
    and with Rasa silent or down they carry the numbers."""
    status, answer = asyncio.run(
        _ask_demo_page({"session": "property0test", "text": text, "language": language}, replies)
    )
    assert status == 200
    assert answer["replies"] and all(r.get("text") or r.get("contact") for r in answer["replies"])
    if answer.get("offline"):
        assert "1300" in answer["replies"][0]["text"]
