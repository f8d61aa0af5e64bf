"""The roster import in the browser: upload → preview → confirm (admins, central samordnare)."""

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import make_unit, make_user
from tests.roster_files import person, roster_csv, roster_xlsx
from vbe_learn.core.extensions import db
from vbe_learn.models import (
    HeadcountSnapshot,
    Placement,
    RoleAssignment,
    RosterImport,
    RosterUpload,
    Unit,
    User,
)

URL = "/admin/personallista"
MODELS = (User, Unit, Placement, HeadcountSnapshot, RosterImport)


def staff() -> list[dict[str, str]]:
    return [
        person("1001", unit="Ledning", first="Åsa", last="Öberg"),
        person("1002", unit="Hemtjänst Syd", manager="1001", close="Ja"),
        person("1003", unit="Hemtjänst Syd", manager="1002"),
        person("1004", unit="Förskola Ängen", manager="1001"),
    ]


def role_holder(role: str, administration_id: int | None = None) -> User:
    user = make_user()
    db.session.add(RoleAssignment(user_id=user.id, role=role, administration_id=administration_id))
    db.session.commit()
    return user


def log_in(auth, user: User) -> None:
    assert auth.login(user.email).status_code == 302


@pytest.fixture
def admin(auth) -> User:
    user = role_holder("admin")
    log_in(auth, user)
    return user


def upload(client, data: bytes, name: str = "lista.csv", as_of: str = "2026-01-01"):
    return client.post(
        URL,
        data={"file": (io.BytesIO(data), name), "as_of": as_of},
        content_type="multipart/form-data",
    )


def token_of(response) -> str:
    html = response.get_data(as_text=True)
    match = re.search(r'<form method="post" action="/admin/personallista/([^"/]+)"', html)
    assert match, html
    return match.group(1)


def confirm(client, token: str):
    return client.post(f"{URL}/{token}")


def facts(response) -> dict[str, int]:
    """The preview's counts: Nya personer, Ändrade personer, Avaktiveras, Nya enheter."""
    html = response.get_data(as_text=True)
    return {dt: int(dd) for dt, dd in re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html)}


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def employee(number: str) -> User | None:
    return db.session.scalar(select(User).where(User.employee_number == number))


def import_via_web(client, rows, as_of: str = "2026-01-01") -> None:
    response = upload(client, roster_csv(rows), as_of=as_of)
    assert response.status_code == 200
    assert confirm(client, token_of(response)).status_code == 302
    db.session.expire_all()


def kept_uploads() -> list[RosterUpload]:
    """The uploads waiting for their confirmation (in the database, on no server's disk)."""
    db.session.expire_all()
    return list(db.session.scalars(select(RosterUpload)))


# --- who may import -------------------------------------------------------------------


def test_admin_sees_the_upload_page(client, admin):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Importera personallista" in response.get_data(as_text=True)


def test_menu_shows_personallista_to_an_admin_only(client, auth, admin):
    assert f'href="{URL}"' in client.get("/min-utbildning").get_data(as_text=True)
    auth.logout()
    log_in(auth, make_user())
    assert f'href="{URL}"' not in client.get("/min-utbildning").get_data(as_text=True)


def test_central_samordnare_can_import(client, auth):
    log_in(auth, role_holder("central_samordnare"))
    assert client.get(URL).status_code == 200
    import_via_web(client, staff())
    assert employee("1004").unit.name == "Förskola Ängen"


def make_medarbetare() -> User:
    return make_user()


def make_chef() -> User:
    chef = make_user()
    make_user(manager_id=chef.id)
    return chef


def make_samordnare() -> User:
    unit = make_unit()
    return role_holder("samordnare", administration_id=unit.department.administration_id)


@pytest.mark.parametrize(
    "make_person",
    [make_medarbetare, make_chef, make_samordnare],
    ids=["medarbetare", "chef", "samordnare"],
)
def test_others_get_404_everywhere(client, auth, make_person):
    owner = role_holder("admin")
    log_in(auth, owner)
    token = token_of(upload(client, roster_csv(staff())))
    auth.logout()
    log_in(auth, make_person())
    before = counts()
    assert client.get(URL).status_code == 404
    assert upload(client, roster_csv(staff())).status_code == 404
    assert confirm(client, token).status_code == 404
    assert counts() == before
    assert [kept.uploader_id for kept in kept_uploads()] == [owner.id]  # the admin's only


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/logga-in" in response.headers["Location"]
    assert confirm(client, "whatever").status_code == 302


# --- upload and preview ---------------------------------------------------------------


def test_upload_shows_a_preview_and_changes_nothing(client, admin):
    before = counts()
    response = upload(client, roster_csv(staff()))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Förhandsgranskning" in html
    assert "med datum 2026-01-01 har 4 rader och inga fel" in html
    assert facts(response) == {
        "Nya personer": 4,
        "Ändrade personer": 0,
        "Avaktiveras": 0,
        "Nya enheter": 3,
    }
    assert "Åsa Öberg" in html and "Förskola Ängen" in html
    assert counts() == before
    [kept] = kept_uploads()  # the file, until it is confirmed
    assert (kept.token, kept.uploader_id) == (token_of(response), admin.id)
    assert (kept.filename, kept.as_of) == ("lista.csv", date(2026, 1, 1))
    assert kept.data == roster_csv(staff()) and kept.size == len(kept.data)


def test_preview_lists_changes_and_deactivations(client, admin):
    import_via_web(client, staff())
    rows = [
        row | {"Enhet": "Hemtjänst Norr"} if row["Anställningsnummer"] == "1003" else row
        for row in staff()
        if row["Anställningsnummer"] != "1004"
    ]
    response = upload(client, roster_csv(rows), as_of="2026-02-01")
    assert facts(response) == {
        "Nya personer": 0,
        "Ändrade personer": 1,
        "Avaktiveras": 1,
        "Nya enheter": 1,
    }
    html = response.get_data(as_text=True)
    assert "Ändrade personer (1)" in html
    assert (
        "<li>enhet: <del>Skärholmens stadsdelsförvaltning / Äldreomsorg / Hemtjänst Syd</del>"
        in html
    )
    assert (
        "→ <ins>Skärholmens stadsdelsförvaltning / Äldreomsorg / Hemtjänst Norr</ins></li>" in html
    )
    assert "Avaktiveras (1)" in html and "Efternamn1004" in html
    assert employee("1004").active


def test_preview_of_a_new_person_joining_an_existing_roster(client, admin):
    import_via_web(client, staff())
    response = upload(client, roster_csv([*staff(), person("1005")]), as_of="2026-02-01")
    assert response.status_code == 200
    assert facts(response)["Nya personer"] == 1


def test_xlsx_upload(client, admin):
    rows = staff()
    for row in rows:
        row["Anställningsnummer"] = int(row["Anställningsnummer"])
    response = upload(client, roster_xlsx(rows), name="lista.xlsx")
    assert facts(response)["Nya personer"] == 4
    assert confirm(client, token_of(response)).status_code == 302
    db.session.expire_all()
    assert employee("1001").first_name == "Åsa"


def test_bad_file_shows_the_problems_in_swedish_and_changes_nothing(client, admin):
    before = counts()
    rows = staff()
    rows[1]["E-post"] = "inte-en-adress"
    rows[3]["Chefens anställningsnummer"] = "9999"
    response = upload(client, roster_csv(rows))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Filen avvisades – inget har ändrats" in html
    assert "2 problem" in html
    assert "<li>Rad 3: E-postadressen ”inte-en-adress” är inte giltig.</li>" in html
    assert "<li>Rad 5: Chefens anställningsnummer 9999 finns inte i filen.</li>" in html
    assert "Bekräfta importen" not in html
    assert counts() == before
    assert kept_uploads() == []


def test_unreadable_file_shows_the_problem(client, admin):
    response = upload(client, bytes(range(256)) * 4)
    assert "Filen är varken UTF-8 eller Windows-1252." in response.get_data(as_text=True)


def test_date_before_the_latest_import_shows_the_problem(client, admin):
    import_via_web(client, staff(), as_of="2026-02-01")
    response = upload(client, roster_csv(staff()), as_of="2026-01-15")
    assert "Datumet 2026-01-15 är tidigare än den senaste importen (2026-02-01)." in (
        response.get_data(as_text=True)
    )


def test_file_must_be_csv_or_xlsx(client, admin):
    response = upload(client, roster_csv(staff()), name="lista.pdf")
    assert "Filen ska vara en CSV- eller XLSX-fil." in response.get_data(as_text=True)
    assert kept_uploads() == []


def test_as_of_must_be_a_date(client, admin):
    response = upload(client, roster_csv(staff()), as_of="2026-13-45")
    assert "Inte ett giltigt datum" in response.get_data(as_text=True)
    assert kept_uploads() == []


def test_file_is_required(client, admin):
    response = client.post(URL, data={"as_of": "2026-01-01"}, content_type="multipart/form-data")
    assert "Välj en fil." in response.get_data(as_text=True)


# --- confirm --------------------------------------------------------------------------


def test_confirm_applies_the_previewed_file(client, admin):
    token = token_of(upload(client, roster_csv(staff()), name="hr-januari.csv"))
    response = confirm(client, token)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(URL)
    db.session.expire_all()
    assert employee("1003").manager_id == employee("1002").id
    record = db.session.scalars(select(RosterImport)).one()
    assert (record.actor_id, record.source_name, record.as_of) == (
        admin.id,
        "hr-januari.csv",
        date(2026, 1, 1),
    )
    assert (record.rows, record.added, record.changed, record.deactivated) == (4, 4, 0, 0)
    assert counts()["HeadcountSnapshot"] == 3
    [kept] = kept_uploads()  # the import's state stays for the page; the file's bytes go
    assert (kept.status, kept.roster_import_id, kept.data) == ("done", record.id, b"")


def test_confirm_says_what_was_done_and_lists_the_import(client, admin):
    token = token_of(upload(client, roster_csv(staff()), name="hr-januari.csv"))
    html = client.post(f"{URL}/{token}", follow_redirects=True).get_data(as_text=True)
    assert "Personallistan är importerad: 4 nya, 0 ändrade, 0 avaktiverade." in html
    assert "Senaste importer" in html and "hr-januari.csv" in html
    assert "Importen körs" not in html  # the job ran at once (immediate mode in the tests)


def test_same_file_again_previews_no_changes(client, admin):
    import_via_web(client, staff())
    response = upload(client, roster_csv(staff()), as_of="2026-02-01")
    assert facts(response) == {
        "Nya personer": 0,
        "Ändrade personer": 0,
        "Avaktiveras": 0,
        "Nya enheter": 0,
    }


def test_token_works_only_once(client, admin):
    token = token_of(upload(client, roster_csv(staff())))
    assert confirm(client, token).status_code == 302
    assert confirm(client, token).status_code == 404
    assert counts()["RosterImport"] == 1


def test_another_admin_cannot_confirm_someone_elses_upload(client, auth, admin):
    token = token_of(upload(client, roster_csv(staff())))
    auth.logout()
    log_in(auth, role_holder("admin"))
    before = counts()
    assert confirm(client, token).status_code == 404
    assert counts() == before
    auth.logout()
    log_in(auth, admin)
    assert confirm(client, token).status_code == 302


@pytest.mark.parametrize("token", ["okänd-token", "AAAAAAAAAAAAAAAAAAAAAA", "..", "a.b"])
def test_unknown_token_is_404(client, admin, token):
    assert confirm(client, token).status_code == 404


def test_confirm_is_post_only(client, admin):
    token = token_of(upload(client, roster_csv(staff())))
    assert client.get(f"{URL}/{token}").status_code == 405


def test_confirm_plans_again_and_refuses_what_has_become_invalid(client, admin):
    old = token_of(upload(client, roster_csv(staff()[:2]), as_of="2026-01-01"))
    import_via_web(client, staff(), as_of="2026-02-01")
    before = counts()
    response = confirm(client, old)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Filen avvisades – inget har ändrats" in html
    assert "Datumet 2026-01-01 är tidigare än den senaste importen (2026-02-01)." in html
    db.session.expire_all()
    assert counts() == before
    assert employee("1004").active


def test_upload_older_than_a_day_cannot_be_confirmed(client, admin):
    token = token_of(upload(client, roster_csv(staff())))
    [kept] = kept_uploads()
    kept.created_at -= timedelta(hours=24, seconds=1)
    db.session.commit()
    assert confirm(client, token).status_code == 404
    assert counts()["RosterImport"] == 0


def test_upload_just_under_a_day_old_can_still_be_confirmed(client, admin):
    token = token_of(upload(client, roster_csv(staff())))
    [kept] = kept_uploads()
    kept.created_at -= timedelta(hours=23, minutes=59)
    db.session.commit()
    assert confirm(client, token).status_code == 302
    assert counts()["RosterImport"] == 1


def test_cancel_deletes_the_upload_and_changes_nothing(client, admin):
    token = token_of(upload(client, roster_csv(staff())))
    before = counts()
    response = client.post(f"{URL}/{token}/avbryt", follow_redirects=True)
    assert "Importen är avbruten. Inget har ändrats." in response.get_data(as_text=True)
    assert kept_uploads() == [] and counts() == before
    assert confirm(client, token).status_code == 404


def test_only_the_uploader_can_cancel(client, auth, admin):
    token = token_of(upload(client, roster_csv(staff())))
    auth.logout()
    log_in(auth, role_holder("admin"))
    assert client.post(f"{URL}/{token}/avbryt").status_code == 404
    assert client.post(f"{URL}/okänd-token/avbryt").status_code == 404
    assert len(kept_uploads()) == 1


def test_the_preview_cancels_with_a_post_not_a_link(client, admin):
    response = upload(client, roster_csv(staff()))
    token = token_of(response)
    assert f'formaction="{URL}/{token}/avbryt">Avbryt</button>' in response.get_data(as_text=True)


def test_nothing_is_written_under_the_instance_folder(app, client, admin, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    token = token_of(upload(client, roster_csv(staff())))
    assert list(tmp_path.iterdir()) == []
    assert confirm(client, token).status_code == 302
    assert list(tmp_path.iterdir()) == []


# --- the mass-deactivation guard, old → new, lost letters, problems with their values ---


def big_roster(size: int = 100) -> list[dict[str, str]]:
    return [person(str(5000 + i), unit="Hemtjänst Syd") for i in range(size)]


def active_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(User.active.is_(True)))


def confirm_with(client, token: str, typed: str):
    return client.post(f"{URL}/{token}", data={"deactivate_count": typed})


def test_three_row_file_against_a_big_roster_warns_and_needs_the_typed_number(client, admin):
    import_via_web(client, big_roster())
    before = active_count()
    preview = upload(client, roster_csv(big_roster()[:3]), name="utdrag.csv", as_of="2026-02-01")
    html = preview.get_data(as_text=True)
    assert facts(preview)["Avaktiveras"] == 97
    assert (
        '<div class="ds-alert warning-box" data-color="warning" role="alert" id="massavaktivering">'
        in html
    )
    assert "<h2>Varning: 97 av 101 aktiva personer avaktiveras</h2>" in html
    assert (
        '<label class="ds-label" for="deactivate_count">Skriv antalet personer som avaktiveras'
        in html
    )
    token = token_of(preview)

    refused = confirm(client, token)  # the button alone, as before
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Du skrev inget antal, och importen avaktiverar 97 personer. Inget har ändrats." in html
    assert 'aria-describedby="deactivate_count-fel"' in html and 'aria-invalid="true"' in html
    assert active_count() == before and counts()["RosterImport"] == 1

    html = confirm_with(client, token, "96").get_data(as_text=True)
    assert "Du skrev 96, men importen avaktiverar 97 personer. Inget har ändrats." in html
    assert active_count() == before and counts()["RosterImport"] == 1

    assert confirm_with(client, token, " 97 ").status_code == 302
    assert active_count() == before - 97 and counts()["RosterImport"] == 2


def test_a_few_leaving_needs_no_typed_number(client, admin):
    import_via_web(client, big_roster())
    preview = upload(client, roster_csv(big_roster()[:-2]), as_of="2026-02-01")  # 2 of 101
    html = preview.get_data(as_text=True)
    assert facts(preview)["Avaktiveras"] == 2
    assert "warning-box" not in html and "deactivate_count" not in html
    assert confirm(client, token_of(preview)).status_code == 302
    assert not employee("5099").active


def test_the_share_is_a_setting(app, client, admin):
    import_via_web(client, big_roster(10))
    app.config["ROSTER_MAX_DEACTIVATE_SHARE"] = 0.5
    try:
        three_leave = upload(client, roster_csv(big_roster(10)[:-3]), as_of="2026-02-01")
        assert "warning-box" not in three_leave.get_data(as_text=True)  # 3 of 11 ≤ 50 %
        most_leave = upload(client, roster_csv(big_roster(10)[:2]), as_of="2026-02-01")
        assert "Varning: 8 av 11 aktiva personer avaktiveras" in most_leave.get_data(as_text=True)
    finally:
        app.config["ROSTER_MAX_DEACTIVATE_SHARE"] = 0.05


def test_every_change_shows_old_and_new(client, admin):
    import_via_web(client, staff())
    rows = [
        row | {"Förnamn": "Åse", "Invånarnära": "Ja"}
        if row["Anställningsnummer"] == "1001"
        else row
        for row in staff()
    ]
    html = upload(client, roster_csv(rows), as_of="2026-02-01").get_data(as_text=True)
    assert "<li>förnamn: <del>Åsa</del> → <ins>Åse</ins></li>" in html
    assert "<li>invånarnära: <del>Nej</del> → <ins>Ja</ins></li>" in html


def test_a_windows_1252_file_flags_letters_it_could_not_hold(client, admin):
    rows = [*staff(), person("1005", first="Ivana", last="Marković")]
    import_via_web(client, rows)
    rows[-1] = person("1005", first="Ivana", last="Markovi?")  # what Excel's "CSV" writes
    preview = upload(client, roster_csv(rows, encoding="cp1252"), as_of="2026-02-01")
    html = preview.get_data(as_text=True)
    assert "Bokstäver kan ha gått förlorade (1)" in html
    assert "Rad 6: efternamn ”Markovi?” i filen, ”Marković” sparat" in html
    assert "Spara filen som ”CSV UTF-8”" in html
    assert facts(preview)["Ändrade personer"] == 1  # Åsa Öberg's letters came through
    assert "<li>efternamn: <del>Marković</del> → <ins>Markovi?</ins></li>" in html


def test_a_utf8_file_with_a_question_mark_for_a_stored_letter_is_flagged(client, admin):
    import_via_web(client, [*staff(), person("1005", last="Dvořák")])
    rows = [*staff(), person("1005", last="Dvo?ák")]
    html = upload(client, roster_csv(rows), as_of="2026-02-01").get_data(as_text=True)
    assert "Rad 6: efternamn ”Dvo?ák” i filen, ”Dvořák” sparat" in html


def test_clean_files_flag_nothing(client, admin):
    import_via_web(client, staff())
    html = upload(client, roster_csv(staff()), as_of="2026-02-01").get_data(as_text=True)
    assert "Bokstäver kan ha gått förlorade" not in html


def test_a_duplicate_names_the_other_row_and_the_value(client, admin):
    rows = staff()
    rows[3]["Anställningsnummer"] = "1002"
    rows[3]["Chefens anställningsnummer"] = ""
    html = upload(client, roster_csv(rows)).get_data(as_text=True)
    assert "<li>Rad 3: Anställningsnumret 1002 finns också på rad 5.</li>" in html
    assert "<li>Rad 5: Anställningsnumret 1002 finns också på rad 3.</li>" in html
