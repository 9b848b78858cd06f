"""Reading her text by rule, without Rasa: scripts, languages, places, danger cues.

The NLU components wrap these, and the gateway uses them directly (it must not import Rasa).
"""
