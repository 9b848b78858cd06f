"""Which Rasa server a conversation goes to (bot/gateway/routing.py): always the same one while it is up,
spread evenly, and only a down server's conversations move."""

from collections import Counter

from bot.gateway.routing import preferred_order

SERVERS = ["http://10.0.0.2:5005", "http://10.0.0.3:5005", "http://10.0.0.4:5005"]
SENDERS = [f"tg-{number:032x}" for number in range(3000)]


def first_up(sender: str, servers: list, down: frozenset = frozenset()) -> str:
    return next(servers[i] for i in preferred_order(sender, servers) if servers[i] not in down)


def test_each_conversation_has_one_stable_order_of_every_server() -> None:
    for sender in SENDERS[:200]:
        order = preferred_order(sender, SERVERS)
        assert sorted(order) == [0, 1, 2] and order == preferred_order(sender, list(SERVERS))


def test_conversations_are_spread_evenly() -> None:
    shares = Counter(first_up(sender, SERVERS) for sender in SENDERS)
    assert all(800 < shares[server] < 1200 for server in SERVERS), shares


def test_only_the_conversations_of_a_server_that_is_down_move_and_they_come_back() -> None:
    down = frozenset({SERVERS[1]})
    for sender in SENDERS:
        home = first_up(sender, SERVERS)
        away = first_up(sender, SERVERS, down)
        assert away == home or home == SERVERS[1]
        assert away != SERVERS[1]
        assert first_up(sender, SERVERS) == home  # back once it is up


def test_adding_a_server_moves_only_the_conversations_it_takes() -> None:
    more = [*SERVERS, "http://10.0.0.5:5005"]
    moved = [sender for sender in SENDERS if first_up(sender, more) != first_up(sender, SERVERS)]
    assert all(first_up(sender, more) == more[3] for sender in moved)
    assert 500 < len(moved) < 1000  # about a quarter
