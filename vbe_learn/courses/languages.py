"""The languages a course is offered in: Swedish (the source), lättläst svenska and English.

A variant has the same modules, pages, questions and options as the Swedish source (the same
database rows, so progress and attempts are shared); only its text differs. The variant
files sit beside the Swedish ones (`NN-page.en.md`, `questions.sv-lattlast.yaml`, …; see
courses/README.md).
"""

SOURCE_LANGUAGE = "sv"
# Every language in the order the learner is offered them, with the name shown (in itself).
LANGUAGES: dict[str, str] = {
    "sv": "Svenska",
    "sv-lattlast": "Lättläst svenska",
    "en": "English",
}
VARIANT_LANGUAGES: tuple[str, ...] = tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)
# The BCP 47 tag for HTML `lang` attributes: lättläst is Swedish.
HTML_LANG: dict[str, str] = {"sv": "sv", "sv-lattlast": "sv", "en": "en"}


def learner_language(user) -> str:
    """The course language a person chose (Swedish until they choose)."""
    chosen = getattr(user, "course_language", None)
    return chosen if chosen in LANGUAGES else SOURCE_LANGUAGE


def html_lang(language: str) -> str:
    """The HTML `lang` value of a course language ("sv-lattlast" → "sv")."""
    return HTML_LANG.get(language, HTML_LANG[SOURCE_LANGUAGE])


def variant_suffix(name: str) -> tuple[str, str | None]:
    """Split a file name's stem into (base, language): "02-x.en" → ("02-x", "en");
    a stem without a dot → (stem, None); an unknown language is returned as written."""
    base, dot, language = name.rpartition(".")
    if not dot:
        return name, None
    return base, language
