"""Conversations while they last: what the dialogue needs, no text, forgotten when idle or erased."""
