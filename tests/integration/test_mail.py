"""Mail that cannot crash: addresses and names with å, ä, ö, against real SMTP servers
(aiosmtpd on loopback) that do and do not offer SMTPUTF8, and the .eml and log fallbacks."""

import logging
from datetime import date
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from tests.factories import make_unit, make_user
from tests.roster_files import person, roster_csv
from tests.smtp_server import SmtpServer
from vbe_learn.core.extensions import db
from vbe_learn.core.mail import NO_SMTPUTF8, FolderTransport, LogTransport, Outgoing
from vbe_learn.models import ReminderMessage
from vbe_learn.roster.services import plan_roster_file

# The stdlib parses raw UTF-8 headers (RFC 6532) into correct str() values, but its parsed
# Address parts keep surrogate escapes: the tests compare str(header).
ASA = "åsa.öberg@exempel.se"
IDN = "nils@exempel.åäö.se"  # ASCII local part: the domain goes out as IDNA, no SMTPUTF8


@pytest.fixture(params=[True, False], ids=["smtputf8", "utan-smtputf8"])
def server(request, app):
    """A real SMTP server on loopback that offers SMTPUTF8, or one that does not."""
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    with SmtpServer(smtputf8=request.param) as running:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=running.port)
        running.smtputf8 = request.param
        yield running
    app.config.update(saved)


@pytest.fixture
def mail_log(caplog):
    """The vbe_learn.core.mail log at INFO (Alembic's logging set-up may have disabled it)."""
    logging.getLogger("vbe_learn.core.mail").disabled = False
    caplog.set_level(logging.INFO, logger="vbe_learn.core.mail")
    return caplog


def test_the_reminder_run_sends_to_a_non_ascii_address_or_records_why_not(runner, server):
    unit = make_unit("Förvaltning Å", "Enhet Ö")
    for address, first, last in ((ASA, "Åsa", "Öberg"), ("anna@test.se", "Anna", "Ek"),
                                 (IDN, "Nils", "Ängström")):  # fmt: skip
        make_user(address, unit, first_name=first, last_name=last, employed_from=date(2020, 1, 1))
    db.session.commit()
    assert runner.invoke(args=["deadline", "set", "2026-03-01"]).exit_code == 0

    result = runner.invoke(args=["reminders", "send", "--date", "2026-03-02"])

    assert result.exit_code == 0, result.output
    received = server.recorder
    assert len(received.to("anna@test.se")) == 1
    [idn] = received.to("nils@exempel.xn--4cab6c.se")
    assert idn.message["To"].addresses[0].display_name == "Nils Ängström"
    rows = {r.recipient: r for r in db.session.scalars(select(ReminderMessage))}
    if server.smtputf8:
        [message] = received.to(ASA)
        assert str(message.message["To"]) == f"Åsa Öberg <{ASA}>"  # raw UTF-8 (RFC 6532)
        assert "Hej Åsa" in message.text and "Hej Åsa" in message.html
        assert rows[ASA].status == "sent"
    else:
        assert received.to(ASA) == []
        assert "misslyckade: 1" in result.output
        assert (rows[ASA].status, rows[ASA].error) == ("failed", NO_SMTPUTF8)
    assert {rows[a].status for a in ("anna@test.se", IDN)} == {"sent"}

    count = len(received.received)
    assert runner.invoke(args=["reminders", "send", "--date", "2026-03-02"]).exit_code == 0
    assert len(received.received) == count  # nothing is sent twice, nor a failure retried


def test_forgot_password_for_a_non_ascii_address_never_gives_a_500(client, server, mail_log):
    user = make_user(ASA, first_name="Åsa", last_name="Öberg")
    db.session.commit()

    response = client.post("/glomt-losenord", data={"email": ASA}, follow_redirects=True)

    assert response.status_code == 200
    assert "Om adressen finns hos oss" in response.get_data(as_text=True)
    if server.smtputf8:
        [received] = server.recorder.to(ASA)
        assert str(received.message["To"]) == f"Åsa Öberg <{ASA}>"
        assert "Hej Åsa!" in received.text and "/satt-losenord/" in received.text
    else:
        assert server.recorder.received == []
        assert f"event=mail_failed user_id={user.id}: {NO_SMTPUTF8}" in mail_log.text


def test_without_a_mail_server_a_non_ascii_message_goes_to_a_folder_or_the_log(tmp_path, mail_log):
    message = Outgoing(
        ASA, "Ämne", "Hej Åsa!", "<p>Hej Åsa!</p>", "<losenord-1@test.se>", "Åsa Öberg"
    )

    FolderTransport(str(tmp_path), "vbe@test.se").send(message)

    written = message_from_bytes(
        (tmp_path / "losenord-1_test.se.eml").read_bytes(), policy=policy.default
    )
    assert str(written["To"]) == f"Åsa Öberg <{ASA}>"
    assert written["Subject"] == "Ämne"
    assert written.get_body(("plain",)).get_content().strip() == "Hej Åsa!"
    LogTransport("vbe@test.se").send(message)
    assert f"e-post till {ASA}: Ämne" in mail_log.text


def test_the_roster_import_takes_non_ascii_addresses_and_refuses_unsendable_ones():
    rows = [person("1001", email="Åsa.Öberg@Exempel.se"), person("1002", manager="1001")]
    plan = plan_roster_file(roster_csv(rows), "personallista.csv", date(2026, 1, 1))
    assert not hasattr(plan, "lines"), plan.lines()

    for bad in ("anna,bo@exempel.se", '"anna"@exempel.se', "anna@exempel", "anna..bo@exempel.se"):
        rows = [person("1001"), person("1002", manager="1001", email=bad)]
        problems = plan_roster_file(roster_csv(rows), "personallista.csv", date(2026, 1, 1))
        assert problems.lines() == [f"Rad 3: E-postadressen ”{bad}” är inte giltig."], bad
