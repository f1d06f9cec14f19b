"""The interview guide: a few overarching questions, each linked to codebook themes."""

import pytest
from django.urls import reverse

from ledelsesrum.interviews.models import GuideQuestion, InterviewGuide


def _url(study):
    return reverse("interviews:guide", kwargs={"study_id": study.pk})


@pytest.mark.django_db
def test_an_analyst_adds_questions_linked_to_themes_and_sub_themes(analyst_client, study):
    response = analyst_client.post(_url(study), {
        "action": "question", "text": "Hvad giver dig energi som leder?", "themes": ["1", "1e"],
    })
    assert response.status_code == 302
    analyst_client.post(_url(study), {"action": "question", "text": "Har du tid til ledelse?", "themes": ["3b"]})
    questions = list(GuideQuestion.objects.order_by("position"))
    assert [(q.text, q.themes, q.position) for q in questions] == [
        ("Hvad giver dig energi som leder?", ["1", "1e"], 1), ("Har du tid til ledelse?", ["3b"], 2),
    ]
    html = analyst_client.get(_url(study)).content.decode()
    assert "1e) Anerkendelse og værdsættelse" in html and "3b) Tid til ledelse" in html


@pytest.mark.django_db
def test_an_unknown_theme_id_is_refused(analyst_client, study):
    response = analyst_client.post(_url(study), {"action": "question", "text": "Spørgsmål", "themes": ["9z"]})
    assert response.status_code == 200 and "Marker en gyldig valgmulighed" in response.content.decode()
    assert not GuideQuestion.objects.exists()


@pytest.mark.django_db
def test_questions_are_edited_moved_and_deleted(analyst_client, study):
    guide = InterviewGuide.objects.create(study=study)
    a = GuideQuestion.objects.create(guide=guide, text="A", position=1)
    b = GuideQuestion.objects.create(guide=guide, text="B", position=2)
    kw = {"study_id": study.pk}
    analyst_client.post(reverse("interviews:question_action", kwargs={**kw, "qid": b.pk}), {"action": "up"})
    assert list(GuideQuestion.objects.order_by("position").values_list("text", flat=True)) == ["B", "A"]
    analyst_client.post(reverse("interviews:question_edit", kwargs={**kw, "qid": a.pk}),
                        {"text": "A2", "themes": ["2"]})
    a.refresh_from_db()
    assert a.text == "A2" and a.themes == ["2"]
    analyst_client.post(reverse("interviews:question_action", kwargs={**kw, "qid": b.pk}), {"action": "delete"})
    assert list(GuideQuestion.objects.values_list("text", "position")) == [("A2", 1)]


@pytest.mark.django_db
def test_the_guide_title_and_intro_are_saved(analyst_client, study):
    analyst_client.post(_url(study), {"action": "guide", "title": "Guide 2025", "intro": "Få spørgsmål."})
    guide = InterviewGuide.objects.get(study=study)
    assert (guide.title, guide.intro) == ("Guide 2025", "Få spørgsmål.")


@pytest.mark.django_db
def test_interviewers_read_the_guide_but_cannot_change_it(interviewer_client, study):
    guide = InterviewGuide.objects.create(study=study)
    q = GuideQuestion.objects.create(guide=guide, text="Hvad optager dig?", position=1)
    response = interviewer_client.get(_url(study))
    assert response.status_code == 200 and "Hvad optager dig?" in response.content.decode()
    assert "Tilføj spørgsmål" not in response.content.decode()
    assert interviewer_client.post(_url(study), {"action": "question", "text": "X"}).status_code == 403
    assert interviewer_client.post(
        reverse("interviews:question_action", kwargs={"study_id": study.pk, "qid": q.pk}), {"action": "delete"}
    ).status_code == 403
    assert GuideQuestion.objects.count() == 1


@pytest.mark.django_db
def test_board_readers_cannot_see_the_guide(board_client, study):
    assert board_client.get(_url(study)).status_code == 403
