"""The counsellors' events as coarse daily counts, in the same table as the rest (bot/stats).

Only the kind (offered, accepted, answered, closed), one closed-set outcome (why it was offered, the band
of the wait, who closed it), the channel and the demo flag: no label, no time of day, nothing that links
one case's events. The gateway writes them through a store of its own (its own spool file), opened at the
first event, so a gateway without a desk or a demo hand-off never touches the database.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Optional

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.stats.store import StatsStore

logger = logging.getLogger(__name__)


class CaseStatistics:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: Optional[StatsStore] = None
        if settings.gateway_stats_spool.exists():  # events the last run could not write: write them now
            self._open()

    def _open(self) -> StatsStore:
        if self._store is None:
            from bot.stats.store import StatsStore, database_url

            self._store = StatsStore(database_url(self.settings), spool=self.settings.gateway_stats_spool)
        return self._store

    def record(self, kind: str, channel: str, demo: bool, outcome: Optional[str] = None) -> None:
        """Never raises: statistics must not cost her a reply."""
        from bot.stats.schema import StatEvent

        try:
            event = StatEvent(day=dt.date.today(), kind=kind, channel=channel, demo=demo, outcome=outcome)
            self._open().record(event)
        except Exception:
            logger.warning("a counsellor statistics event could not be recorded (%s)", kind)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
