"""Distribution: personal links, the mail-merge CSV, invitation and reminder e-mails."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.jobs.models import Job
from ledelsesrum.studies.models import Round
from ledelsesrum.surveys import answering, distribution
from ledelsesrum.surveys.models import Invitation

from .factories import (
    make_invitation,
    make_leader,
    make_questionnaire,
    make_round,
    make_study,
    make_unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_address(settings):
    # As an installation with LEDELSESRUM_SITE_URL set (test_site_address.py covers it unset).
    settings.SITE_URL = "https://lr.example.dk"


def collecting_round(n: int = 3, **round_fields):
    study = make_study()
    make_questionnaire(study)
    round = make_round(study, **round_fields)
    unit = make_unit("Plejecenter Åparken")
    invitations = [make_invitation(round, make_leader(unit, name=f"Søren Ørsted {i}")) for i in range(n)]
    return round, invitations


def test_link_for_is_absolute_with_the_site_url(settings):
    settings.SITE_URL = "https://ledelsesrum.kommune.dk/"
    round, [invitation] = collecting_round(1)

    assert distribution.link_for(invitation) == f"https://ledelsesrum.kommune.dk/s/{invitation.token}/"
    invitation.token = None
    with pytest.raises(ValueError):
        distribution.link_for(invitation)


def test_the_links_csv_opens_in_danish_excel(settings):
    settings.SITE_URL = "https://lr.example.dk"
    round, invitations = collecting_round(2)
    evil = make_leader(make_unit("=HYPERLINK(\"x\")"), name="=cmd|' /C calc'!A0")
    make_invitation(round, evil)

    raw = distribution.links_csv(round)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Navn", "E-mail", "Enhed", "Link"]
    assert len(rows) == 4
    by_name = {row[0]: row for row in rows[1:]}
    first = by_name["Søren Ørsted 0"]
    assert first[1] == invitations[0].leader.email
    assert first[2] == "Plejecenter Åparken"
    assert first[3] == f"https://lr.example.dk/s/{invitations[0].token}/"
    # Formula injection is neutralised.
    assert by_name["'=cmd|' /C calc'!A0"][2] == "'=HYPERLINK(\"x\")"
    assert b"\r\n" in raw


def test_invitations_are_mailed_with_the_personal_link_deadline_and_who_sees_what(settings):
    import datetime

    settings.SITE_URL = "https://lr.example.dk"
    round, invitations = collecting_round(3, closes_on=datetime.date(2026, 12, 4))

    assert distribution.send_invitations(round) == 3
    assert len(mail.outbox) == 3
    by_recipient = {m.to[0]: m for m in mail.outbox}
    message = by_recipient[invitations[0].leader.email]
    link = f"https://lr.example.dk/s/{invitations[0].token}/"
    assert "Spørgeskema om dine vilkår som leder" in message.subject
    assert link in message.body
    assert "4. december 2026" in message.body
    assert "Hvem ser hvad?" in message.body and "mindst 5 ledere" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html and 'lang="da"' in html
    assert invitations[1].token not in message.body
    assert all(i.sent_at is not None for i in Invitation.objects.all())


def test_invitations_are_not_sent_twice():
    round, invitations = collecting_round(2)
    distribution.send_invitations(round)
    make_invitation(round, make_leader())

    assert distribution.send_invitations(round) == 1
    assert len(mail.outbox) == 3


def test_reminders_skip_leaders_who_have_submitted():
    round, invitations = collecting_round(3)
    distribution.send_invitations(round)
    done = answering.start_response(invitations[0])
    answering.submit(done)
    answering.start_response(invitations[1])  # started, not submitted: still reminded
    mail.outbox.clear()

    assert distribution.send_invitations(round, reminder=True) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.leader.email for i in invitations[1:])
    assert all(m.subject.startswith("Påmindelse") for m in mail.outbox)
    counts = dict(Invitation.objects.values_list("pk", "reminder_count"))
    assert counts == {invitations[0].pk: 0, invitations[1].pk: 1, invitations[2].pk: 1}
    assert Invitation.objects.get(pk=invitations[1].pk).last_reminded_at is not None

    distribution.send_invitations(round, reminder=True)
    assert Invitation.objects.get(pk=invitations[2].pk).reminder_count == 2


def test_mail_uses_one_connection_and_sends_in_batches(monkeypatch):
    round, invitations = collecting_round(5)
    opened, batches = [], []
    from django.core.mail.backends.locmem import EmailBackend

    class Counting(EmailBackend):
        def open(self):
            opened.append(1)
            return super().open()

        def send_messages(self, messages):
            batches.append(len(messages))
            return super().send_messages(messages)

    monkeypatch.setattr(distribution, "get_connection", lambda: Counting())
    assert distribution.send_invitations(round, batch_size=2) == 5

    assert opened == [1]
    assert batches == [2, 2, 1]
    assert len(mail.outbox) == 5


def test_a_failing_mail_server_keeps_the_record_of_batches_already_sent(monkeypatch):
    round, invitations = collecting_round(4)
    from django.core.mail.backends.locmem import EmailBackend

    class FailsSecondBatch(EmailBackend):
        calls = 0

        def send_messages(self, messages):
            FailsSecondBatch.calls += 1
            if FailsSecondBatch.calls == 2:
                raise OSError("SMTP nede")
            return super().send_messages(messages)

    monkeypatch.setattr(distribution, "get_connection", lambda: FailsSecondBatch())
    with pytest.raises(OSError):
        distribution.send_invitations(round, batch_size=2)

    assert Invitation.objects.filter(sent_at__isnull=False).count() == 2
    monkeypatch.undo()
    assert distribution.send_invitations(round) == 2
    assert len(mail.outbox) == 4


def test_nothing_is_sent_for_a_round_that_is_not_collecting():
    round, invitations = collecting_round(2, status=Round.Status.DRAFT)
    with pytest.raises(distribution.DistributionError):
        distribution.send_invitations(round)
    assert mail.outbox == []


def test_the_send_job_reports_progress_and_offers_the_way_back():
    from ledelsesrum.jobs import runner

    round, invitations = collecting_round(3)
    job = runner.run_inline(distribution.__name__ + ":send_invitations_job", {"round_id": round.pk})

    assert job.status == Job.Status.DONE
    assert job.result["sent"] == 3
    assert job.result["next_url"] == reverse("surveys:distribution", kwargs={"study_id": round.study_id})
    assert (job.done, job.total) == (3, 3)
    assert len(mail.outbox) == 3


def test_the_send_job_fails_with_a_danish_message_for_a_closed_round():
    from ledelsesrum.jobs import runner

    round, invitations = collecting_round(2, status=Round.Status.CLOSED)
    job = runner.run_inline(distribution.__name__ + ":send_invitations_job", {"round_id": round.pk})
    assert job.status == Job.Status.FAILED
    assert "indsamler ikke svar" in job.error
    assert mail.outbox == []


# ---- the page -----------------------------------------------------------------------------------


def test_the_distribution_page_needs_a_study_manager(board_client):
    from django.test import Client

    round, invitations = collecting_round(5)
    page = reverse("surveys:distribution", kwargs={"study_id": round.study_id})

    assert Client().get(page).status_code == 302
    assert board_client.get(page).status_code == 403
    links = reverse("surveys:distribution_links", kwargs={"study_id": round.study_id})
    assert board_client.get(links).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="distribution").exists()


def test_the_page_shows_counts_and_offers_links_and_mail(analyst_client):
    round, invitations = collecting_round(7)
    for invitation in invitations[:5]:
        answering.submit(answering.start_response(invitation))
    answering.start_response(invitations[5])

    response = analyst_client.get(reverse("surveys:distribution", kwargs={"study_id": round.study_id}))
    body = response.content.decode()
    assert response.status_code == 200
    overview = distribution.response_overview(round)
    assert (overview["invited"], overview["started"], overview["submitted"]) == (7, 6, 5)
    assert '<span class="stat">7</span>' in body and '<span class="stat">71 %</span>' in body
    assert "Send invitationer" in body and "Send påmindelse" in body
    for invitation in invitations:
        assert invitation.leader.name not in body and invitation.token not in body
    assert AuditEvent.objects.filter(action="distribution.view", study_id=round.study_id).exists()


def test_exporting_links_is_audit_logged(analyst_client, analyst):
    round, invitations = collecting_round(2)
    response = analyst_client.get(
        reverse("surveys:distribution_links", kwargs={"study_id": round.study_id}) + f"?runde={round.pk}"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    event = AuditEvent.objects.get(action="distribution.export_links")
    assert event.user == analyst and event.study_id == round.study_id
    assert event.detail == {"round_id": round.pk, "format": "csv"}


def test_sending_from_the_page_runs_a_job_and_redirects_to_its_progress(
    analyst_client, django_capture_on_commit_callbacks
):
    round, invitations = collecting_round(3)
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(
            reverse("surveys:distribution_send", kwargs={"study_id": round.study_id}),
            {"runde": round.pk, "reminder": "0"},
        )

    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:detail", kwargs={"pk": job.pk})
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["sent"] == 3
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(action="distribution.send", study_id=round.study_id).exists()


def test_sending_for_a_closed_round_is_refused_on_the_page(analyst_client):
    round, invitations = collecting_round(3, status=Round.Status.CLOSED)
    response = analyst_client.post(
        reverse("surveys:distribution_send", kwargs={"study_id": round.study_id}),
        {"runde": round.pk}, follow=True,
    )
    assert "indsamler ikke svar" in response.content.decode()
    assert not Job.objects.exists() and mail.outbox == []


def test_a_pilot_round_can_be_chosen_on_the_page(analyst_client):
    round, invitations = collecting_round(5)
    pilot = make_round(round.study, kind=Round.Kind.PILOT)
    make_invitation(pilot, make_leader())

    page = reverse("surveys:distribution", kwargs={"study_id": round.study_id})
    body = analyst_client.get(page + f"?runde={pilot.pk}").content.decode()
    assert "Pilottest 1" in body
    assert "færre end 5 inviterede" in body
