"""The conversation store's memory in Redis (REDIS_URL), shared by several Rasa servers.

The same rules as the in-memory one (bot/conversations/store.py): a conversation is the text-free
dialogue of its latest session and its event count; it lives HELPLINE_CONVERSATION_IDLE_MINUTES
after its last save or read (a Redis TTL: Redis forgets it by itself, whoever is running); at most
HELPLINE_MAX_CONVERSATIONS are held, the least recently used go first; an erased one is deleted
outright. The Redis server must keep nothing on disk (README: "Several machines").
"""

from __future__ import annotations

import json
import logging
from typing import Any, List, Optional

import redis

from bot.conversations.store import Kept

logger = logging.getLogger(__name__)
PREFIX = "helpline:conversation:"
# Every conversation held, by the Redis server's time of its last use: for the bound and for keys().
TOUCHED = "helpline:conversations-touched"

# KEYS: the conversation, TOUCHED. ARGV: sender, value, idle ms, most, prefix.
_PUT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[3]) / 1000)
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if excess > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], excess)
  for i = 1, #oldest, 2 do redis.call('DEL', ARGV[5] .. oldest[i]) end
end
return 1
"""
# KEYS: the conversation, TOUCHED. ARGV: sender, idle ms.
_GET = """
local value = redis.call('GET', KEYS[1])
if value then
  local t = redis.call('TIME')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('ZADD', KEYS[2], tonumber(t[1]) + tonumber(t[2]) / 1000000, ARGV[1])
end
return value
"""
# KEYS: TOUCHED. ARGV: idle seconds. Conversations expire by their TTL; this forgets their names too.
_FORGET_IDLE = """
local t = redis.call('TIME')
return redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(t[1]) - tonumber(ARGV[1]))
"""


def connect(url: str) -> redis.Redis:
    """A short time-out: a Redis that does not answer must not hold her reply for long."""
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30)


class RedisConversations:
    """Text-free dialogues by conversation id in Redis: the interface of ConversationMemory."""

    def __init__(self, url: str, idle_seconds: float, max_conversations: int) -> None:
        self.idle_seconds = idle_seconds
        self.max_conversations = max_conversations
        self.redis = connect(url)
        self._put = self.redis.register_script(_PUT)
        self._get = self.redis.register_script(_GET)
        self._forget = self.redis.register_script(_FORGET_IDLE)
        self._warn_if_saved_to_disk()

    def _warn_if_saved_to_disk(self) -> None:
        """Conversations must never reach a disk: say so at the start if Redis saves its memory."""
        try:
            saves = self.redis.config_get("save").get("save") or ""
            appends = self.redis.config_get("appendonly").get("appendonly") == "yes"
        except redis.RedisError:
            return  # CONFIG may be turned off on a managed server; the README says what to set
        if saves.strip() or appends:
            logger.warning(
                "Redis saves its memory to disk (save/appendonly): conversations may reach the disk; "
                "turn it off (README: Several Rasa servers, several machines)"
            )

    @property
    def _idle_ms(self) -> int:
        return max(1, int(self.idle_seconds * 1000))

    def __len__(self) -> int:
        self.forget_idle()
        return int(self.redis.zcard(TOUCHED))

    def put(self, key: str, dialogue: str, events: int, version: str) -> None:
        value = json.dumps({"dialogue": dialogue, "events": events, "version": version})
        arguments = [key, value, self._idle_ms, self.max_conversations, PREFIX]
        self._put(keys=[PREFIX + key, TOUCHED], args=arguments)

    def get(self, key: str) -> Optional[Kept]:
        value: Any = self._get(keys=[PREFIX + key, TOUCHED], args=[key, self._idle_ms])
        if value is None:
            return None
        kept = json.loads(value)
        return Kept(kept["dialogue"], int(kept["events"]), 0.0, str(kept["version"]))

    def delete(self, key: str) -> None:
        pipe = self.redis.pipeline()
        pipe.delete(PREFIX + key)
        pipe.zrem(TOUCHED, key)
        pipe.execute()

    def keys(self) -> List[str]:
        self.forget_idle()
        return [name.decode() for name in self.redis.zrange(TOUCHED, 0, -1)]

    def forget_idle(self) -> int:
        return int(self._forget(keys=[TOUCHED], args=[self.idle_seconds]))

    def ping(self) -> bool:
        try:
            return bool(self.redis.ping())
        except redis.RedisError:
            return False
