"""Renders every response in her language (named in endpoints.yml, loaded by Rasa in process).

Responses are picked as Rasa would (channel and conditional variations), their
text and button titles are translated from the gettext catalogs, and only then
are the placeholders filled, so translators see `{fee_visa}` and `{number.laos_lwu_1362}`
and never a number: fees come from data/fees.yml, help numbers from data/contacts.yml.
When her message calls for it, the language buttons are added (bot/language.py).
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Iterator, Optional

from rasa.core.nlg import interpolator
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.contacts.directory import number_values
from bot.i18n.catalogs import translate
from bot.i18n.formatting import fact_values
from bot.language import language_offer, reply_language
from bot.vocabulary import ENGLISH, LANGUAGE_SLOT

REPLY_LANGUAGE_KEY = "language"


def user_messages_newest_first(tracker: DialogueStateTracker) -> Iterator[Dict[str, Any]]:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            yield {"parse_data": event.parse_data, "metadata": event.metadata}


def translate_response(response: Dict[str, Any], language: str) -> Dict[str, Any]:
    if language == ENGLISH:
        return response
    if isinstance(response.get("text"), str):
        response["text"] = translate(response["text"], language)
    for button in response.get("buttons") or []:
        if isinstance(button.get("title"), str):
            button["title"] = translate(button["title"], language)
    return response


class TranslatingNLG(TemplatedNaturalLanguageGenerator):
    """Templated responses from the domain, rendered in lo / th / en."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None):
        super().__init__(domain.responses if domain else {})

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> Optional[Dict[str, Any]]:
        chosen = tracker.get_slot(LANGUAGE_SLOT)
        language = reply_language(chosen, user_messages_newest_first(tracker))
        filled_slots = tracker.current_slot_values()
        rendered = self.render(utter_action, language, filled_slots, output_channel, **kwargs)
        offer = language_offer(chosen, user_messages_newest_first(tracker))
        if rendered is not None and offer:
            rendered["buttons"] = [*(rendered.get("buttons") or []), *offer]
        return rendered

    def render(
        self,
        utter_action: str,
        language: str,
        filled_slots: Dict[str, Any],
        output_channel: str = "",
        **kwargs: Any,
    ) -> Optional[Dict[str, Any]]:
        response = self._random_response_for(utter_action, output_channel, filled_slots)
        if response is None:
            return None
        response = translate_response(copy.deepcopy(response), language)
        response.pop("metadata", None)  # the facts it rests on, for the tests: not for her
        values = {**fact_values(language), **number_values(), **filled_slots}
        # Button payloads such as /ask_hotline{"country": "laos"} carry JSON braces, not placeholders:
        # only the titles are filled (Rasa would log an error for every such payload).
        buttons = response.pop("buttons", None)
        rendered = self._fill_response(response, values, **kwargs)
        if buttons is not None:
            variables = self._response_variables(values, kwargs)
            for button in buttons:
                if isinstance(button.get("title"), str):
                    button["title"] = interpolator.interpolate_text(button["title"], variables)
            rendered["buttons"] = buttons
        rendered[REPLY_LANGUAGE_KEY] = language
        return rendered
