"""The respondent's pages through the personal link, without JavaScript (plain form posts)."""

from __future__ import annotations

import logging
import re

import pytest
from django.urls import reverse

from ledelsesrum.studies.models import Round
from ledelsesrum.surveys.models import Invitation, Response

from .factories import close, survey

pytestmark = pytest.mark.django_db


def url(invitation, **query):
    base = reverse("surveys:respond", kwargs={"token": invitation.token})
    if query:
        base += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return base


def html(response) -> str:
    return response.content.decode()


def test_the_link_opens_the_first_page_with_progress_and_who_sees_what(client):
    round, invitation = survey(k=7)
    response = client.get(url(invitation))

    body = html(response)
    assert response.status_code == 200
    assert "<title>Side 1 af 4 – Om dig · Ledelsesrum</title>" in body
    assert 'lang="da"' in body
    assert '<progress max="4" value="1"' in body
    assert "Hvem ser hvad?" in body and "mindst 7 ledere" in body
    assert 'value="next"' in body and 'value="submit"' not in body
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    invitation.refresh_from_db()
    assert invitation.opened_at is not None
    # Opening the link alone creates no response (mail scanners open links too).
    assert not Response.objects.exists()


def test_scale_questions_are_fieldsets_with_legend_and_labelled_radios(client):
    round, invitation = survey()
    body = html(client.get(url(invitation, side=2)))

    assert body.count("<fieldset") == 3
    assert "<legend>Jeg har indflydelse på beslutninger om emne 1.1</legend>" in body
    assert '<label for="q-S1_1-1" class="option"><input type="radio" id="q-S1_1-1" name="q-S1_1" value="1">' in body
    assert "I meget høj grad" in body and "Slet ikke" in body and "Ved ikke / ikke relevant" in body
    assert 'value="back"' in body


def test_next_saves_the_page_and_the_link_resumes_where_the_leader_left(client):
    round, invitation = survey()
    response = client.post(url(invitation), {"page": "0", "action": "next", "q-F_AAR": "12", "q-F_UDD": "master"})
    assert response.status_code == 302
    assert response.url == url(invitation, side=2)
    client.post(url(invitation), {"page": "1", "action": "next", "q-S1_1": "2", "q-S1_2": "0"})

    stored = Response.objects.get(invitation=invitation)
    assert stored.answers == {"F_AAR": 12, "F_UDD": "master", "S1_1": 2, "S1_2": 0}
    assert stored.current_section == 2

    # A new browser (no cookies) with the same link resumes on page 3 ...
    client.cookies.clear()
    body = html(client.get(url(invitation)))
    assert "Side 3 af 4" in body
    # ... and going back shows what was answered.
    body = html(client.get(url(invitation, side=2)))
    assert 'id="q-S1_1-2" name="q-S1_1" value="2" checked' in body
    assert 'id="q-S1_2-0" name="q-S1_2" value="0" checked' in body
    body = html(client.get(url(invitation, side=1)))
    assert 'value="12"' in body
    assert 'value="master" checked' in body


def test_back_saves_the_page_too(client):
    round, invitation = survey()
    response = client.post(url(invitation), {"page": "2", "action": "back", "q-S2_1": "5"})

    assert response.url == url(invitation, side=2)
    stored = Response.objects.get(invitation=invitation)
    assert stored.answers == {"S2_1": 5}
    assert stored.current_section == 1


def test_save_and_continue_later_keeps_the_page_and_says_so(client):
    round, invitation = survey()
    response = client.post(url(invitation), {"page": "1", "action": "later", "q-S1_3": "3"})

    assert response.status_code == 200
    assert "Dine svar er gemt" in html(response)
    stored = Response.objects.get(invitation=invitation)
    assert stored.answers == {"S1_3": 3} and stored.current_section == 1
    assert "Side 2 af 4" in html(client.get(url(invitation)))


def test_invalid_input_is_announced_and_what_was_typed_is_kept(client):
    round, invitation = survey()
    client.post(url(invitation), {"page": "0", "action": "next", "q-F_UDD": "ingen"})
    response = client.post(
        url(invitation), {"page": "0", "action": "next", "q-F_AAR": "99", "q-F_UDD": "fup"}
    )

    body = html(response)
    assert response.status_code == 200
    assert "<title>Fejl: Side 1 af 4" in body
    assert 'class="error-summary" role="alert"' in body
    assert "Der er 2 fejl på siden" in body
    assert 'href="#q-F_AAR"' in body and 'href="#q-F_UDD-1"' in body
    assert re.search(r'id="q-F_AAR" name="q-F_AAR" value="99"[^>]*aria-invalid="true"', body)
    assert 'aria-describedby="q-F_AAR-fejl"' in body
    assert 'id="q-F_AAR-fejl"' in body and "Skriv et helt tal mellem 0 og 60." in body
    assert 'aria-describedby="q-F_UDD-fejl"' in body
    stored = Response.objects.get(invitation=invitation)
    # The invalid values were not stored; the earlier valid answer was not lost.
    assert stored.answers == {"F_UDD": "ingen"}
    assert stored.current_section == 0


def test_a_valid_field_is_saved_even_when_another_on_the_page_is_invalid(client):
    round, invitation = survey()
    client.post(url(invitation), {"page": "0", "action": "next", "q-F_AAR": "abc", "q-F_UDD": "diplom"})

    assert Response.objects.get(invitation=invitation).answers == {"F_UDD": "diplom"}


def test_the_last_page_submits_and_shows_thanks_and_a_double_submit_is_harmless(client):
    round, invitation = survey()
    client.post(url(invitation), {"page": "1", "action": "next", "q-S1_1": "1"})
    last = html(client.get(url(invitation, side=4)))
    assert 'value="submit"' in last and "Indsend" in last

    response = client.post(url(invitation), {"page": "3", "action": "submit", "q-AABEN1": "Mere tid."})
    assert response.status_code == 302 and response.url == url(invitation)
    stored = Response.objects.get(invitation=invitation)
    first = stored.submitted_at
    assert first is not None
    assert stored.open_answers == {"AABEN1": "Mere tid."}

    again = client.post(url(invitation), {"page": "3", "action": "submit", "q-AABEN1": "Mere tid."}, follow=True)
    assert "Tak, din besvarelse er modtaget" in html(again)
    stored.refresh_from_db()
    invitation.refresh_from_db()
    assert stored.submitted_at == first and invitation.submitted_at == first
    assert Response.objects.filter(invitation=invitation).count() == 1


def test_after_submission_the_link_thanks_and_still_allows_changes(client):
    round, invitation = survey()
    client.post(url(invitation), {"page": "3", "action": "submit", "q-AABEN1": "A"})
    body = html(client.get(url(invitation)))
    assert "Tak, din besvarelse er modtaget" in body and "Se eller ret dine svar" in body

    page = html(client.get(url(invitation, side=4)))
    assert "Du har allerede indsendt" in page
    client.post(url(invitation), {"page": "3", "action": "submit", "q-AABEN1": "B"})
    assert Response.objects.get(invitation=invitation).open_answers == {"AABEN1": "B"}


def test_submit_is_only_accepted_on_the_last_page(client):
    round, invitation = survey()
    response = client.post(url(invitation), {"page": "0", "action": "submit", "q-F_AAR": "2"})

    assert response.url == url(invitation, side=2)
    assert Response.objects.get(invitation=invitation).submitted_at is None


def test_a_required_question_blocks_next_and_submit_but_not_saving(client):
    round, invitation = survey()
    round.study.questionnaire.questions.filter(code="F_AAR").update(required=True)
    response = client.post(url(invitation), {"page": "0", "action": "later", "q-F_UDD": "ingen"})
    assert response.status_code == 200 and "Dine svar er gemt" in html(response)

    blocked = client.post(url(invitation), {"page": "0", "action": "next", "q-F_UDD": "ingen"})
    assert "Besvar venligst dette spørgsmål." in html(blocked)
    redirected = client.post(url(invitation), {"page": "3", "action": "submit"})
    assert redirected.url == url(invitation, side=1) + "&mangler=1"
    assert "Besvar venligst dette spørgsmål." in html(client.get(redirected.url))
    assert Response.objects.get(invitation=invitation).submitted_at is None


def test_save_on_change_stores_the_page_and_answers_with_a_status_fragment(client):
    round, invitation = survey()
    save_url = reverse("surveys:respond_save", kwargs={"token": invitation.token})
    body = html(client.get(url(invitation, side=2)))
    assert f'hx-post="{save_url}"' in body and 'hx-trigger="change"' in body

    response = client.post(save_url, {"page": "1", "q-S1_1": "4"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Dine svar er gemt." in html(response)
    stored = Response.objects.get(invitation=invitation)
    assert stored.answers == {"S1_1": 4} and stored.current_section == 1

    partial = client.post(save_url, {"page": "1", "q-S1_1": "4", "q-S1_2": "8"})
    assert "undtagen et felt med en fejl" in html(partial)
    assert Response.objects.get(invitation=invitation).answers == {"S1_1": 4}


def test_posts_work_without_a_csrf_cookie(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    round, invitation = survey()
    response = strict.post(url(invitation), {"page": "0", "action": "next", "q-F_AAR": "1"})

    assert response.status_code == 302
    assert Response.objects.get(invitation=invitation).answers == {"F_AAR": 1}


@pytest.mark.parametrize("token", ["ukendt-men-velformet-token-123456789", "x' OR '1'='1", "kort"])
def test_an_unknown_or_tampered_link_gets_a_friendly_404_that_reveals_nothing(client, caplog, token):
    round, invitation = survey()
    caplog.set_level(logging.DEBUG)
    # django.request does not propagate to caplog's root handler: listen to it directly.
    request_log = logging.getLogger("django.request")
    seen: list[logging.LogRecord] = []
    listener = logging.Handler(logging.DEBUG)
    listener.emit = seen.append
    request_log.addHandler(listener)
    previous_level = request_log.level
    request_log.setLevel(logging.DEBUG)
    try:
        response = client.get(reverse("surveys:respond", kwargs={"token": token}))
        posted = client.post(reverse("surveys:respond", kwargs={"token": token}), {"page": "0"})
    finally:
        request_log.removeHandler(listener)
        request_log.setLevel(previous_level)

    body = html(response)
    assert response.status_code == 404 and posted.status_code == 404
    assert "Linket virker ikke" in body
    assert "Traceback" not in body and round.study.name not in body
    assert token not in body
    assert all(token not in record.getMessage() for record in [*caplog.records, *seen])
    assert not Response.objects.exists()


def test_a_tampered_token_of_a_real_invitation_gets_the_same_404(client):
    round, invitation = survey()
    tampered = invitation.token[:-2] + ("AA" if not invitation.token.endswith("AA") else "BB")
    response = client.get(reverse("surveys:respond", kwargs={"token": tampered}))

    assert response.status_code == 404
    assert "Linket virker ikke" in html(response)
    invitation.refresh_from_db()
    assert invitation.opened_at is None


def test_a_closed_round_looks_like_an_unknown_link_once_tokens_are_cleared(client):
    round, invitation = survey()
    token = invitation.token
    client.post(url(invitation), {"page": "1", "action": "next", "q-S1_1": "2"})
    unknown = client.get(reverse("surveys:respond", kwargs={"token": "ukendt-men-velformet-token-123456789"}))
    close(round)

    response = client.get(reverse("surveys:respond", kwargs={"token": token}))
    assert response.status_code == 404
    # Identical apart from the per-render CSRF mask in base.html.
    strip = lambda r: re.sub(r'"X-CSRFToken": "[^"]+"', "", html(r))  # noqa: E731
    assert strip(response) == strip(unknown)
    stored = Response.objects.get(round=round)
    assert stored.answers == {"S1_1": 2} and stored.invitation_id is None


def test_a_round_not_yet_open_or_closed_with_token_says_so_clearly(client):
    round, invitation = survey(status=Round.Status.DRAFT)
    draft = client.get(url(invitation))
    assert "Spørgeskemaet er ikke åbnet endnu" in html(draft)

    Round.objects.filter(pk=round.pk).update(status=Round.Status.CLOSED)
    closed = client.get(url(invitation))
    posted = client.post(url(invitation), {"page": "0", "action": "next", "q-F_AAR": "3"})
    assert "Spørgeskemaet er lukket" in html(closed)
    assert "Spørgeskemaet er lukket" in html(posted)
    assert not Response.objects.exists()


def test_a_round_that_closes_mid_answer_refuses_the_save_without_an_error_page(client):
    round, invitation = survey()
    client.post(url(invitation), {"page": "0", "action": "next", "q-F_AAR": "3"})
    Round.objects.filter(pk=round.pk).update(status=Round.Status.CLOSED)
    save_url = reverse("surveys:respond_save", kwargs={"token": invitation.token})

    response = client.post(save_url, {"page": "1", "q-S1_1": "2"})
    assert response.status_code == 200 and "lukket" in html(response)
    assert Response.objects.get(invitation=invitation).answers == {"F_AAR": 3}


def test_a_pilot_round_is_answered_the_same_way(client):
    round, invitation = survey(kind=Round.Kind.PILOT)
    client.post(url(invitation), {"page": "3", "action": "submit", "q-AABEN1": "Pilot"})

    stored = Response.objects.get(invitation=invitation)
    assert stored.round.kind == Round.Kind.PILOT and stored.submitted_at is not None
    invitation = Invitation.objects.get(pk=invitation.pk)
    assert invitation.submitted_at == stored.submitted_at


def test_the_questionnaires_own_privacy_statement_replaces_the_default(client):
    round, invitation = survey()
    questionnaire = round.study.questionnaire
    questionnaire.privacy_statement = "Kun analytikeren i HR læser dine svar."
    questionnaire.save()

    body = html(client.get(url(invitation)))
    assert "Kun analytikeren i HR læser dine svar." in body
    assert "mindst 5 ledere" not in body
