"""The real actions, with the hand-off replaced by one that fails with her text in its error message:
the test starts the action server on this package to follow the leak path of a failing action."""

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.handoff
import actions.jobcheck  # noqa: F401 - the other actions, as in production
import actions.topics  # noqa: F401


class RaisingHandoff(actions.handoff.ActionHotlineHandoff):
    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Any]:
        raise RuntimeError(f"the hand-off failed on: {tracker.latest_message.get('text')}")
