"""Rasa NLU components for Lao, Thai and English."""
