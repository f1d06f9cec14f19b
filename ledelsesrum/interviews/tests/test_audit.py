"""Every view of notes and of the key, and every import, is in the audit log — ids only."""

import json

import pytest
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.interviews.models import InterviewNote


@pytest.mark.django_db
def test_viewing_and_saving_notes_is_logged_with_ids_only(analyst_client, interview):
    url = reverse("interviews:detail", kwargs={"study_id": interview.study_id, "pk": interview.pk})
    analyst_client.post(url, {"notes": "Hanne fortalte om Kirsten Holm."})
    analyst_client.get(url)
    note = InterviewNote.objects.get()
    save = AuditEvent.objects.get(action="interviews.notes.save")
    view = AuditEvent.objects.filter(action="interviews.notes.view").latest("id")
    assert save.username == "alice" and save.study_id == interview.study_id
    assert save.object_id == str(interview.pk) and save.detail["note_ids"] == [note.pk]
    assert save.detail["replacements"] == 2
    assert view.detail["note_ids"] == [note.pk]
    logged = json.dumps(list(AuditEvent.objects.values("detail", "object_id")), ensure_ascii=False)
    assert "Hanne" not in logged and "Kirsten" not in logged and "Leder A" not in logged


@pytest.mark.django_db
def test_viewing_the_key_is_logged(analyst_client, interview):
    analyst_client.get(reverse("interviews:key", kwargs={"study_id": interview.study_id}))
    event = AuditEvent.objects.get(action="interviews.key.view")
    assert event.username == "alice" and event.study_id == interview.study_id
    assert event.detail == {"entries": 0}


@pytest.mark.django_db
def test_a_refused_view_is_not_logged_as_a_view(board_client, interview):
    board_client.get(reverse("interviews:detail", kwargs={"study_id": interview.study_id, "pk": interview.pk}))
    assert not AuditEvent.objects.filter(action__startswith="interviews.").exists()
