"""Rasa custom actions: thin wrappers over the code in bot/.

The contact directory is checked when the action server imports this package:
a malformed data/contacts.yml stops it with a message naming the line, rather
than letting it give out a broken contact list.
"""

from bot.contacts.directory import load_directory

load_directory()
