"""What she and the counsellors read about a case, marked for the gettext catalogs (`make locales`).

Her lines are in her language. The counsellors' lines are in the staff group's language
(HELPLINE_STAFF_LANGUAGE, Lao by default).
"""

from __future__ import annotations

from bot.i18n.markers import N_

# --- her side --------------------------------------------------------------------------------------
OFFER = N_("If you cannot call, or would rather write: a person from our team can also write with you here.")
OFFER_BUTTON = N_("Write to a person")
CLOSED_NOW = N_("A person from our team can write with you here from {when} ({zone}).")
CONSENT = N_(
    "Before a person reads your messages:\n"
    "- They see only what you write here from now on, and the photos or voice messages you choose to send.\n"
    "- They do not see your name, your username, your phone number or your profile, or what you wrote "
    "before.\n"
    "- You can stop at any time with /stop, or delete the chat with /erase.\n"
    "Do you want to write to a person?"
)
AGREE_BUTTON = N_("Yes, I agree")
DECLINE_BUTTON = N_("No, thank you")
DECLINED = N_("OK. If you change your mind, send /help.")
OPENED = N_(
    "Thank you. A person from our team will write to you here soon. You can already write what happened. "
    "While the person is with you, I do not answer myself. /stop ends the conversation."
)
ALREADY_OPEN = N_("You are already writing with a person. Write here, or send /stop to end.")
CANNOT_REACH = N_("Sorry, I cannot reach a person right now.")
PERSON_HERE = N_("A person from our team is writing to you now.")
STILL_WAITING = N_(
    "Everyone in our team is busy right now, sorry. You can keep waiting, or stop waiting and call a help "
    "line."
)
WAIT_BUTTON = N_("Keep waiting")
LEAVE_BUTTON = N_("Stop waiting")
KEEP_WAITING = N_("OK, you are still in line. A person will write to you as soon as one is free.")
NOT_PASSED_ON = N_(
    "To protect you, I did not pass this on: the person only gets text, photos, voice messages, videos and "
    "files."
)
ENDED_BY_HER = N_("You ended the conversation with the person.")
ENDED_BY_STAFF = N_("The person ended the conversation.")
ENDED_SILENCE = N_("The conversation with the person ended because nobody wrote for a while.")
ENDED_RESTART = N_("The conversation with the person ended because the assistant had to restart.")
ENDED_UNREACHABLE = N_("The conversation with the person ended: I cannot reach our team right now.")
NUMBERS_AFTER = N_("If you need help, call:\n{contacts}\nYou can write to me again at any time.")
HELP_STOP = N_("/stop: end the conversation with a person")
STOP_COMMAND = N_("End the conversation with a person")

# --- the counsellors' side (the staff group) -------------------------------------------------------
CASE_OPENED = N_(
    "New case {label}. She agreed to write with a person. Her messages from now on appear here, copied "
    "without her name or account. Your replies in this topic go to her from the bot. /end closes the case."
)
KNOWN_LANGUAGE = N_("Language: {language}")
KNOWN_PLACE = N_("Where she is: {place}")
KNOWN_TOPIC = N_("What she asked about: {topic}")
KNOWN_JOB_CHECK = N_("Job-offer check: {result}")
KNOWN_DANGER = N_("She may be in danger: the bot gave her the emergency numbers.")
WHY_ASKED = N_("She asked for a person.")
WHY_DANGER = N_("Offered after a danger answer.")
WHY_JOB_CHECK = N_("Offered after a job-offer check with many warning signs.")
WHY_HELP = N_("She chose a person from /help.")
DANGER_NOTE = N_("Danger words in her last message: the bot sent her the emergency numbers.")
LOCATION_NOTE = N_("She shared her location: {place}. The bot does not pass on the exact place.")
QUEUE_ALERT = N_("Case {label} has waited {minutes} minutes for a counsellor.")
CLOSED_BY_HER = N_("Case {label} closed: she ended it.")
CLOSED_BY_STAFF = N_("Case {label} closed by a counsellor.")
CLOSED_SILENCE = N_("Case {label} closed: nobody wrote for {minutes} minutes.")
CLOSED_RESTART = N_("Case {label} closed: the assistant is restarting. She was told how to reach help.")
CLOSED_BLOCKED = N_("Case {label} closed: she blocked the bot or deleted the chat.")
CLOSED_UNREACHABLE = N_("Case {label} closed: the topic or the group could not be reached.")
NOT_CONNECTED = N_(
    "This topic is not connected to anyone: its case has ended, or the assistant restarted. Nothing "
    "written here reaches her."
)
NOT_COPIED = N_("This could not be sent to her.")
END_IN_TOPIC = N_("/end works inside a case's topic.")
NO_CASES = N_("No open cases.")
CASES_TITLE = N_("Open cases, waiting first:")
CASE_WAITING = N_("{label}: waiting {minutes} min")
CASE_ANSWERED = N_("{label}: answered, last message {minutes} min ago")
CONNECTED = N_(
    "The help-line assistant is connected to this group. Each case opens as a topic here. /cases lists "
    "the open cases, /report sends the statistics report."
)
REPORT_CAPTION = N_("Statistics report, {start} to {end}.")
REPORT_FAILED = N_("The report could not be made: {reason}")
