"""Marking strings in Python code for translation.

`N_` only marks a string for `pybabel extract` (babel.cfg lists bot/ and actions/);
the string is translated where it is shown, with `bot.i18n.catalogs.translate`.
"""


def N_(text: str) -> str:  # noqa: N802 - the gettext convention
    return text
