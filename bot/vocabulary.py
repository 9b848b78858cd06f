"""The closed sets every part of the assistant shares: languages, countries, needs, slot names.

It lives outside bot/nlu so that editing it does not retrain the model (the model's fingerprint
covers bot/nlu). domain.yml repeats the slot values Rasa needs; tests/test_vocabulary.py checks
that the two agree.
"""

from __future__ import annotations

# --- languages -------------------------------------------------------------------------------------
LAO = "lo"
THAI = "th"
ENGLISH = "en"
LANGUAGES = (LAO, THAI, ENGLISH)

# --- where she is, and the countries she asks about ------------------------------------------------
COUNTRIES = ("laos", "thailand", "china", "vietnam", "malaysia", "japan", "cambodia", "myanmar", "other")
# She said she does not know where she is (a location, never a topic's country).
UNKNOWN_PLACE = "unknown"
LOCATIONS = (*COUNTRIES, UNKNOWN_PLACE)

# --- what she needs from a hand-off ----------------------------------------------------------------
EMERGENCY = "emergency"  # in danger now
HELP = "help"  # a help line to talk to, for herself or someone else
LABOUR = "labour"  # pay, employer, work permit
GOING_HOME = "going_home"
POLICE = "police"  # she asked for the police number
MEDICAL = "medical"  # she asked for an ambulance or a doctor
FIRE = "fire"  # a fire brigade: in the directory for completeness, never what a danger answer needs
NEEDS = (EMERGENCY, HELP, LABOUR, GOING_HOME, POLICE, MEDICAL, FIRE)
# The emergency services she may ask for by name (the `service` entity), and the need each means.
SERVICES = {"police": POLICE, "medical": MEDICAL}

# --- slots and entities (domain.yml) ---------------------------------------------------------------
LANGUAGE_SLOT = "language"
COUNTRY_SLOT = "country"  # the country a question is about (a job's, a husband's)
LOCATION_SLOT = "location"  # where she, or the person she worries about, is now
PENDING_NEED_SLOT = "pending_need"  # the need waiting for her answer to "where are you now?"
IN_DANGER_SLOT = "in_danger"  # once set, every hand-off gives the emergency numbers first
HANDOFF_SLOT = "handoff"  # the last hand-off given ({location, need}), for the statistics
JOB_CHECK_OUTCOME_SLOT = "job_check_outcome"

COUNTRY_ENTITY = "country"
LOCATION_ENTITY = "location"
LANGUAGE_ENTITY = "language"
SERVICE_ENTITY = "service"

# --- what travels with a message -------------------------------------------------------------------
# The parse-data keys the language detector fills: the language, whether the words made it clear, and
# how it was written (lao, thai, lao_in_thai, latin_lao, latin_thai, english: bot/text/language_id.py).
DETECTED_LANGUAGE = "detected_language"
LANGUAGE_SURE = "language_sure"
WRITTEN_AS = "written_as"
# Set in the parse data when the danger net found a cue (the intent was then made need_help_now).
DANGER_CUES = "danger_cues"
# Metadata the front ends send with each message.
CHANNEL_KEY = "channel"
DEMO_KEY = "demo"
LANGUAGE_HINT_KEY = "language_hint"
CHANNELS = ("telegram", "web", "rest", "terminal", "other")

# --- a person (the counsellors' desk, bot/gateway/counsellors/) ------------------------------------------
# A reply's custom payload by which an action tells the gateway that a person may be offered here, with
# what the bot knows that helps a counsellor (closed-set values only). The gateway decides whether a desk
# is configured and open; other front ends ignore it.
PERSON_OFFER_KEY = "person_offer"
# Why a person was offered: she asked, a danger answer, a job check with many warning signs, /help.
OFFER_REASONS = ("asked", "danger", "jobcheck", "help")
# The statistics' kinds for a person (bot/stats/schema.py): offered (outcome: why), accepted, answered
# (outcome: the band of the wait for the first answer), closed (outcome: by whom).
PERSON_OFFERED = "person_offered"
PERSON_ACCEPTED = "person_accepted"
PERSON_ANSWERED = "person_answered"
PERSON_CLOSED = "person_closed"
PERSON_KINDS = (PERSON_OFFERED, PERSON_ACCEPTED, PERSON_ANSWERED, PERSON_CLOSED)
