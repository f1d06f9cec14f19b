"""Who sees what: board readers never see interviews or notes; interviewers only their own;
the pseudonym key is for analysts only."""

import pytest
from django.urls import reverse

from ledelsesrum.interviews.models import InterviewNote, PseudonymKey

from .helpers import make_interview


def _urls(interview):
    s, pk = interview.study_id, interview.pk
    return [
        reverse("interviews:register", kwargs={"study_id": s}),
        reverse("interviews:create", kwargs={"study_id": s}),
        reverse("interviews:detail", kwargs={"study_id": s, "pk": pk}),
        reverse("interviews:edit", kwargs={"study_id": s, "pk": pk}),
        reverse("interviews:import", kwargs={"study_id": s}),
        reverse("interviews:key", kwargs={"study_id": s}),
    ]


@pytest.mark.django_db
def test_a_board_reader_gets_403_on_every_interview_page(board_client, interview):
    InterviewNote.objects.create(interview=interview, kind="summary", theme_id="1", text="[Leder A] er glad.")
    for url in _urls(interview):
        response = board_client.get(url)
        assert response.status_code == 403, url
        assert "[Leder A] er glad." not in response.content.decode()
    response = board_client.post(_urls(interview)[2], {"notes": "Forsøg"})
    assert response.status_code == 403
    assert InterviewNote.objects.count() == 1


@pytest.mark.django_db
def test_an_administrator_without_the_analyst_role_cannot_read_notes(client, admin_user, interview):
    client.force_login(admin_user)
    assert client.get(_urls(interview)[2]).status_code == 403
    assert client.get(_urls(interview)[5]).status_code == 403


@pytest.mark.django_db
def test_an_interviewer_sees_and_edits_only_their_own_interviews(
    interviewer_client, interview, study, jens, analyst
):
    other = make_interview(study, jens, analyst)
    register = interviewer_client.get(reverse("interviews:register", kwargs={"study_id": study.pk}))
    html = register.content.decode()
    assert "Hanne Bøgh Madsen" in html and "Jens Ørsted" not in html
    assert 'data-count="planned">1<' in html
    own = reverse("interviews:detail", kwargs={"study_id": study.pk, "pk": interview.pk})
    foreign = reverse("interviews:detail", kwargs={"study_id": study.pk, "pk": other.pk})
    assert interviewer_client.get(own).status_code == 200
    assert interviewer_client.get(foreign).status_code == 403
    assert interviewer_client.post(foreign, {"notes": "Jens sagde noget."}).status_code == 403
    status_url = reverse("interviews:status", kwargs={"study_id": study.pk, "pk": other.pk})
    assert interviewer_client.post(status_url, {"action": "cancel"}).status_code == 403
    other.refresh_from_db()
    assert other.status == "planned" and not other.notes.exists()
    interviewer_client.post(own, {"notes": "Hanne sagde noget."})
    assert interview.notes.get().text == "[Leder A] sagde noget."


@pytest.mark.django_db
def test_the_key_page_is_for_analysts_only(analyst_client, interviewer_client, interview):
    PseudonymKey.objects.create(study=interview.study, pseudonym="[Leder A]", real_value="Hanne Bøgh Madsen",
                                kind="name", lookup="hanne bøgh madsen")
    url = reverse("interviews:key", kwargs={"study_id": interview.study_id})
    assert interviewer_client.get(url).status_code == 403
    response = analyst_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "[Leder A]" in html and "Hanne Bøgh Madsen" in html


@pytest.mark.django_db
def test_the_key_link_is_shown_to_analysts_only(analyst_client, interviewer_client, interview):
    url = reverse("interviews:register", kwargs={"study_id": interview.study_id})
    key_url = reverse("interviews:key", kwargs={"study_id": interview.study_id})
    assert key_url in analyst_client.get(url).content.decode()
    assert key_url not in interviewer_client.get(url).content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, interview):
    response = client.get(_urls(interview)[2])
    assert response.status_code == 302 and "/konto/log-ind/" in response.url
