"""A made-up but realistic Stockholm stad as HR files: rosters, changed rosters, completions.

Everything is deterministic: the same arguments (seed and as-of date included) give the
same bytes. Nothing here touches the database; the files go through the real imports.
The city's literal data (names of people, the organisation, names of enheter, the spread of
earlier completions) is in data/*.yaml; this module reads it and generates from it.

The organisation: the 13 stadsdelsförvaltningar and the facknämnders förvaltningar, each
with a förvaltningsledning (the direktör and a stab), 3–6 avdelningar (each with an
avdelningsledning: the avdelningschef) and enheter of about 8–40 people, each with a chef
whom the enhet's staff report to. Enhet chefs report to their avdelningschef, who reports
to the direktör.
"""

import csv
import io
import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

ROSTER_HEADERS = (
    "Anställningsnummer", "Förnamn", "Efternamn", "E-post", "Förvaltning", "Avdelning",
    "Enhet", "Chefens anställningsnummer", "Invånarnära", "Anställd från",
)  # fmt: skip
COMPLETION_HEADERS = ("Anställningsnummer", "Genomförd", "Kursversion")
KEYS = ("number", "first", "last", "email", "adm", "avd", "unit", "chef", "close", "since")
EMAIL_DOMAIN = "stockholm.se"
EARLIEST_HIRE = date(1995, 1, 1)
FIRST_NUMBER, LAST_FIRST_NUMBER = 100_000, 8_999_999  # room above for new hires' numbers
MIN_PER_ADMINISTRATION = 4  # direktör, avdelningschef, enhet chef, one medarbetare
LEDNING, STAB, AVD_LEDNING = "Förvaltningsledning", "Ledningsstaben", "Avdelningsledning"

# ---------------------------------------------------------------------------------------------
# The city's literal data: data/*.yaml (names, organisation, enheter's names, completions)

DATA_DIR = Path(__file__).resolve().parent / "data"


def _load(name: str) -> dict:
    """One of the data files, as plain YAML (libyaml's safe loader where PyYAML has it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((DATA_DIR / name).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe


# group: (share of Stockholm staff, first names, last names)
NAME_GROUPS = {
    group: (names["share"], names["first_names"], names["last_names"])
    for group, names in _load("names.yaml").items()
}


@dataclass(frozen=True)
class UnitKind:
    """A kind of enhet: how it is named, how many people it has, whether invånarnära."""

    pattern: str  # "Förskolan {}" – {} takes a name from the pool
    pool: str | tuple[str, ...]  # a POOLS key, "plats" (the förvaltning's places) or fixed names
    sizes: tuple[int, int]
    close: bool
    weight: float = 1.0
    suffixes: tuple[str, ...] = ("",)


@dataclass(frozen=True)
class DepartmentKind:
    """An avdelning: its name, its share of the förvaltning's staff, its kinds of enheter."""

    name: str
    weight: float
    kinds: tuple[UnitKind, ...]
    core: bool = False  # every förvaltning of its type has it (when big enough)


def _unit_kind(spec: dict) -> UnitKind:
    """A kind of enhet from organisation.yaml: fixed `names`, or a `pattern` and its `pool`."""
    if "names" in spec:
        pattern, pool = "{}", tuple(spec["names"])
    else:
        pattern, pool = spec["pattern"], spec["pool"]
    return UnitKind(
        pattern,
        pool,
        tuple(spec["sizes"]),
        spec["close"],
        spec.get("weight", 1.0),
        tuple(spec.get("suffixes", ("",))),
    )


def _department_kind(spec: dict | str, administrative: DepartmentKind | None) -> DepartmentKind:
    """An avdelning from organisation.yaml ("administrative": the shared one)."""
    if spec == "administrative" and administrative is not None:
        return administrative
    kinds = tuple(_unit_kind(unit) for unit in spec["units"])
    return DepartmentKind(spec["name"], spec["weight"], kinds, spec.get("core", False))


def _school(place: str) -> str:
    """'Bredäng' → 'Bredängsskolan', 'Kista' → 'Kistaskolan', 'Gamla stan' → 'Gamla stans skola'."""
    if " " in place or place.endswith(("en", "an")):
        return f"{place}s skola"
    if place[-1] in "aeiouyåäös":
        return f"{place}skolan"
    return f"{place}sskolan"


_ORGANISATION = _load("organisation.yaml")
ADMINISTRATIVE = _department_kind(_ORGANISATION["administrative_department"], None)
# stadsdelsförvaltning → its stadsdelar (the city's current 13, since 2020)
PLACES = {district["name"]: district["places"] for district in _ORGANISATION["districts"]}
CITY_PLACES = [place for places in PLACES.values() for place in places]
POOLS = _load("unit_names.yaml")
POOLS["skola"] = [_school(place) for place in CITY_PLACES]
DISTRICT_DEPARTMENTS = tuple(
    _department_kind(spec, ADMINISTRATIVE) for spec in _ORGANISATION["district_departments"]
)
# förvaltning → (relative size, avdelningar); the order decides which exist when fewer are asked
AGENCIES = {
    agency["name"]: (
        agency["size"],
        tuple(_department_kind(spec, ADMINISTRATIVE) for spec in agency["departments"]),
    )
    for agency in _ORGANISATION["agencies"]
}
ADMINISTRATIONS = [(district["name"], district["size"]) for district in _ORGANISATION["districts"]]
ADMINISTRATIONS += [(name, size) for name, (size, _) in AGENCIES.items()]
assert len({name for name, _ in ADMINISTRATIONS}) == len(ADMINISTRATIONS)


# ---------------------------------------------------------------------------------------------
# Files


def read_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a roster file written by this module, keyed by short names (KEYS)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    next(reader)
    return [dict(zip(KEYS, row, strict=True)) for row in reader if row]


def write_rows(rows: Sequence[dict[str, str]]) -> bytes:
    """A roster file as HR gives it: `;`-separated UTF-8 with BOM, Swedish headers."""
    return _csv(ROSTER_HEADERS, ([row[key] for key in KEYS] for row in rows))


def _csv(headers, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# People


ASCII_EXTRA = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o",
                             "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss"})  # fmt: skip


def ascii_fold(text: str) -> str:
    """'Åsa-Märta Yılmaz de la Cruz' → 'asa-marta-yilmaz-delacruz'-style e-post parts."""
    decomposed = unicodedata.normalize("NFKD", text.translate(ASCII_EXTRA))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "".join(c for c in plain if c.isascii() and (c.isalnum() or c == "-"))


class _People:
    """Makes people: names, unique e-post addresses, unique anställningsnummer."""

    def __init__(self, rng: random.Random, taken_emails=(), taken_numbers=()):
        self.rng = rng
        self.groups = list(NAME_GROUPS.values())
        self.weights = [share for share, _, _ in self.groups]
        self.emails = set(taken_emails)
        self.next_suffix: Counter = Counter()
        self.numbers = set(taken_numbers)
        self.highest = max((int(n) for n in self.numbers), default=LAST_FIRST_NUMBER)

    def name(self) -> tuple[str, str]:
        """A first and a last name, usually of the same origin."""
        _, firsts, lasts = self.rng.choices(self.groups, self.weights)[0]
        first = self.rng.choice(firsts)
        if self.rng.random() < 0.12:  # married, adopted, mixed families
            lasts = self.rng.choices(self.groups, self.weights)[0][2]
        return first, self.rng.choice(lasts)

    def email(self, first: str, last: str) -> str:
        """fornamn.efternamn@stockholm.se, with .2, .3 … when taken."""
        base = f"{ascii_fold(first)}.{ascii_fold(last)}"
        candidate = f"{base}@{EMAIL_DOMAIN}"
        while candidate in self.emails:
            self.next_suffix[base] = max(self.next_suffix[base], 1) + 1
            candidate = f"{base}.{self.next_suffix[base]}@{EMAIL_DOMAIN}"
        self.emails.add(candidate)
        return candidate

    def numbers_for(self, count: int) -> list[str]:
        """`count` unique anställningsnummer (6–7 digits) for a new roster."""
        numbers = self.rng.sample(range(FIRST_NUMBER, LAST_FIRST_NUMBER + 1), count)
        self.numbers.update(str(n) for n in numbers)
        self.highest = max([self.highest, *numbers])
        return [str(n) for n in numbers]

    def new_hire_number(self) -> str:
        """A number above every number ever used (HR hands them out in order)."""
        self.highest += self.rng.randint(1, 40)
        self.numbers.add(str(self.highest))
        return str(self.highest)


def hire_date(rng: random.Random, as_of: date, senior: bool = False) -> date:
    """When someone was employed: many recently, a long tail back to 1995; ~3 % last 60 days."""
    if not senior and rng.random() < 0.03:
        return as_of - timedelta(days=rng.randint(0, 59))
    years = rng.expovariate(1 / (13 if senior else 8))
    day = as_of - timedelta(days=60 + int(years * 365.25))
    if day < EARLIEST_HIRE:
        day = EARLIEST_HIRE + timedelta(days=rng.randint(0, 5 * 365))
    return day


# ---------------------------------------------------------------------------------------------
# The roster


def generate_roster(
    employees: int, seed: int = 2019, administrations: int | None = None, as_of: date | None = None
) -> bytes:
    """A roster of `employees` people in the first `administrations` förvaltningar (all: 28)."""
    count = len(ADMINISTRATIONS) if administrations is None else administrations
    if not 1 <= count <= len(ADMINISTRATIONS):
        raise ValueError(f"administrations must be 1–{len(ADMINISTRATIONS)}")
    if employees < MIN_PER_ADMINISTRATION * count:
        raise ValueError(f"{count} förvaltningar need at least {MIN_PER_ADMINISTRATION * count}")
    rng = random.Random(seed)
    as_of = as_of or date.today()
    chosen = ADMINISTRATIONS[:count]
    sizes = _allocate(
        employees, [size * rng.uniform(0.85, 1.15) for _, size in chosen], MIN_PER_ADMINISTRATION
    )
    people = _People(rng)
    numbers = iter(people.numbers_for(employees))
    rows: list[dict[str, str]] = []
    for (name, _), size in zip(chosen, sizes, strict=True):
        _administration(rows, rng, people, numbers, as_of, name, size)
    rows.sort(key=lambda row: int(row["number"]))  # HR exports sort by anställningsnummer
    return write_rows(rows)


def _allocate(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """Split `total` by weights (largest remainder), each part at least `minimum`."""
    spare = total - minimum * len(weights)
    exact = [spare * w / sum(weights) for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: spare - sum(counts)]:
        counts[i] += 1
    return [minimum + c for c in counts]


def _administration(rows, rng, people, numbers, as_of, name: str, size: int) -> None:
    """The förvaltning's people: direktör and stab, then each avdelning."""
    if name in PLACES:
        templates, places = DISTRICT_DEPARTMENTS, PLACES[name]
    else:
        templates, places = AGENCIES[name][1], CITY_PLACES
    stab = min(10, size // 100) if size >= 100 else min(1, size // 20)
    departments = _choose_departments(rng, templates, (size - 1 - stab) // 3)
    add = _adder(rows, rng, people, numbers, as_of, name)
    director = add(LEDNING, STAB, "", False, senior=True)
    for _ in range(stab):
        add(LEDNING, STAB, director, False)
    shares = _allocate(
        size - 1 - stab, [d.weight * rng.uniform(0.8, 1.2) for d in departments], minimum=3
    )
    for template, staff in zip(departments, shares, strict=True):
        _department(add, rng, template, staff, director, places)


def _choose_departments(rng, templates, most: int) -> list[DepartmentKind]:
    """The core avdelningar and some others: 3–6 of them (fewer in a tiny förvaltning)."""
    core = [t for t in templates if t.core]
    others = [t for t in templates if t not in core]
    rng.shuffle(others)
    wanted = max(3, min(6, len(core) + rng.randint(0, 2)))
    chosen = (core + others)[: max(1, min(wanted, most))]
    return sorted(chosen, key=templates.index)


def _adder(rows, rng, people, numbers, as_of, administration: str):
    """A function that adds one person to the roster and returns their number."""

    def add(avd: str, unit: str, chef: str, close: bool, senior: bool = False) -> str:
        first, last = people.name()
        number = next(numbers)
        if close and rng.random() < 0.03:  # an administratör in a front-line enhet
            close = False
        rows.append({
            "number": number, "first": first, "last": last, "email": people.email(first, last),
            "adm": administration, "avd": avd, "unit": unit, "chef": chef,
            "close": "Ja" if close else "Nej",
            "since": hire_date(rng, as_of, senior).isoformat(),
        })  # fmt: skip
        return number

    return add


def _department(add, rng, template: DepartmentKind, staff: int, director: str, places) -> None:
    """An avdelning: its avdelningschef, then its enheter.

    A big avdelning has an avdelningsledning (the avdelningschef and a few others); in a
    small one the avdelningschef is also the chef of its first enhet.
    """
    ledning = min(6, staff // 60)
    names = _UnitNames(rng, template.kinds, places)
    units: list[tuple[UnitKind, str, int]] = []
    remaining = staff - ledning - (1 if ledning else 0)
    while remaining > 0:
        kind, unit_name = names.next()
        low, high = kind.sizes
        size = remaining if remaining <= high else rng.randint(low, high)
        units.append((kind, unit_name, size))
        remaining -= size
    if len(units) > 1 and units[-1][2] < min(8, units[-1][0].sizes[0]):  # spread a small rest
        _, _, rest = units.pop()
        for i in range(rest):
            kind, unit_name, size = units[i % len(units)]
            units[i % len(units)] = (kind, unit_name, size + 1)
    head = None
    if ledning:
        head = add(template.name, AVD_LEDNING, director, False, senior=True)
        for _ in range(ledning):
            add(template.name, AVD_LEDNING, head, False)
    for kind, unit_name, size in units:
        chef = add(template.name, unit_name, head or director, kind.close, senior=True)
        head = head or chef  # avdelningschef and chef of the first enhet
        for _ in range(size - 1):
            add(template.name, unit_name, chef, kind.close)


class _UnitNames:
    """Unique enhet names within one avdelning, drawn by kind weight."""

    def __init__(self, rng: random.Random, kinds: Sequence[UnitKind], places: Sequence[str]):
        self.rng = rng
        self.kinds = list(kinds)
        self.left: dict[int, list[str]] = {}
        for i, kind in enumerate(self.kinds):
            pool = kind.pool if isinstance(kind.pool, tuple) else None
            pool = pool or (places if kind.pool == "plats" else POOLS[kind.pool])
            names = [
                (rank, kind.pattern.format(name) + suffix)
                for rank, suffix in enumerate(kind.suffixes)
                for name in pool
            ]
            rng.shuffle(names)
            names.sort(key=lambda item: item[0])  # "Hemtjänsten Bredäng" before "… natt"
            self.left[i] = [name for _, name in names]
        self.used: Counter = Counter()

    def next(self) -> tuple[UnitKind, str]:
        """The kind and name of the next enhet."""
        open_kinds = [i for i in self.left if self.left[i]]
        if open_kinds:
            weights = [self.kinds[i].weight for i in open_kinds]
            i = self.rng.choices(open_kinds, weights)[0]
            name = self.left[i].pop(0)
            self.used[name] += 1
            return self.kinds[i], name
        i = self.rng.choices(range(len(self.kinds)), [k.weight for k in self.kinds])[0]
        kind = self.kinds[i]
        base = kind.pattern.format(self.rng.choice(_pool_of(kind)))
        self.used[base] += 1
        while f"{base} {self.used[base]}" in self.used:
            self.used[base] += 1
        name = f"{base} {self.used[base]}"
        self.used[name] += 1
        return kind, name


def _pool_of(kind: UnitKind) -> Sequence[str]:
    if isinstance(kind.pool, tuple):
        return kind.pool
    return CITY_PLACES if kind.pool == "plats" else POOLS[kind.pool]


# ---------------------------------------------------------------------------------------------
# A later roster: moves, new last names, leavers, new hires, new chefs


def change_roster(
    data: bytes,
    share: float,
    seed: int,
    as_of: date | None = None,
    earlier: Sequence[bytes] = (),
    new_hires: float = 0.2,
) -> bytes:
    """The same roster with about `share` of its people changed (and new hires added).

    Of the changes, about a tenth are new chefs (the chef leaves, someone in the enhet takes
    over), `new_hires` are new hires, a fifth leave, a fifth get a new last name (and
    e-post) and the rest move to another enhet. `earlier` rosters' e-post addresses and
    numbers are never given to anyone new (people who left are still in the database).
    """
    rng = random.Random(seed)
    as_of = as_of or date.today()
    rows = read_rows(data)
    history = [row for old in earlier for row in read_rows(old)] + rows
    people = _People(rng, (r["email"] for r in history), (r["number"] for r in history))
    budget = round(share * len(rows))
    touched: set[str] = set()
    units = _units(rows)
    managers = {row["chef"] for row in rows if row["chef"]}
    staff = [row for row in rows if row["number"] not in managers]
    rng.shuffle(staff)
    staff_left = iter(staff)

    def pick() -> dict[str, str] | None:
        for row in staff_left:
            if row["number"] not in touched:
                touched.add(row["number"])
                return row
        return None

    # New chefs: the chef leaves, someone in the enhet takes over (about a tenth of the budget)
    enhet_units = [key for key, unit in units.items() if unit.chef and unit.chef_manages_only_unit]
    rng.shuffle(enhet_units)
    chef_budget = budget // 10
    removed: set[str] = set()
    for key in enhet_units:
        unit = units[key]
        if chef_budget < len(unit.members) or any(m in touched for m in unit.members):
            continue
        successor = rng.choice([m for m in unit.members if m != unit.chef])
        by_number = {row["number"]: row for row in rows if row["number"] in unit.members}
        by_number[successor]["chef"] = by_number[unit.chef]["chef"]
        for number, row in by_number.items():
            if number not in (successor, unit.chef):
                row["chef"] = successor
        removed.add(unit.chef)
        touched.update(unit.members)
        chef_budget -= len(unit.members)
        unit.chef = successor
    spent = budget // 10 - chef_budget
    rest = budget - spent
    leavers, hires, renamed = round(rest * 0.2), round(rest * new_hires), round(rest * 0.2)
    movers = rest - leavers - hires - renamed
    targets = [key for key, unit in units.items() if unit.chef and unit.staff]
    for _ in range(leavers):
        row = pick()
        if row:
            removed.add(row["number"])
    for _ in range(renamed):
        row = pick()
        if row:
            row["last"] = people.name()[1]
            row["email"] = people.email(row["first"], row["last"])
    for _ in range(movers):
        row = pick()
        if not row:
            break
        key = rng.choice(targets)
        if key == (row["adm"], row["avd"], row["unit"]):
            continue
        _place(row, key, units[key])
    kept = [row for row in rows if row["number"] not in removed]
    for _ in range(hires):
        key = rng.choice(targets)
        first, last = people.name()
        since = as_of - timedelta(days=rng.randint(0, 59))
        row = {"number": people.new_hire_number(), "first": first, "last": last,
               "email": people.email(first, last), "since": since.isoformat()}  # fmt: skip
        _place(row, key, units[key])
        kept.append(row)
    return write_rows(kept)


@dataclass
class _Unit:
    members: list[str]
    chef: str | None
    close: str
    chef_manages_only_unit: bool

    @property
    def staff(self) -> bool:
        return len(self.members) > 1


def _units(rows: list[dict[str, str]]) -> dict[tuple[str, str, str], _Unit]:
    """Every enhet: its members, its chef (the member the others report to), its usual flag."""
    members = defaultdict(list)
    for row in rows:
        members[(row["adm"], row["avd"], row["unit"])].append(row)
    reports = Counter(row["chef"] for row in rows if row["chef"])
    units = {}
    for key, people in members.items():
        numbers = {row["number"] for row in people}
        inside = Counter(row["chef"] for row in people if row["chef"] in numbers)
        chef = inside.most_common(1)[0][0] if inside else None
        flags = Counter(row["close"] for row in people)
        units[key] = _Unit(
            members=[row["number"] for row in people],
            chef=chef,
            close=flags.most_common(1)[0][0],
            chef_manages_only_unit=bool(chef) and reports[chef] == inside[chef],
        )
    return units


def _place(row: dict[str, str], key: tuple[str, str, str], unit: _Unit) -> None:
    row["adm"], row["avd"], row["unit"] = key
    row["chef"] = unit.chef or ""
    row["close"] = unit.close


# ---------------------------------------------------------------------------------------------
# Completions from the earlier platform

_COMPLETIONS = _load("completions.yaml")
YEAR_WEIGHTS = _COMPLETIONS["year_weights"]  # a year not listed weighs 10
# first year → Kursversion, newest first
COURSE_VERSIONS = tuple(
    (version["from_year"], version["label"]) for version in _COMPLETIONS["course_versions"]
)


def generate_completions(
    roster_data: bytes, seed: int, share_completed: float = 0.4, as_of: date | None = None
) -> bytes:
    """Completions (Anställningsnummer;Genomförd;Kursversion) for about a share of the roster.

    Dates fall between 2019 (or the person's Anställd från) and `as_of`, more of them in
    2019–2020 and recent years; some förvaltningar do better than others; about one in ten
    of those who completed early did the course again in recent years.
    """
    rng = random.Random(seed)
    as_of = as_of or date.today()
    rows = read_rows(roster_data)
    rate = {}
    for row in rows:
        if row["adm"] not in rate:
            rate[row["adm"]] = min(0.95, share_completed * rng.uniform(0.55, 1.45))
    completions = []
    for row in rows:
        if rng.random() >= rate[row["adm"]]:
            continue
        since = max(date(2019, 1, 1), date.fromisoformat(row["since"]))
        if since > as_of:
            continue
        day = _completion_day(rng, since, as_of)
        completions.append((row["number"], day))
        if day.year <= 2020 and as_of.year >= 2024 and rng.random() < 0.1:
            completions.append((row["number"], _completion_day(rng, date(2024, 1, 1), as_of)))
    completions.sort(key=lambda item: (item[1], int(item[0])))
    return _csv(
        COMPLETION_HEADERS,
        ([number, day.isoformat(), _course_version(day)] for number, day in completions),
    )


def _completion_day(rng: random.Random, since: date, as_of: date) -> date:
    """A day between since and as_of, years weighted by YEAR_WEIGHTS."""
    years = [y for y in range(since.year, as_of.year + 1)]
    year = rng.choices(years, [YEAR_WEIGHTS.get(y, 10) for y in years])[0]
    first = max(since, date(year, 1, 1))
    last = min(as_of, date(year, 12, 31))
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _course_version(day: date) -> str:
    return next(label for year, label in COURSE_VERSIONS if day.year >= year)
