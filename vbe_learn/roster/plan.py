"""Compare a validated roster with the database: who is added, changed, deactivated.

Planning writes nothing: it is the preview, the dry run and the first step of an import.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import pandas as pd
from flask_babel import gettext, lazy_gettext
from sqlalchemy import func, select

from ..core.extensions import db
from ..models import RosterImport, User
from .organisation import existing_unit_ids
from .validation import Problems

COMPARED = {  # roster column → its name in the preview (the interface language)
    "first_name": lazy_gettext("förnamn"),
    "last_name": lazy_gettext("efternamn"),
    "email": lazy_gettext("e-post"),
    "unit_path": lazy_gettext("enhet"),
    "manager_number": lazy_gettext("chef"),
    "close_to_residents": lazy_gettext("invånarnära"),
    "employed_from": lazy_gettext("anställd från"),
    "employee_number": lazy_gettext("anställningsnummer"),
    "reactivated": lazy_gettext("status"),
}
NAME_FIELDS = {key: COMPARED[key] for key in ("first_name", "last_name")}
FILE_ENCODING = "cp1252"  # what Swedish Excel saves as "CSV": letters outside it become "?"


class Change(NamedTuple):
    """One changed field of a person: code name, label, old and new value as shown."""

    field: str
    label: str
    old: str
    new: str


class LostLetters(NamedTuple):
    """A name in the file with "?" where a letter was lost (the stored name, when known)."""

    row: int
    label: str
    in_file: str
    stored: str | None


@dataclass
class RosterPlan:
    """What applying a roster would do; `problems` refuse it."""

    as_of: date
    roster: pd.DataFrame  # every row, with user_id (None when new) and unit_path
    added: pd.DataFrame
    changed: pd.DataFrame  # with a `changes` column (Change: the fields and their names)
    deactivated: pd.DataFrame  # current people absent from the file
    new_units: list[tuple[str, str, str]]
    problems: Problems = field(default_factory=Problems)
    active_people: int = 0  # active before the import (the share's denominator)
    max_deactivate_share: float = 1.0  # more than this share deactivated needs a typed count
    lost_letters: list[LostLetters] = field(default_factory=list)

    @property
    def deactivated_share(self) -> float:
        """The share of the active people this import deactivates (0 when there are none)."""
        return len(self.deactivated) / self.active_people if self.active_people else 0.0

    @property
    def mass_deactivation(self) -> bool:
        """True when confirming must repeat the number deactivated (the guard's one rule)."""
        return len(self.deactivated) > 0 and self.deactivated_share > self.max_deactivate_share

    def count_confirmed(self, typed: int | None) -> bool:
        """Whether the typed number lets this plan be applied."""
        return not self.mass_deactivation or typed == len(self.deactivated)

    @property
    def summary(self) -> dict[str, int]:
        """Counts for the preview and the log."""
        return {
            "rows": len(self.roster),
            "added": len(self.added),
            "changed": len(self.changed),
            "deactivated": len(self.deactivated),
            "new_units": len(self.new_units),
        }


def current_people() -> pd.DataFrame:
    """Everyone in the database with an anställningsnummer or e-post, as a table."""
    manager = db.aliased(User)
    rows = db.session.execute(
        select(
            User.id.label("user_id"),
            User.employee_number,
            User.email,
            User.first_name,
            User.last_name,
            User.unit_id,
            manager.employee_number.label("manager_number"),
            User.close_to_residents,
            User.employed_from,
            User.active,
        ).outerjoin(manager, manager.id == User.manager_id)
    ).all()
    columns = [
        "user_id", "employee_number", "email", "first_name", "last_name", "unit_id",
        "manager_number", "close_to_residents", "employed_from", "active",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def plan_roster(
    roster: pd.DataFrame, as_of: date, problems: Problems, legacy_encoding: bool = False
) -> RosterPlan:
    """Match the roster's rows with the people in the database and list the differences.

    legacy_encoding: the file was read as Windows-1252, so any "?" in a name is suspect.
    """
    _check_as_of(as_of, problems)
    units = existing_unit_ids()
    paths = {unit_id: path for path, unit_id in units.items()}
    roster = roster.copy()
    roster["unit_path"] = list(
        zip(roster["administration"], roster["department"], roster["unit"], strict=True)
    )
    current = current_people()
    people = {row.user_id: row for row in current.itertuples(index=False)}
    by_number = {
        row.employee_number: row.user_id
        for row in people.values()
        if not _missing(row.employee_number)
    }
    local_by_email = {
        row.email.lower(): row.user_id for row in people.values() if _missing(row.employee_number)
    }
    matches = [
        by_number.get(number) or local_by_email.get(email)
        for number, email in zip(roster["employee_number"], roster["email"], strict=True)
    ]
    roster["user_id"] = pd.Series(matches, index=roster.index, dtype=object)  # int or None
    _check_email_owners(roster, people, problems)
    roster["changes"] = [
        _changes(row, people[row["user_id"]], paths) if row["user_id"] else []
        for row in roster.to_dict("records")
    ]
    in_file = {user_id for user_id in roster["user_id"] if user_id}
    deactivated = current[
        current["active"].astype(bool)
        & current["employee_number"].notna()
        & ~current["user_id"].isin(in_file)
    ]
    return RosterPlan(
        as_of=as_of,
        roster=roster,
        added=roster[roster["user_id"].isna()],
        changed=roster[roster["changes"].map(bool)],
        deactivated=deactivated,
        new_units=sorted(set(roster["unit_path"]) - set(units)),
        problems=problems,
        active_people=int(current["active"].astype(bool).sum()),
        lost_letters=_lost_letters(roster, people, legacy_encoding),
    )


def _lost_letters(roster: pd.DataFrame, people: dict, legacy_encoding: bool) -> list[LostLetters]:
    """Names where the file has "?" for a letter Windows-1252 cannot hold ("Markovi?")."""
    found = []
    for row_number, row in zip(roster.index, roster.to_dict("records"), strict=True):
        person = people.get(row["user_id"]) if row["user_id"] else None
        for key, label in NAME_FIELDS.items():
            in_file = row[key]
            if "?" not in in_file:
                continue
            stored = getattr(person, key) if person is not None else None
            lost = stored is not None and stored != in_file and _as_cp1252(stored) == in_file
            if lost or legacy_encoding:
                found.append(LostLetters(int(row_number), str(label), in_file, stored))
    return found


def _as_cp1252(text: str) -> str:
    """The text as Excel writes it in Windows-1252: each letter it lacks becomes "?"."""
    return text.encode(FILE_ENCODING, errors="replace").decode(FILE_ENCODING)


def _changes(row: dict, person, paths: dict) -> list[Change]:
    """The fields where the roster row differs from the person, with old and new values."""
    before = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email.lower(),
        "unit_path": paths.get(person.unit_id),
        "manager_number": _text(person.manager_number),
        "close_to_residents": bool(person.close_to_residents),
        "employed_from": None if _missing(person.employed_from) else person.employed_from,
        "employee_number": None if _missing(person.employee_number) else person.employee_number,
        "reactivated": not person.active,
    }
    after = row | {"reactivated": False}
    return [
        Change(key, str(label), _shown(key, before[key]), _shown(key, after[key]))
        for key, label in COMPARED.items()
        if after[key] != before[key]
    ]


def _shown(key: str, value) -> str:
    """A compared value as the preview writes it (the interface language, "–" when empty)."""
    if key == "reactivated":
        return gettext("avaktiverad") if value else gettext("aktiv")
    if isinstance(value, bool):
        return gettext("Ja") if value else gettext("Nej")
    if isinstance(value, tuple):
        return " / ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return "–" if _missing(value) or value == "" else str(value)


def _missing(value) -> bool:
    """None or a pandas NaN/NaT (what an empty database cell becomes in a table)."""
    return value is None or value != value


def _text(value) -> str:
    return "" if _missing(value) else str(value)


def _check_as_of(as_of: date, problems: Problems) -> None:
    latest = db.session.scalar(select(func.max(RosterImport.as_of)))
    if latest is not None and as_of < latest:
        problems.add(
            None,
            gettext(
                "Datumet %(day)s är tidigare än den senaste importen (%(latest)s). "
                "Importera filer i datumordning.",
                day=as_of.isoformat(),
                latest=latest.isoformat(),
            ),
        )


def _check_email_owners(roster: pd.DataFrame, people: dict, problems: Problems) -> None:
    """An e-post may not belong to someone else who stays outside the file."""
    owners = {row.email.lower(): user_id for user_id, row in people.items()}
    in_file = {user_id for user_id in roster["user_id"] if user_id}
    for row_number, email, user_id in zip(
        roster.index, roster["email"], roster["user_id"], strict=True
    ):
        owner = owners.get(email)
        if owner and owner != user_id and owner not in in_file:
            other = people[owner]
            problems.add(
                row_number,
                gettext(
                    "E-postadressen %(email)s tillhör %(name)s, som inte finns i filen.",
                    email=email,
                    name=f"{other.first_name} {other.last_name}",
                ),
            )
