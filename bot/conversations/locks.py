"""The lock store Rasa uses (endpoints.yml `lock_store`): one message of a conversation at a time.

With REDIS_URL set, Rasa's own RedisLockStore, so that two Rasa servers never work on the same
conversation at once (the gateway sends a conversation to one server, but moves it when that one is
down). Without it, Rasa's in-memory lock store, as before. A lock lives TICKET_LOCK_LIFETIME seconds
at most (bot/settings.py LOCK_LIFETIME_SECONDS): a server killed while it held one does not hold
her next message on another server for long. In Redis the lock's key (named by her conversation's
hash) also expires then, so a lock left by a killed server does not keep that name after her
conversation is gone.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.core import lock_store as rasa_locks
from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from bot.settings import Settings

KEY_PREFIX = "helpline"  # Rasa makes it "helpline:lock:<conversation>"


class ExpiringRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store, whose keys expire with the last ticket they hold."""

    def save_lock(self, lock: TicketLock) -> None:
        lifetime = int(rasa_locks.LOCK_LIFETIME) + 5
        self.red.set(self.key_prefix + lock.conversation_id, lock.dumps(), ex=lifetime)


def redis_lock_store(url: str) -> RedisLockStore:
    from redis.connection import parse_url

    given = parse_url(url)
    return ExpiringRedisLockStore(
        host=given.get("host", "localhost"),
        port=int(given.get("port", 6379)),
        db=int(given.get("db", 0)),
        username=given.get("username"),
        password=given.get("password"),
        use_ssl=url.startswith("rediss://"),
        key_prefix=KEY_PREFIX,
        socket_timeout=2,
    )


class ConversationLockStore(LockStore):
    """Rasa's Redis lock store when REDIS_URL is set, else its in-memory one."""

    def __init__(self, endpoint_config: Any = None, settings: Optional[Settings] = None) -> None:
        settings = settings or Settings()
        self.store: LockStore = (
            redis_lock_store(settings.redis_url) if settings.redis_url else InMemoryLockStore()
        )
        super().__init__()

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        return self.store.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        self.store.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self.store.save_lock(lock)
