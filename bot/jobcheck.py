"""The job-offer check: which answers are warning signs, how serious together, and which questions
are still worth asking.

The questions follow the ILO indicators of forced labour and the warning signs in docs/facts.md
(sections 3 and 4). A kept passport, a debt to work off, not being free to leave, crossing without
a work permit and being under 18 each make the risk high at once; then the check ends, since more
answers would not change the advice and she may be in a hurry. "Don't know" about the passport or a
debt is never low risk. Her answers live only in the conversation while she answers; only the
outcome level leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional

from bot.i18n.catalogs import translate
from bot.i18n.markers import N_

YES, NO, UNKNOWN = "yes", "no", "unknown"
LOW, SOME, HIGH = "low", "some", "high"


@dataclass(frozen=True)
class Question:
    slot: str  # the slot her answer fills; the domain asks it with utter_ask_<slot>
    sign: str  # the answer that is a warning sign (YES, or NO for "will you be free to...?")
    serious: bool  # the sign alone makes the risk high
    unknown_counts: bool  # "don't know" is itself a warning
    why: str


QUESTIONS = (
    Question(
        "job_under_18",
        YES,
        True,
        False,
        N_("You are under 18: please talk to an adult you trust before you decide anything."),
    ),
    Question(
        "job_passport",
        YES,
        True,
        True,
        N_("Whoever keeps your passport can stop you from leaving."),
    ),
    Question(
        "job_debt",
        YES,
        True,
        True,
        N_('A debt can be used to force you to work until it is "paid".'),
    ),
    Question(
        "job_free",
        NO,
        True,
        False,
        N_("If you cannot go out or quit when you want, you can be trapped."),
    ),
    Question(
        "job_border",
        YES,
        True,
        False,
        N_("Without a work permit you have less protection, and can be threatened with police."),
    ),
    Question(
        "job_recruiter",
        YES,
        False,
        False,
        N_("Traffickers often find people online, or are people they know: neighbours and relatives."),
    ),
    Question(
        "job_fee",
        YES,
        False,
        False,
        N_("Agencies must use the official fees; a broker who asks for much more is a warning sign."),
    ),
    Question(
        "job_contract",
        NO,
        False,
        False,
        N_("Without a written contract, the job and the pay can be changed after you arrive."),
    ),
    Question(
        "job_live_at_work",
        YES,
        False,
        False,
        N_("Living where you work makes it easier for someone to control you."),
    ),
    Question(
        "job_deductions",
        YES,
        False,
        False,
        N_("Costs taken from your wages can leave you with nothing, or in debt."),
    ),
    Question(
        "job_place",
        YES,
        False,
        False,
        N_('Jobs in bars, karaoke, massage, casinos or "online admin" often hide forced work.'),
    ),
    Question(
        "job_pay",
        YES,
        False,
        False,
        N_("Pay that sounds too good is a common trick."),
    ),
)
SLOTS = tuple(q.slot for q in QUESTIONS)
BY_SLOT: Dict[str, Question] = {q.slot: q for q in QUESTIONS}
SIGNS_FOR_HIGH = 3  # this many ordinary signs together are as serious as one serious sign


@dataclass(frozen=True)
class Assessment:
    level: str
    signs: List[str]  # slots whose answer was a warning sign, in question order
    unsure: List[str]  # slots answered "don't know"

    def explained(self, language: str) -> str:
        return "\n".join(f"- {translate(BY_SLOT[sign].why, language)}" for sign in self.signs)


def assess(answers: Mapping[str, Optional[str]]) -> Assessment:
    signs = [q.slot for q in QUESTIONS if answers.get(q.slot) == q.sign]
    unsure = [q.slot for q in QUESTIONS if answers.get(q.slot) == UNKNOWN]
    if len(signs) >= SIGNS_FOR_HIGH or any(BY_SLOT[s].serious for s in signs):
        level = HIGH
    elif signs or len(unsure) >= 2 or any(BY_SLOT[s].unknown_counts for s in unsure):
        level = SOME
    else:
        level = LOW
    return Assessment(level, signs, unsure)


def questions_left(answers: Mapping[str, Optional[str]]) -> List[str]:
    """The questions still to ask, in order: none once the risk is high, since more answers would
    not change the advice."""
    if assess(answers).level == HIGH:
        return []
    return [q.slot for q in QUESTIONS if answers.get(q.slot) is None]
