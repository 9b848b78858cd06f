"""The closed sets in bot/vocabulary.py and their copies that Rasa needs in domain.yml agree."""

import yaml

from bot.contacts.directory import load_directory
from bot.settings import PROJECT_ROOT
from bot.vocabulary import (
    COUNTRIES,
    COUNTRY_SLOT,
    LANGUAGE_SLOT,
    LANGUAGES,
    LOCATION_SLOT,
    LOCATIONS,
    NEEDS,
    SERVICES,
)

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def test_slot_values_match_the_vocabulary() -> None:
    slots = DOMAIN["slots"]
    assert tuple(slots[COUNTRY_SLOT]["values"]) == COUNTRIES
    assert tuple(slots[LOCATION_SLOT]["values"]) == LOCATIONS
    assert tuple(slots[LANGUAGE_SLOT]["values"]) == LANGUAGES


def test_every_need_is_served_somewhere_and_every_service_is_a_need() -> None:
    served = {need for contact in load_directory() for need in contact.needs}
    assert served == set(NEEDS)
    assert set(SERVICES.values()) <= set(NEEDS)


def test_the_vocabulary_lives_outside_the_nlu_package() -> None:
    """Editing it must not retrain the model (the fingerprint covers bot/nlu)."""
    assert not (PROJECT_ROOT / "bot" / "nlu" / "scripts.py").exists()
    assert (PROJECT_ROOT / "bot" / "vocabulary.py").exists()
