"""Every word a report shows, marked for the gettext catalogs (`make locales`).

Topics are named by what the person was worried about, not by intent names, so that a reader
in Vientiane does not need to know Rasa. Chit-chat (hello, thanks, language changes) is left
out of the topic table: it says nothing about demand.
"""

from __future__ import annotations

from typing import Dict

from bot.i18n.markers import N_

TOPICS: Dict[str, str] = {
    "need_help_now": N_("In danger now"),
    "report_trafficking": N_("Worried about someone else"),
    "ask_go_home": N_("Stuck abroad, wants to go home"),
    "check_job_offer": N_("Checking a job offer"),
    "ask_online_job_scam": N_("Online or casino job across a border"),
    "ask_marriage_offer": N_("Marriage offer through a broker"),
    "ask_online_romance": N_("Online boyfriend or friend"),
    "ask_warning_signs": N_("Warning signs of trafficking"),
    "ask_what_is_trafficking": N_("What trafficking is"),
    "ask_safe_migration": N_("Going abroad to work safely"),
    "ask_documents": N_("Passport, work permit and other papers"),
    "ask_legal_recruitment": N_("Finding a licensed agency"),
    "ask_recruitment_fees": N_("Recruitment fees and debts"),
    "ask_worker_rights": N_("Rights at work"),
    "ask_hotline": N_("Asking for a hotline"),
    "about_privacy": N_("Who sees the chat"),
    "ask_safe_chat": N_("Erasing the chat, phone safety"),
    "bot_challenge": N_("Is this a person?"),
    "ask_for_person": N_("Wants to talk to a person"),
}

# "In …", not the bare names: those are the language buttons' texts, which stay in their own script.
LANGUAGE_NAMES: Dict[str, str] = {"lo": N_("In Lao"), "th": N_("In Thai"), "en": N_("In English")}

NEEDS: Dict[str, str] = {
    "emergency": N_("Emergency"),
    "help": N_("Help line"),
    "labour": N_("Work problems"),
    "going_home": N_("Going home"),
    "police": N_("Police"),
    "medical": N_("Ambulance or doctor"),
    "fire": N_("Fire brigade"),
}

OUTCOMES: Dict[str, str] = {
    "low": N_("Few warning signs"),
    "some": N_("Some warning signs"),
    "high": N_("Many warning signs"),
}

# Talking to a person (the counsellors on Telegram): why a person was offered, how long she waited for the
# first answer, who or what ended the conversation.
PERSON_REASONS: Dict[str, str] = {
    "asked": N_("She asked for a person"),
    "danger": N_("After a danger answer"),
    "jobcheck": N_("After a risky job offer"),
    "help": N_("From /help"),
}
WAIT_BANDS: Dict[str, str] = {
    "<2m": N_("Under 2 minutes"),
    "2-5m": N_("2 to 5 minutes"),
    "5-15m": N_("5 to 15 minutes"),
    "15-60m": N_("15 to 60 minutes"),
    ">60m": N_("Over an hour"),
}
CLOSERS: Dict[str, str] = {
    "her": N_("She ended it"),
    "staff": N_("A counsellor ended it"),
    "silence": N_("Nobody wrote for a while"),
    "restart": N_("The assistant restarted"),
    "blocked": N_("She blocked the bot"),
    "unreach": N_("The staff group could not be reached"),
}
PERSON_TITLE = N_("Talking to a person (counsellors on Telegram)")
PERSON_OFFERED = N_("A person was offered")
PERSON_ACCEPTED = N_("She agreed to write to a person")
PERSON_ANSWERED = N_("A counsellor answered")
PERSON_REASONS_TITLE = N_("Why a person was offered")
PERSON_WAITS_TITLE = N_("How long she waited for the first answer")
PERSON_CLOSED_TITLE = N_("How the conversations with a person ended")
METHOD_PERSON = N_(
    "Conversations with a person are counted the same way: how many times a person was offered, accepted "
    "and answered, the wait in bands, and how they ended; never who, and never what was written."
)

NOT_KNOWN = N_("Not known")
DOES_NOT_KNOW = N_("She did not know")
TITLE = N_("Help-line demand report")
SAMPLE_BANNER = N_("SAMPLE DATA: made up by `helpline stats sample`, not real conversations.")
DEMO_INCLUDED = N_("Demo conversations are included.")
PERIOD = N_("{start} to {end}, compared with {previous_start} to {previous_end}")

SUMMARY = N_("Summary")
CONVERSATIONS = N_("Conversations")
HANDOFFS = N_("Hand-offs to a hotline")
JOB_CHECKS = N_("Job offers checked")
NOT_UNDERSTOOD = N_("Messages not understood")
WEEKLY = N_("Conversations per week")
WEEK_OF = N_("Week of {day}")
TOPICS_TITLE = N_("What people asked about")
LANGUAGES_TITLE = N_("Conversations by language")
COUNTRIES_TITLE = N_("Countries asked about (a job's or a husband's country, not where she is)")
LOCATIONS_TITLE = N_("Where people said they are now")
HANDOFFS_TITLE = N_("Hand-offs by where she is and what she needed")
OUTCOMES_TITLE = N_("Job-offer checks by result")

THIS_PERIOD = N_("This period")
SHARE = N_("Share")
PREVIOUS_PERIOD = N_("Previous period")
CHANGE = N_("Change")
TOTAL = N_("Total")
WHERE_SHE_IS = N_("Where she is")

METHOD_TITLE = N_("How to read these numbers")
METHOD = N_(
    "Each number counts events, not people: one person who asks about two topics counts in both, "
    "and someone who comes back next week counts again. No message text and no account is stored, "
    "only how many there were each day of each language, topic, country asked about, place she said "
    "she is in, kind of help line, channel and job-check result. Numbers under {threshold} are shown as "
    "<{threshold}, zero included, so that "
    "nobody can be recognised from a small number. Where one hidden number other than zero could be "
    "worked out from a total, a second number is hidden too and shown as *. Totals and shares count every "
    "event, hidden ones included. A report covers whole weeks, Monday to Sunday, so that two reports never "
    "differ by a single day. The change compares this period with the same number of weeks just before "
    "it, and is left out where either number is hidden."
)
METHOD_DEMO = N_(
    "Conversations on the demo page, at village meetings, are not counted unless the report says so."
)
LEGEND_SMALL = N_("<{threshold}: fewer than {threshold}")
LEGEND_PROTECTING = N_("*: hidden so that a small number can't be worked out")
GENERATED = N_("Made on {day} by `helpline report`.")
