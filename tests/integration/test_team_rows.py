"""A chef's team rows are the same whether the team is passed as a list of ids (small
teams) or as the recursive query (teams over TEAM_LIST_MAX people)."""

from tests.factories import course, make_unit, make_user
from vbe_learn.core.extensions import db
from vbe_learn.followup import services
from vbe_learn.learning.services.completion import new_certificate_code
from vbe_learn.learning.status import COMPLETED, NOT_STARTED, STARTED
from vbe_learn.models import Completion, Enrollment
from vbe_learn.models.types import city_today


def test_a_list_of_ids_and_the_recursive_query_give_the_same_rows(monkeypatch):
    unit = make_unit("Förvaltning T", "Enhet T1")
    chef = make_user(unit=unit)
    lead = make_user(unit=unit, manager=chef, last_name="Ahl")
    done = make_user(unit=unit, manager=lead, last_name="Berg")
    started = make_user(unit=unit, manager=lead, last_name="Czar")
    make_user(unit=unit, last_name="Utanför")  # not in the team
    db.session.add(
        Completion(
            user_id=done.id,
            course_id=course().id,
            completed_on=city_today(),
            source="imported",
            certificate_code=new_certificate_code(),
        )  # fmt: skip
    )
    db.session.add(
        Enrollment(
            user_id=started.id,
            course_id=course().id,
            course_version_id=course().current_version_id,
        )  # fmt: skip
    )
    db.session.commit()
    listed = services.team_rows(chef.id, city_today(), 3)
    monkeypatch.setattr(services, "TEAM_LIST_MAX", 1)
    recursive = services.team_rows(chef.id, city_today(), 3)
    assert [tuple(row) for row in listed] == [tuple(row) for row in recursive]
    assert [(row.last_name, row.status) for row in listed] == [
        ("Ahl", NOT_STARTED), ("Berg", COMPLETED), ("Czar", STARTED)
    ]  # fmt: skip
