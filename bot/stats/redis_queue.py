"""Statistics rows on their way to the database, in Redis, when several Rasa servers share one.

A Rasa server that is killed (SIGKILL, a power cut) loses what its memory held. So with REDIS_URL set,
each row is pushed to a Redis list before her reply is returned (bot/stats/store.py `record`), and
the servers' writers move them to the database: a writer first moves a batch to a list of its own
(atomically), writes it, then deletes that list. A writer that dies leaves its list behind, with its
"alive" key expiring; any other writer (or the same server once restarted) puts those rows back.

The guarantee: no row is lost while Redis runs. A row is written twice only if a writer is killed
in the instant between the database's commit and the deletion of its list (the batch is then
written again). The rows are the anonymous ones of the database (closed-set fields and the day).
"""

from __future__ import annotations

import uuid
from typing import List

import redis

PENDING = "helpline:stats:pending"
TAKEN = "helpline:stats:taken:"  # + the writer's id
ALIVE = "helpline:stats:alive:"  # + the writer's id; expires when the writer stops renewing it
ALIVE_SECONDS = 10

# KEYS: PENDING, the writer's list. ARGV: how many. A batch taken before and not written yet comes first.
_TAKE = """
local taken = redis.call('LRANGE', KEYS[2], 0, -1)
if #taken > 0 then return taken end
local batch = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #batch > 0 then
  redis.call('LTRIM', KEYS[1], #batch, -1)
  redis.call('RPUSH', KEYS[2], unpack(batch))
end
return batch
"""
# KEYS: a writer's list, PENDING. Its rows go back to the front of the line.
_GIVE_BACK = """
local rows = redis.call('LRANGE', KEYS[1], 0, -1)
for i = #rows, 1, -1 do redis.call('LPUSH', KEYS[2], rows[i]) end
redis.call('DEL', KEYS[1])
return #rows
"""


class RedisQueue:
    def __init__(self, url: str) -> None:
        from bot.conversations.redis_memory import connect

        self.redis = connect(url)
        self.writer = uuid.uuid4().hex
        self._take = self.redis.register_script(_TAKE)
        self._give_back = self.redis.register_script(_GIVE_BACK)

    @property
    def _mine(self) -> str:
        return TAKEN + self.writer

    def push(self, rows: List[str]) -> None:
        if rows:
            self.redis.rpush(PENDING, *rows)

    def take(self, count: int) -> List[str]:
        """Up to `count` rows, moved to this writer's list until `done`."""
        return [row.decode() for row in self._take(keys=[PENDING, self._mine], args=[count])]

    def done(self) -> None:
        self.redis.delete(self._mine)

    def waiting(self) -> int:
        pipe = self.redis.pipeline()
        pipe.llen(PENDING)
        pipe.llen(self._mine)
        return sum(pipe.execute())

    def alive(self) -> None:
        self.redis.set(ALIVE + self.writer, 1, ex=ALIVE_SECONDS)

    def give_back(self) -> int:
        """At a stop: what this writer took and could not write goes back for the others."""
        count = int(self._give_back(keys=[self._mine, PENDING]))
        self.redis.delete(ALIVE + self.writer)
        return count

    def recover(self) -> int:
        """The rows of writers that died (their alive key expired) go back to the line."""
        recovered = 0
        for key in self.redis.scan_iter(match=TAKEN + "*", count=100):
            writer = key.decode()[len(TAKEN) :]
            if writer != self.writer and not self.redis.exists(ALIVE + writer):
                recovered += int(self._give_back(keys=[key, PENDING]))
        return recovered

    def ping(self) -> bool:
        try:
            return bool(self.redis.ping())
        except redis.RedisError:
            return False
