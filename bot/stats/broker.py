"""A Rasa event broker that keeps anonymous statistics (named in endpoints.yml).

Rasa hands every tracker event to `publish`; the mapper keeps only coarse,
closed-set fields and the store writes them in the background. Nothing here
can raise into Rasa: a broken statistics path must never cost her a reply.
"""

from __future__ import annotations

import logging
from asyncio import AbstractEventLoop
from typing import Any, Dict, Optional

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

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: Optional[AbstractEventLoop] = None
    ) -> StatisticsEventBroker:
        settings = Settings()
        store = StatsStore(database_url(settings), spool=settings.stats_spool)
        return cls(store, EventMapper(_domain_intents()))

    def publish(self, event: Dict[str, Any]) -> None:
        try:
            for row in self.mapper.map(event):
                self.store.record(row)
        except Exception:  # never let statistics break a reply; log no content
            logger.warning("a statistics event could not be mapped (%s)", event.get("event"))

    async def close(self) -> None:
        self.store.close()
