"""CSV cells made safe for spreadsheets: text that Excel could run as a formula is quoted.

Only the CSV needs this: a CSV cell has no type, and Excel decides on opening whether it
is a formula. An XLSX text cell is typed as text (written with write_string) and never
evaluated, so it is written as it is (an apostrophe there would be shown as part of it).

A text cell whose first character, after any leading spaces or control characters, is
`=`, `+`, `-` or `@` (or the pair `{=`, an array formula), or that starts with a tab,
carriage return or line feed, is written with a leading apostrophe: Excel and LibreOffice
then show it as text and never evaluate it. The full-width forms (＝ ＋ － ＠), which some
spreadsheet programs treat like the ASCII ones, are quoted as well. Numbers and dates are
written as numbers and dates, so they never pass through here.
"""

import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "{=", "＝", "＋", "－", "＠")
DANGEROUS_FIRST = ("\t", "\r", "\n")
_IGNORED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def _is_ignored(character: str) -> bool:
    return character.isspace() or unicodedata.category(character) in _IGNORED_CATEGORIES


def neutralise(text: str) -> str:
    """The text, prefixed with ' when a spreadsheet could read it as a formula."""
    if text.startswith(DANGEROUS_FIRST):
        return "'" + text
    start = 0
    while start < len(text) and _is_ignored(text[start]):
        start += 1
    if text.startswith(FORMULA_STARTS, start):
        return "'" + text
    return text
