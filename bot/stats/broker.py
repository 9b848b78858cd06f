"""A Rasa event broker that keeps anonymous statistics (named in endpoints.yml).

Rasa hands every tracker event to `publish`; the mapper keeps only coarse,
closed-set fields and the store writes them in the background. Nothing here
can raise into Rasa: a broken statistics path must never cost her a reply.

The mapper remembers a little of each conversation (was it counted, her language, her place).
With several Rasa servers a conversation may have gone on elsewhere since this server last saw
it: the conversation store says which saved version each turn follows (`follow`), and the mapper
catches up from the saved events, so a conversation is counted once wherever it goes.
"""

from __future__ import annotations

import logging
from asyncio import AbstractEventLoop
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.settings import Settings
from bot.stats.events import EventMapper
from bot.stats.store import StatsStore, database_url

logger = logging.getLogger(__name__)


def _domain_intents() -> frozenset:
    from rasa.shared.core.domain import Domain

    from bot.settings import PROJECT_ROOT

    return frozenset(Domain.load(str(PROJECT_ROOT / "domain.yml")).intents)


class StatisticsEventBroker(EventBroker):
    def __init__(self, store: StatsStore, mapper: EventMapper) -> None:
        self.store = store
        self.mapper = mapper
        self._versions: OrderedDict[str, Optional[str]] = OrderedDict()  # what this server saved last

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: Optional[AbstractEventLoop] = None
    ) -> StatisticsEventBroker:
        settings = Settings()
        store = StatsStore(database_url(settings), spool=settings.stats_spool, redis_url=settings.redis_url)
        return cls(store, EventMapper(_domain_intents()))

    def follow(
        self,
        sender: str,
        saved: Optional[str],
        earlier: Callable[[], List[Dict[str, Any]]],
        next_version: str,
    ) -> None:
        """A turn of `sender` follows the saved version `saved`; if that is not the one this server saved
        last, the mapper's memory of her conversation is rebuilt from its saved events (no rows)."""
        try:
            if self._versions.get(sender) != saved:
                self.mapper.forget(sender)
                for event in earlier():
                    for _ in self.mapper.map(event):
                        pass
            self._versions.pop(sender, None)
            self._versions[sender] = next_version
            while len(self._versions) > self.mapper.max_conversations:
                self._versions.popitem(last=False)
        except Exception:  # never let statistics break a reply; log no content
            logger.warning("a conversation's statistics state could not be rebuilt")

    def publish(self, event: Dict[str, Any]) -> None:
        try:
            for row in self.mapper.map(event):
                self.store.record(row)
        except Exception:  # never let statistics break a reply; log no content
            logger.warning("a statistics event could not be mapped (%s)", event.get("event"))

    async def close(self) -> None:
        self.store.close()

    def healthy(self) -> Dict[str, Any]:
        """For the health check: closed-set facts only."""
        return {"writing": not self.store.failing, "waiting": self.store.pending}
