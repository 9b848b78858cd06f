"""A counsellor on Telegram: a consented, anonymous hand-off from the bot to a person in the NGO's staff
group (STAFF_CHAT_ID), and its simulation on the demo page. See the README, "A counsellor on Telegram"."""
