"""Typing notes and per-theme summaries on the interview page: pseudonymised on save."""

import pytest
from django.urls import reverse

from ledelsesrum.interviews.models import GuideQuestion, InterviewGuide, InterviewNote, PseudonymKey


def _url(interview):
    return reverse("interviews:detail", kwargs={"study_id": interview.study_id, "pk": interview.pk})


@pytest.mark.django_db
def test_the_page_has_a_textarea_per_theme_of_the_guide(analyst_client, interview):
    guide = InterviewGuide.objects.create(study=interview.study)
    GuideQuestion.objects.create(guide=guide, text="Hvad giver dig energi?", themes=["1"], position=1)
    GuideQuestion.objects.create(guide=guide, text="Har du tid til ledelse?", themes=["3b"], position=2)
    html = analyst_client.get(_url(interview)).content.decode()
    assert 'name="summary_1"' in html and 'name="summary_3b"' in html and 'name="notes"' in html
    assert 'name="summary_2"' not in html
    assert "Hvad giver dig energi?" in html


@pytest.mark.django_db
def test_without_a_guide_every_main_theme_gets_a_textarea(analyst_client, interview):
    html = analyst_client.get(_url(interview)).content.decode()
    assert all(f'name="summary_{t}"' in html for t in "123456")


@pytest.mark.django_db
def test_saving_pseudonymises_names_and_tells_how_many_were_replaced(analyst_client, interview):
    response = analyst_client.post(_url(interview), {
        "notes": "Hanne Bøgh Madsen fortalte om sin chef Kirsten Holm (tlf. 23 45 67 89).",
        "summary_1": "Hanne er glad for jobbet.",
    }, follow=True)
    html = response.content.decode()
    assert "Gemt. 4 navne og personoplysninger er erstattet med pseudonymer." in html
    assert "[Leder A] fortalte om sin chef [Person 1] (tlf. [Telefon 1])." in html
    assert "Hanne" not in html.split('id="notes-form"')[1]
    notes = {(n.kind, n.theme_id): n for n in InterviewNote.objects.all()}
    assert notes[("notes", "")].text == "[Leder A] fortalte om sin chef [Person 1] (tlf. [Telefon 1])."
    assert notes[("summary", "1")].text == "[Leder A] er glad for jobbet."
    assert notes[("summary", "1")].source == "manual" and notes[("summary", "1")].created_by.username == "alice"
    assert set(PseudonymKey.objects.values_list("pseudonym", "real_value")) == {
        ("[Leder A]", "Hanne Bøgh Madsen"), ("[Person 1]", "Kirsten Holm"), ("[Telefon 1]", "23456789"),
    }


@pytest.mark.django_db
def test_a_double_submit_saves_once_and_loses_nothing(analyst_client, interview):
    data = {"notes": "Mødet med Hanne gik godt.", "summary_3": "For stort ledelsesspænd."}
    first = analyst_client.post(_url(interview), data)
    second = analyst_client.post(_url(interview), data, follow=True)
    assert first.status_code == 302
    assert "Ingen ændringer at gemme." in second.content.decode()
    assert InterviewNote.objects.count() == 2
    assert InterviewNote.objects.get(kind="notes").text == "Mødet med [Leder A] gik godt."
    assert InterviewNote.objects.get(kind="notes").version == 1
    assert PseudonymKey.objects.count() == 1


@pytest.mark.django_db
def test_resaving_the_shown_pseudonymised_text_changes_nothing(analyst_client, interview):
    analyst_client.post(_url(interview), {"notes": "Hanne og Kirsten Holm."})
    note = InterviewNote.objects.get()
    response = analyst_client.post(_url(interview), {"notes": note.text, "v_notes": note.version}, follow=True)
    note.refresh_from_db()
    assert "Ingen ændringer" in response.content.decode()
    assert note.text == "[Leder A] og [Person 1]." and note.version == 1


@pytest.mark.django_db
def test_an_edit_from_a_stale_form_is_refused_and_shown_back(analyst_client, interview):
    analyst_client.post(_url(interview), {"notes": "Første udgave."})
    note = InterviewNote.objects.get()
    analyst_client.post(_url(interview), {"notes": "Anden udgave fra en anden fane.", "v_notes": 1})
    response = analyst_client.post(_url(interview), {"notes": "Min udgave om Hanne.", "v_notes": 1})
    note.refresh_from_db()
    html = response.content.decode()
    assert response.status_code == 409
    assert "er ændret af en anden" in html and "Min udgave om [Leder A]." in html
    assert note.text == "Anden udgave fra en anden fane." and note.version == 2
    assert not PseudonymKey.objects.exists()


@pytest.mark.django_db
def test_clearing_a_summary_keeps_the_note_with_empty_text(analyst_client, interview):
    analyst_client.post(_url(interview), {"summary_2": "Noget om kerneopgaven."})
    analyst_client.post(_url(interview), {"summary_2": "", "v_summary_2": 1})
    note = InterviewNote.objects.get()
    assert note.text == "" and note.version == 2


@pytest.mark.django_db
def test_a_note_added_after_the_page_was_opened_is_not_overwritten(analyst_client, interview):
    InterviewNote.objects.create(interview=interview, kind="summary", theme_id="2e", text="Importeret tekst.")
    InterviewNote.objects.create(interview=interview, kind="summary", theme_id="1", text="Også importeret.")
    # The old page had no 2e field at all, and an empty field 1 without a version.
    response = analyst_client.post(_url(interview), {"notes": "Nye noter.", "summary_1": "Min tekst."})
    assert response.status_code == 409
    texts = dict(InterviewNote.objects.values_list("theme_id", "text"))
    assert texts == {"2e": "Importeret tekst.", "1": "Også importeret.", "": "Nye noter."}
