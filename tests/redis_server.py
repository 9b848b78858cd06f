"""The Redis server the tests of several Rasa servers use, when one is configured.

`.ci/run` starts a throw-away Redis server on loopback (scripts/test-redis.sh) and sets
TEST_REDIS_URL, and TEST_REDIS_CONTROL to the script that stops and starts it.
"""

from __future__ import annotations

import os
import subprocess

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL")
REDIS_CONTROL = os.environ.get("TEST_REDIS_CONTROL")
NO_REDIS = "Redis tests did not run: set TEST_REDIS_URL (.ci/run starts a server with scripts/test-redis.sh)"


def fresh_redis() -> str:
    """The test Redis server, emptied: each test starts from nothing (the tests run one at a time)."""
    if not REDIS_URL:
        pytest.skip(NO_REDIS)
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    finally:
        client.close()
    return REDIS_URL


def redis_control(action: str) -> None:
    if not REDIS_CONTROL:
        pytest.skip("TEST_REDIS_CONTROL is not set: cannot stop and start the Redis server")
    subprocess.run([REDIS_CONTROL, action], check=True, capture_output=True)


def everything_in(url: str) -> bytes:
    """Every key and value in the Redis server, read plainly (DUMP may compress), for searching."""
    import redis

    client = redis.Redis.from_url(url)
    found = []
    for key in client.scan_iter():
        kind = client.type(key)
        found.append(key)
        if kind == b"string":
            found.append(client.get(key) or b"")
        elif kind == b"list":
            found.extend(client.lrange(key, 0, -1))
        elif kind == b"zset":
            found.extend(client.zrange(key, 0, -1))
        elif kind == b"hash":
            found.extend(b"".join(pair) for pair in client.hgetall(key).items())
        elif kind == b"set":
            found.extend(client.smembers(key))
    client.close()
    return b"\n".join(found)
