"""The Lao help-line assistant: NLU components, NLG, locales and the tools around them."""
