"""Rasa custom actions: thin wrappers over the code in bot/."""
