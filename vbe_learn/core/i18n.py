"""The interface language (Flask-Babel): Swedish, the source and default, or English.

The one rule: a signed-in person whose chosen course language is English gets the English
interface; everyone else (Swedish, lättläst svenska, not chosen yet, not signed in) gets the
Swedish one. The public intyg verification page also answers in English with `?lang=en`.
E-mails are written in their recipient's language, not the request's: wrap the rendering in
`flask_babel.force_locale(user_locale(user))`.

The msgids are the Swedish texts; the English catalogue is
vbe_learn/translations/en/LC_MESSAGES/messages.po (docs/translations.md).
"""

import logging
from datetime import date, datetime

from babel.dates import format_date
from flask import Flask, has_request_context, request
from flask_babel import get_locale, gettext, lazy_gettext
from flask_login import current_user

from ..courses.languages import learner_language
from ..models.org import ADMIN, CENTRAL_COORDINATOR, COORDINATOR, User
from ..models.types import CITY_TIMEZONE, EARLIER_PLATFORM, swedish_date, version_label
from .config import REPO_ROOT
from .extensions import babel

log = logging.getLogger("vbe_learn.core.i18n")

SOURCE_LOCALE = "sv"
ENGLISH = "en"
UI_LOCALES = (SOURCE_LOCALE, ENGLISH)
TRANSLATIONS_DIR = REPO_ROOT / "vbe_learn" / "translations"
# Pages anyone may open in English with ?lang=en (the public intyg verification).
LANG_PARAMETER_ENDPOINTS = frozenset({"certificates.verify"})

# Words the code keeps in Swedish as data, and their interface text. The statuses of
# learning/status.py STATUSES (not imported: the learning package imports this module; a test
# keeps the two equal).
STATUS_LABELS = {
    "Genomförd": lazy_gettext("Genomförd"),
    "Ska förnyas": lazy_gettext("Ska förnyas"),
    "Påbörjad": lazy_gettext("Påbörjad"),
    "Ej påbörjad": lazy_gettext("Ej påbörjad"),
}
# The roles' names (models/org.py ROLE_LABELS has the Swedish ones, for the logs).
ROLE_LABELS = {
    COORDINATOR: lazy_gettext("Samordnare"),
    CENTRAL_COORDINATOR: lazy_gettext("Central samordnare"),
    ADMIN: lazy_gettext("Admin"),
}


def N_(text: str) -> str:
    """Mark a Swedish text kept as data (a log's label) for extraction; it is translated
    where it is shown, with gettext(text)."""
    return text


def locale_for_language(course_language: str | None) -> str:
    """The interface locale of a course language: 'en' for English, else 'sv' (lättläst
    svenska and "not chosen" use the Swedish interface)."""
    return ENGLISH if course_language == ENGLISH else SOURCE_LOCALE


def user_locale(user: User) -> str:
    """The interface locale of a person (their pages and their e-mails), from the course
    language they chose (courses/languages.py)."""
    return locale_for_language(learner_language(user))


def select_locale() -> str:
    """Flask-Babel's locale selector for the current request (Swedish outside a request)."""
    if not has_request_context():
        return SOURCE_LOCALE
    if request.endpoint in LANG_PARAMETER_ENDPOINTS and request.args.get("lang") in UI_LOCALES:
        return request.args["lang"]
    if current_user.is_authenticated:
        return user_locale(current_user)
    return SOURCE_LOCALE


def current_locale() -> str:
    """The interface locale in force ('sv' or 'en'), also inside `force_locale`."""
    locale = get_locale()
    return locale.language if locale is not None else SOURCE_LOCALE


def long_date(day: date) -> str:
    """A date for running text in the interface language: '24 november 2026' in Swedish,
    '24 November 2026' in English."""
    if current_locale() == ENGLISH:
        return format_date(day, "d MMMM y", locale=ENGLISH)
    return swedish_date(day)


def course_version_label(
    loaded_at: datetime | None, imported: str | None = None, locale: str | None = None
) -> str:
    """A course version as people read it (models/types.py version_label) in the interface
    language (or the `locale` given): 'december 2026' / 'December 2026', 'tidigare plattform'
    / 'earlier platform'."""
    label = version_label(loaded_at, imported)
    if (locale or current_locale()) != ENGLISH:
        return label
    if loaded_at is not None:
        return format_date(loaded_at.astimezone(CITY_TIMEZONE), "MMMM y", locale=ENGLISH)
    return gettext("tidigare plattform") if label == EARLIER_PLATFORM else label


def swedish_data_attributes() -> dict[str, str]:
    """HTML attributes for Swedish data (a förvaltning's or enhet's name) shown by Python,
    e.g. a form's choices: lang="sv" when the interface is not Swedish (the rule of the
    sv_term macro in _macros.html)."""
    return {} if current_locale() == SOURCE_LOCALE else {"lang": SOURCE_LOCALE}


def status_label(status: str) -> str:
    """A status (learning/status.py: 'Genomförd', …) in the interface language."""
    return str(STATUS_LABELS.get(status, status))


def role_label(role: str) -> str:
    """A role's name in the interface language."""
    return str(ROLE_LABELS.get(role, role))


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with the locale selector; give templates html_lang(), the long_date
    filter, status_label() and role_label()."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)
    # {% trans %} blocks are whitespace-normalised, as babel.cfg extracts them (trimmed).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.add_template_filter(long_date, "long_date")
    app.add_template_global(current_locale, "html_lang")
    app.add_template_global(status_label)
    app.add_template_global(role_label)
    missing = sorted(
        po.parent.parent.name
        for po in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po")
        if not po.with_suffix(".mo").exists()
    )
    if missing:
        log.warning("event=translations_not_compiled locales=%s: run `make translations`", missing)
