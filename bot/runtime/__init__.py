"""How the assistant's processes run: their logs, their environment, their start."""
