"""Validate every row of a roster or completions file before anything is written.

Problems carry the spreadsheet row number (the header is row 1) and a message in the
interface language (Swedish on the command line and in the import job: it is stored). The
column headers named in them are the file's own, so they stay Swedish.
"""

from dataclasses import dataclass, field

import pandas as pd
from flask_babel import gettext

from ..core.mail import ADDRESS_PATTERN
from ..models.types import city_today
from .files import normalise_header

MAX_PROBLEMS_SHOWN = 50
YES, NO = {"ja", "j", "yes", "1"}, {"nej", "n", "no", "0", ""}
# The platform never holds personnummer: a file carrying them is refused, not trimmed.
FORBIDDEN_HEADERS = ("personnummer", "personnr", "samordningsnummer", "ssn")


@dataclass(frozen=True)
class Column:
    """A column of an import file: its Swedish header, its code name, whether required."""

    header: str
    key: str
    required: bool = True


ROSTER_COLUMNS = (
    Column("Anställningsnummer", "employee_number"),
    Column("Förnamn", "first_name"),
    Column("Efternamn", "last_name"),
    Column("E-post", "email"),
    Column("Förvaltning", "administration"),
    Column("Avdelning", "department"),
    Column("Enhet", "unit"),
    Column("Chefens anställningsnummer", "manager_number"),
    Column("Invånarnära", "close_to_residents"),
    Column("Anställd från", "employed_from", required=False),
)
COMPLETION_COLUMNS = (
    Column("Anställningsnummer", "employee_number"),
    Column("Genomförd", "completed_on"),
    Column("Kursversion", "source_version", required=False),
)


@dataclass
class Problems:
    """Every problem found in a file, with row numbers."""

    items: list[tuple[int | None, str]] = field(default_factory=list)

    def add(self, row: int | None, message: str) -> None:
        """Record a problem (row None = the whole file)."""
        self.items.append((row, message))

    def add_rows(
        self, frame: pd.DataFrame, mask: pd.Series, message: str, values: pd.Series | None = None
    ) -> None:
        """Record a problem for every row where mask is true; `{value}` names the bad value."""
        for row in frame.index[mask]:
            shown = "" if values is None else values[row]
            self.add(int(row), message.format(value=shown))

    def add_duplicates(self, frame: pd.DataFrame, column: str, message: str) -> None:
        """Record every row whose value (not empty) is also on other rows, naming those rows."""
        values = frame[column]
        repeated = values[values.duplicated(keep=False) & (values != "")]
        rows_of: dict[str, list[int]] = {}
        for row, value in repeated.items():
            rows_of.setdefault(value, []).append(int(row))
        for value, rows in rows_of.items():
            for row in rows:
                others = ", ".join(str(other) for other in rows if other != row)
                self.add(row, message.format(value=value, rows=others))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def lines(self, limit: int = MAX_PROBLEMS_SHOWN) -> list[str]:
        """The first `limit` problems as lines, plus a count of the rest."""
        ordered = sorted(self.items, key=lambda item: (item[0] or 0, item[1]))
        lines = [
            gettext("Rad %(row)s: %(problem)s", row=row, problem=msg) if row else msg
            for row, msg in ordered[:limit]
        ]
        if len(ordered) > limit:
            more, total = len(ordered) - limit, len(ordered)
            lines.append(
                gettext("… och %(more)s problem till (%(total)s totalt).", more=more, total=total)
            )
        return lines


def select_columns(frame: pd.DataFrame, columns, problems: Problems) -> pd.DataFrame:
    """Rename the file's columns to code names; report missing and forbidden ones."""
    for header in frame.columns:
        if header in FORBIDDEN_HEADERS:
            problems.add(
                None,
                gettext(
                    "Kolumnen ”%(header)s” får inte finnas: plattformen sparar inga "
                    "personnummer. Ta bort kolumnen och läs in filen igen.",
                    header=header.capitalize(),
                ),
            )
    by_header = {normalise_header(c.header): c for c in columns}
    missing = [c.header for c in columns if c.required and normalise_header(c.header) not in frame]
    for header in missing:
        problems.add(None, gettext("Kolumnen ”%(header)s” saknas.", header=header))
    present = {h: c.key for h, c in by_header.items() if h in frame.columns}
    selected = frame[list(present)].rename(columns=present)
    for column in columns:
        if column.key not in selected:
            selected[column.key] = ""
    selected.index = pd.RangeIndex(2, len(selected) + 2)  # spreadsheet row numbers
    return selected


def require_values(frame: pd.DataFrame, columns, problems: Problems) -> None:
    """Report empty cells in required columns."""
    for column in columns:
        if column.required and column.key != "manager_number":
            missing = gettext("%(header)s saknas.", header=column.header)
            problems.add_rows(frame, frame[column.key] == "", missing)


def parse_dates(values: pd.Series, header: str, frame, problems: Problems) -> pd.Series:
    """YYYY-MM-DD (or an Excel date) → date; report anything else."""
    # An Excel date cell arrives as "2020-03-01 00:00:00"; anything else must be exactly a date.
    text = values.str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", r"\1", regex=True)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    bad = (values != "") & parsed.isna()
    message = gettext(
        "%(header)s ska vara ett datum som ÅÅÅÅ-MM-DD, inte ”{value}”.", header=header
    )
    problems.add_rows(frame, bad, message, values)
    days = [None if pd.isna(moment) else moment.date() for moment in parsed]
    return pd.Series(days, index=values.index, dtype=object)


def validate_roster(frame: pd.DataFrame) -> tuple[pd.DataFrame, Problems]:
    """Check every row of a roster; return the clean table (code names, typed) and problems."""
    problems = Problems()
    roster = select_columns(frame, ROSTER_COLUMNS, problems)
    if problems:
        return roster, problems
    if roster.empty:
        problems.add(None, gettext("Filen har inga rader med personer."))
        return roster, problems
    require_values(roster, ROSTER_COLUMNS, problems)
    numbers = roster["employee_number"]
    problems.add_duplicates(
        roster, "employee_number", gettext("Anställningsnumret {value} finns också på rad {rows}.")
    )
    roster["email"] = roster["email"].str.lower()
    emails = roster["email"]
    # The mail module's rule: what it can send (å, ä, ö allowed; see vbe_learn/core/mail.py).
    bad_email = (emails != "") & ~emails.str.fullmatch(ADDRESS_PATTERN)
    invalid = gettext("E-postadressen ”{value}” är inte giltig.")
    problems.add_rows(roster, bad_email, invalid, emails)
    twice = gettext("E-postadressen {value} finns också på rad {rows}.")
    problems.add_duplicates(roster, "email", twice)
    managers = roster["manager_number"]
    unknown_manager = (managers != "") & ~managers.isin(set(numbers))
    problems.add_rows(
        roster,
        unknown_manager,
        gettext("Chefens anställningsnummer {value} finns inte i filen."),
        managers,
    )
    problems.add_rows(
        roster, (managers != "") & (managers == numbers), gettext("Personen är sin egen chef.")
    )
    in_circle = numbers.isin(_chef_circles(dict(zip(numbers, managers, strict=True))))
    problems.add_rows(
        roster, in_circle & (managers != numbers), gettext("Chefskedjan går runt i en cirkel.")
    )
    flag = roster["close_to_residents"].str.lower()
    problems.add_rows(
        roster,
        ~flag.isin(YES | NO),
        gettext("Invånarnära ska vara Ja eller Nej, inte ”{value}”."),
        roster["close_to_residents"],
    )
    roster["close_to_residents"] = flag.isin(YES)
    roster["employed_from"] = parse_dates(
        roster["employed_from"], "Anställd från", roster, problems
    )
    return roster, problems


def _chef_circles(manager_of: dict[str, str]) -> set[str]:
    """The anställningsnummer whose chef chain never reaches someone without a chef."""
    rooted = {n for n, m in manager_of.items() if m in ("", n) or m not in manager_of}
    grew = True
    while grew:
        newly = {n for n, m in manager_of.items() if n not in rooted and m in rooted}
        rooted |= newly
        grew = bool(newly)
    return set(manager_of) - rooted


def validate_completions(frame: pd.DataFrame) -> tuple[pd.DataFrame, Problems]:
    """Check every row of a completions file (Anställningsnummer, Genomförd, Kursversion)."""
    problems = Problems()
    table = select_columns(frame, COMPLETION_COLUMNS, problems)
    if problems:
        return table, problems
    require_values(table, COMPLETION_COLUMNS, problems)
    table["completed_on"] = parse_dates(table["completed_on"], "Genomförd", table, problems)
    today = city_today()
    future = table["completed_on"].map(lambda d: d is not None and d > today)
    problems.add_rows(table, future.astype(bool), gettext("Genomförd ligger i framtiden."))
    return table, problems
