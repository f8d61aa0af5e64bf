"""A small demo organisation with one login per role.

Temporary shape: the roster import (issue 3) will build the demo city through the
same code path as a real HR file.
"""

from sqlalchemy import func, select

from ..auth.passwords import hash_password
from ..extensions import db
from ..models import Administration, Department, RoleAssignment, Unit, User

DEMO_PASSWORD = "demo-losenord-2026"  # noqa: S105 - printed demo login
DEMO_DOMAIN = "demo.stockholm.se"

# (förvaltning, avdelning, enhet, [(first name, last name), …]); the first person is the chef
DEMO_ORGANISATION = [
    ("Älvsjö stadsdelsförvaltning", "Avdelningen för förskola", "Förskolan Solrosen",
     [("Karin", "Lund"), ("Medarbetare", "Demo"), ("Ahmed", "Yusuf"), ("Lisa", "Berg")]),
    ("Älvsjö stadsdelsförvaltning", "Avdelningen för individ och familj", "Fritidsgården Tallen",
     [("Jonas", "Ek"), ("Sara", "Nyström"), ("Mikael", "Holm")]),
    ("Skärholmens stadsdelsförvaltning", "Avdelningen för äldreomsorg", "Hemtjänsten Bredäng",
     [("Eva", "Strand"), ("Fatima", "Ali"), ("Per", "Sandberg")]),
]  # fmt: skip
# (role, email local part, first name, last name, förvaltning or None)
DEMO_ROLE_HOLDERS = [
    ("samordnare", "samordnare", "Samordnare", "Älvsjö", "Älvsjö stadsdelsförvaltning"),
    ("central_samordnare", "central.samordnare", "Central", "Samordnare", None),
    ("admin", "admin", "Admin", "Demo", None),
]


def database_is_empty() -> bool:
    """Whether there are no people yet."""
    return not db.session.scalar(select(func.count(User.id)))


def seed_demo_organisation() -> dict[str, str]:
    """Create the demo organisation; return {role: e-post} of one demo login per role."""
    password_hash = hash_password(DEMO_PASSWORD)
    administrations: dict[str, Administration] = {}
    logins = {}
    for administration_name, department_name, unit_name, people in DEMO_ORGANISATION:
        administration = administrations.setdefault(
            administration_name, Administration(name=administration_name)
        )
        unit = Unit(
            name=unit_name,
            department=Department(name=department_name, administration=administration),
        )
        chef = None
        for first, last in people:
            user = _person(first, last, password_hash, unit=unit, manager=chef)
            chef = chef or user
            if first == "Medarbetare":
                logins["medarbetare"] = user.email
        logins.setdefault("chef", chef.email)
    for role, local_part, first, last, administration_name in DEMO_ROLE_HOLDERS:
        user = _person(first, last, password_hash, email=f"{local_part}@{DEMO_DOMAIN}")
        db.session.add(
            RoleAssignment(
                user=user, role=role, administration=administrations.get(administration_name)
            )
        )
        logins[role] = user.email
    db.session.flush()
    return logins


def demo_logins() -> dict[str, str]:
    """{role: e-post} of the demo accounts that exist."""
    emails = db.session.scalars(select(User.email).where(User.email.like(f"%@{DEMO_DOMAIN}")))
    return {role: email for role, email in _roles_by_email(set(emails)).items()}


def _roles_by_email(emails: set[str]) -> dict[str, str]:
    wanted = {"medarbetare": "medarbetare.demo", "chef": "karin.lund"}
    wanted.update({role: local for role, local, *_ in DEMO_ROLE_HOLDERS})
    return {
        role: f"{local}@{DEMO_DOMAIN}"
        for role, local in wanted.items()
        if f"{local}@{DEMO_DOMAIN}" in emails
    }


def _person(first, last, password_hash, unit=None, manager=None, email=None) -> User:
    email = email or f"{first}.{last}@{DEMO_DOMAIN}".lower().replace("ä", "a").replace("ö", "o")
    user = User(
        email=email,
        first_name=first,
        last_name=last,
        unit=unit,
        password_hash=password_hash,
    )
    if manager is not None:
        user.manager = manager
    db.session.add(user)
    return user
