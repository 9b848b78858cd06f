"""The job-offer check: which answers are warning signs, and how serious together.

The questions follow the warning signs in shared/content/facts.md (sections 3
and 4). Her answers live only in the conversation's memory while she answers;
only the outcome level leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional

from bot.i18n.catalogs import translate
from bot.i18n.markers import N_

QUESTIONS = ("job_fee", "job_passport", "job_contact", "job_pay", "job_border", "job_place", "job_under_18")

WHY: Dict[str, str] = {
    "job_fee": N_('A big fee or a debt can be used to force you to work until it is "paid".'),
    "job_passport": N_("Whoever keeps your passport can stop you from leaving."),
    "job_contact": N_("Traffickers often find people online or through brokers they know."),
    "job_pay": N_("Pay that sounds too good is a common trick."),
    "job_border": N_("Without a work permit you have less protection, and can be threatened with police."),
    "job_place": N_('Jobs in bars, karaoke, massage, casinos or "online admin" often hide forced work.'),
    "job_under_18": N_("You are under 18: please talk to an adult you trust before you decide anything."),
}
# Any one of these is enough for "high": they take away her freedom to leave.
SERIOUS = frozenset({"job_passport", "job_border", "job_under_18"})

LOW, SOME, HIGH = "low", "some", "high"


@dataclass(frozen=True)
class Assessment:
    level: str
    signs: List[str]
    unsure: List[str]

    def explained(self, language: str) -> str:
        return "\n".join(f"- {translate(WHY[sign], language)}" for sign in self.signs)


def assess(answers: Mapping[str, Optional[str]]) -> Assessment:
    signs = [q for q in QUESTIONS if answers.get(q) == "yes"]
    unsure = [q for q in QUESTIONS if answers.get(q) == "unknown"]
    if len(signs) >= 3 or SERIOUS.intersection(signs):
        level = HIGH
    elif signs or len(unsure) >= 2:
        level = SOME
    else:
        level = LOW
    return Assessment(level, signs, unsure)
