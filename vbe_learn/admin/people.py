"""Finding a person by name or e-post (Roller's search, the Händelselogg's person filter)."""

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload

from ..core.extensions import db
from ..models import User

MAX_MATCHES = 20


def person_matches(text: str) -> ColumnElement[bool]:
    """People whose name ("förnamn efternamn") or e-post contains the text, ignoring case.

    The lowered text is compared with the lowered columns; the text as typed and with a
    capital first letter are tried too, for letters (Å, Ä, Ö) that SQLite's lower() keeps.
    """
    text = " ".join(text.split())
    name = User.first_name + " " + User.last_name
    variants = {text.lower(), text, text[:1].upper() + text[1:]}
    return or_(
        *(
            func.lower(column).contains(v, autoescape=True)
            for v in variants
            for column in (name, User.email)
        ),
        *(column.contains(v, autoescape=True) for v in variants for column in (name, User.email)),
    )


def find_people(text: str, limit: int = MAX_MATCHES) -> list[User]:
    """Active people matching the text (name or e-post), by name; at most `limit`."""
    if not text.strip():
        return []
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.unit))  # the list shows each person's enhet
            .where(User.active.is_(True), person_matches(text))
            .order_by(User.last_name, User.first_name, User.id)
            .limit(limit)
        )
    )
