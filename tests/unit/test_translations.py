"""The English catalogue: every string the code and templates mark for translation (babel.cfg)
has a non-empty, non-fuzzy English translation with the same placeholders, nothing stale is
left in it, and it compiles."""

from io import BytesIO

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from vbe_learn.core.config import REPO_ROOT
from vbe_learn.core.i18n import STATUS_LABELS, TRANSLATIONS_DIR
from vbe_learn.learning.status import STATUSES

ENGLISH_PO = TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.po"
# As `make translations-update` extracts them.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def extracted_msgids() -> dict[str, str]:
    """Every msgid (the singular for plurals) marked in the code, with a file it is in."""
    with (REPO_ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        REPO_ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, filename)
    return found


def english_catalog():
    with ENGLISH_PO.open("rb") as po_file:
        return read_po(po_file)


def test_every_marked_string_has_an_english_translation():
    catalog = english_catalog()
    untranslated = []
    for msgid, filename in extracted_msgids().items():
        message = catalog.get(msgid)
        strings = () if message is None else message.string
        strings = (strings,) if isinstance(strings, str) else strings
        if message is None or message.fuzzy or not all(s.strip() for s in strings):
            untranslated.append(f"{filename}: {msgid!r}")
    assert not untranslated, "translate these in messages.po (docs/translations.md):\n" + "\n".join(
        untranslated
    )


def test_the_catalogue_holds_nothing_the_code_no_longer_marks():
    marked = set(extracted_msgids())
    msgids = [m.id[0] if isinstance(m.id, tuple) else m.id for m in english_catalog() if m.id]
    stale = [msgid for msgid in msgids if msgid not in marked]
    assert not stale, f"run `make translations-update` (--ignore-obsolete drops them): {stale}"


def test_the_catalogue_compiles_with_matching_placeholders():
    catalog = english_catalog()
    problems = [
        f"{message.id!r}: {error}" for message, errors in catalog.check() for error in errors
    ]
    assert not problems
    compiled = BytesIO()
    write_mo(compiled, catalog)
    assert len(compiled.getvalue()) > 1000


def test_every_status_has_an_interface_label():
    assert set(STATUS_LABELS) == set(STATUSES)
