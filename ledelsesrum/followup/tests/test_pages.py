from __future__ import annotations

import datetime as dt

from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.followup import decisions
from ledelsesrum.followup.models import Action, Decision, Recommendation


def _url(name, study, **kw):
    return reverse(f"followup:{name}", kwargs={"study_id": study.pk, **kw})


def test_the_analyst_adds_a_recommendation_and_a_double_submit_stores_it_once(analyst_client, study):
    data = {"subtheme": "1b", "text": "Mere sparring fra chefen.", "source_note": "Rapport afsnit 1.2"}
    first = analyst_client.post(_url("recommendation_create", study), data)
    second = analyst_client.post(_url("recommendation_create", study), data)
    assert first.status_code == second.status_code == 302
    rec = Recommendation.objects.get()
    assert (rec.subtheme, rec.source_note) == ("1b", "Rapport afsnit 1.2")


def test_a_rejection_without_reason_shows_a_danish_error_and_saves_nothing(analyst_client, study):
    rec = decisions.add_recommendation(study, subtheme="1b", text="X")
    response = analyst_client.post(_url("decide", study, pk=rec.pk), {"outcome": "rejected", "reason": ""})
    assert response.status_code == 200
    assert "Skriv en begrundelse" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_decision_is_saved_and_audit_logged_with_ids_only(analyst_client, study):
    rec = decisions.add_recommendation(study, subtheme="1b", text="Hemmelig tekst")
    response = analyst_client.post(_url("decide", study, pk=rec.pk),
                                   {"outcome": "rejected", "reason": "For dyrt", "meeting_date": "2026-05-04"})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.meeting_date == dt.date(2026, 5, 4) and decision.decided_by.username == "alice"
    event = AuditEvent.objects.get(action="followup.decide")
    assert event.study_id == study.pk and event.detail["recommendation_id"] == rec.pk
    assert "Hemmelig" not in str(event.detail) and "dyrt" not in str(event.detail)


def test_the_action_form_is_refused_for_a_rejected_recommendation(analyst_client, study):
    rec = decisions.add_recommendation(study, subtheme="1b", text="X")
    decisions.record_decision(rec, outcome="rejected", reason="Nej")
    response = analyst_client.post(_url("action_create", study, pk=rec.pk), {"title": "T", "owner_name": "O",
                                                                             "status": "planned"})
    assert response.status_code == 302
    assert not Action.objects.exists()


def test_the_analyst_creates_and_completes_an_action(analyst_client, study, adopted):
    data = {"title": "Lederforum", "owner_name": "HR", "owner_email": "hr@kommune.dk",
            "deadline": "2026-09-01", "status": "planned", "scale_codes": ["NETVAERK", "CHEF"]}
    assert analyst_client.post(_url("action_create", study, pk=adopted.pk), data).status_code == 302
    assert analyst_client.post(_url("action_create", study, pk=adopted.pk), data).status_code == 302
    action = Action.objects.get()
    assert action.scale_codes == ["NETVAERK", "CHEF"]
    refused = analyst_client.post(_url("action_edit", study, pk=action.pk), {**data, "status": "done"})
    assert "Beskriv, hvad der viser" in refused.content.decode()
    assert Action.objects.get().status == "planned"
    done = analyst_client.post(_url("action_edit", study, pk=action.pk),
                               {**data, "status": "done", "evidence": "Referat fra første forum"})
    assert done.status_code == 302
    assert Action.objects.get().status == "done"
    page = analyst_client.get(_url("overview", study)).content.decode()
    assert "1 af 1 handlinger gennemført" in page and "100 %" in page


def test_overdue_actions_are_flagged_with_text(analyst_client, study, adopted):
    decisions.add_action(adopted, title="Gammel", owner_name="HR", deadline=dt.date(2020, 1, 1))
    page = analyst_client.get(_url("overview", study)).content.decode()
    assert "Overskredet" in page and "har overskredet fristen" in page


def test_the_board_reader_reads_progress_but_cannot_write(board_client, study, adopted):
    response = board_client.get(_url("overview", study))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Giv lederne mere råderum" in body and "Tilføj anbefaling" not in body
    assert board_client.post(_url("overview", study), {}).status_code == 403
    assert board_client.post(_url("recommendation_create", study), {"subtheme": "1a", "text": "X"}).status_code == 403
    assert board_client.post(_url("decide", study, pk=adopted.pk), {"outcome": "rejected", "reason": "r"}).status_code == 403
    assert board_client.post(_url("action_create", study, pk=adopted.pk), {}).status_code == 403
    assert board_client.post(_url("export", study)).status_code == 403
    assert Recommendation.objects.count() == 1 and Decision.objects.get().outcome == "adopted"
    assert AuditEvent.objects.filter(action="followup.view", username="bob").count() == 1


def test_an_interviewer_cannot_see_the_follow_up(client, interviewer, study):
    client.force_login(interviewer)
    assert client.get(_url("overview", study)).status_code == 403
    assert client.get(_url("export", study)).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="followup.").exists()
