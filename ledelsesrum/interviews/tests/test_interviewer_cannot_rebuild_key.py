"""Issue 10, finding 2: an interviewer must not be able to rebuild the analyst-only pseudonym key.

The attack: paste the population's names into one's own notes, save, and read the study-wide
pseudonyms back; then second coding shows other interviewers' units in those same pseudonyms,
which become re-identifiable. Everything a non-analyst gets (notes page, the coding list and its
htmx fragment, suggestion reasons, second coding) must be in local labels of one interview.
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.test import Client
from django.urls import reverse

from ledelsesrum.accounts.roles import grant
from ledelsesrum.coding import agreement_web, workspace
from ledelsesrum.coding.models import MeaningUnit, SecondCoding
from ledelsesrum.interviews.importer import import_notes_job
from ledelsesrum.interviews.models import Interview, InterviewNote, PseudonymKey

from .helpers import make_interview, make_leader

pytestmark = pytest.mark.django_db

POPULATION = ["Hanne Bøgh Madsen", "Jens Ørsted", "Karen Lund Holm", "Mette Frost", "Søren Kvist"]
OLGA_NOTES = (
    "Jens Ørsted fortalte, at Karen Lund Holm og Mette Frost holder ugentlige tavlemøder om driften. "
    "Søren Kvist savner sparring med Hanne Bøgh Madsen (hbm@kommune.dk, 23 45 67 89)."
)
PASTED = (
    "Søren Kvist, Mette Frost, Karen Lund Holm, Jens Ørsted og Hanne Bøgh Madsen. "
    "Mail hbm@kommune.dk, tlf. 23 45 67 89. Lederen har for lidt tid til ledelse."
)


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    monkeypatch.setenv(workspace.EMBEDDER_ENV, "char")
    yield
    workspace._suggesters.clear()


@pytest.fixture
def olga(django_user_model):
    user = django_user_model.objects.create_user(username="olga", password="korrekt-hest-batteri-42")
    grant(user, "interviewer")
    return user


@pytest.fixture
def setting(study, interviewer, olga):
    """Ivan interviews Hanne; Olga interviews Jens and has already written notes naming everyone."""
    leaders = {name: make_leader(name) for name in POPULATION}
    ivan_iv = make_interview(study, leaders["Hanne Bøgh Madsen"], interviewer, status=Interview.Status.DONE)
    olga_iv = make_interview(study, leaders["Jens Ørsted"], olga, status=Interview.Status.DONE)
    olga_client = Client()
    olga_client.force_login(olga)
    assert olga_client.post(_detail(olga_iv), {"notes": OLGA_NOTES}).status_code == 302
    return {"ivan": ivan_iv, "olga": olga_iv, "olga_client": olga_client}


def _detail(interview: Interview) -> str:
    return reverse("interviews:detail", kwargs={"study_id": interview.study_id, "pk": interview.pk})


def _coding(study, name: str, **kw) -> str:
    return reverse(f"coding:{name}", kwargs={"study_id": study.pk, **kw})


def _key_leaks(body: str) -> list[str]:
    """Every line of the study's key the body gives away: a pseudonym, bracketed or bare."""
    found = []
    for pseudonym in PseudonymKey.objects.values_list("pseudonym", flat=True):
        bare = pseudonym.strip("[]")
        if pseudonym in body or re.search(rf"(?<![\w-]){re.escape(bare)}(?![\w-])", body):
            found.append(pseudonym)
    return found


def _textarea(body: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', body, re.DOTALL)
    return htmllib.unescape(match.group(1)).removeprefix("\n")


def test_pasting_the_population_into_own_notes_reveals_no_pseudonym_of_the_key(
    setting, study, interviewer_client, analyst, interviewer
):
    ivan_iv, olga_iv = setting["ivan"], setting["olga"]
    saved = interviewer_client.post(_detail(ivan_iv), {"notes": PASTED}, follow=True).content.decode()
    page = interviewer_client.get(_detail(ivan_iv)).content.decode()
    # The key holds all five leaders, the e-mail and the phone number …
    assert PseudonymKey.objects.count() == 7
    # … and nothing the interviewer is shown names any of them.
    assert _key_leaks(saved) == [] and _key_leaks(page) == []
    assert _textarea(page, "notes") == (
        "[Navn 1], [Navn 2], [Navn 3], [Navn 4] og [Navn 5]. Mail [E-mailadresse 1], tlf. [Telefonnummer 1]. "
        "Lederen har for lidt tid til ledelse."
    )
    # Olga reads her own notes in her own interview's labels, not in Ivan's nor the study's.
    olga_page = setting["olga_client"].get(_detail(olga_iv)).content.decode()
    assert _key_leaks(olga_page) == []
    assert _textarea(olga_page, "notes").startswith("[Navn 1] fortalte, at [Navn 2] og [Navn 3] holder")

    # Meaning units: the analyst builds them and codes Olga's; Ivan codes his own.
    workspace.build_units(study)
    for unit in MeaningUnit.objects.filter(interview_note__interview=olga_iv):
        workspace.confirm(unit, "3b", analyst)
    own = interviewer_client.get(_coding(study, "units")).content.decode()
    fragment = interviewer_client.get(_coding(study, "units") + "?page=1", HTTP_HX_REQUEST="true").content.decode()
    for body in (own, fragment):
        assert _key_leaks(body) == []
        assert "[Navn 1]" in body
        # Suggestion reasons quote the closest coded units; Olga's are not Ivan's to read.
        assert "tavlemøder" not in body

    # Second coding: Olga's units are drawn for Ivan. He codes them all, one page at a time.
    drawn = agreement_web.draw_sample(study, interviewer, fraction=1.0)
    assert {s.unit.interview_note.interview_id for s in drawn} == {olga_iv.pk}
    pages = []
    for _ in drawn:
        body = interviewer_client.get(_coding(study, "agreement_code")).content.decode()
        pages.append(body)
        second = re.search(r'name="second" value="(\d+)"', body).group(1)
        interviewer_client.post(_coding(study, "agreement_code"), {"second": second, "code": "3b"})
    assert not SecondCoding.objects.filter(coder=interviewer, code="").exists()
    assert all(_key_leaks(body) == [] for body in pages)
    assert "[Navn 1] fortalte, at [Navn 2] og [Navn 3] holder ugentlige tavlemøder" in " ".join(pages)

    # The labels of the two interviews are independent: Ivan's "[Navn 1]" (Søren) is Olga's "[Navn 4]".
    from ledelsesrum.interviews.models import LocalPseudonym

    labels = {
        (row.interview_id, row.pseudonym): row.label for row in LocalPseudonym.objects.all()
    }
    soeren = PseudonymKey.objects.get(real_value="Søren Kvist").pseudonym
    assert labels[(ivan_iv.pk, soeren)] == "[Navn 1]" and labels[(olga_iv.pk, soeren)] == "[Navn 4]"
    ivan_labels = {p: label for (iv, p), label in labels.items() if iv == ivan_iv.pk}
    olga_labels = {p: label for (iv, p), label in labels.items() if iv == olga_iv.pk}
    assert set(ivan_labels) == set(olga_labels) and ivan_labels != olga_labels


def test_a_guessed_pseudonym_typed_into_notes_cannot_be_compared_with_the_key(setting, interviewer_client):
    ivan_iv = setting["ivan"]
    hanne = PseudonymKey.objects.get(real_value="Hanne Bøgh Madsen").pseudonym
    guesses = ", ".join(f"[Leder {c}]" for c in "ABCDE")  # one of them is Hanne's
    interviewer_client.post(_detail(ivan_iv), {"notes": f"Hanne Bøgh Madsen er måske {guesses}."})
    shown = _textarea(interviewer_client.get(_detail(ivan_iv)).content.decode(), "notes")
    # Were the guess kept as a pseudonym, Hanne and her guess would share "[Navn 1]".
    assert shown == "[Navn 1] er måske Leder A, Leder B, Leder C, Leder D, Leder E."
    assert InterviewNote.objects.get(interview=ivan_iv).text == f"{hanne} er måske Leder A, Leder B, Leder C, Leder D, Leder E."


def test_the_interviewer_edits_in_local_labels_and_storage_stays_study_wide(
    setting, interviewer_client, analyst_client
):
    ivan_iv = setting["ivan"]
    interviewer_client.post(_detail(ivan_iv), {"notes": "Mette Frost ringede til Jens Ørsted."})
    note = InterviewNote.objects.get(interview=ivan_iv)
    stored = note.text
    page = interviewer_client.get(_detail(ivan_iv)).content.decode()
    assert _textarea(page, "notes") == "[Navn 1] ringede til [Navn 2]."
    assert 'id="local-labels-note"' in page
    # Submitting what was shown changes nothing.
    again = interviewer_client.post(_detail(ivan_iv), {"notes": "[Navn 1] ringede til [Navn 2].", "v_notes": note.version},
                                    follow=True).content.decode()
    assert "Ingen ændringer at gemme." in again
    # An edit in labels is stored in the study's pseudonyms; an unknown label stays plain words.
    interviewer_client.post(_detail(ivan_iv), {"notes": "[Navn 2] ringede til [Navn 1] og [Navn 9].",
                                               "v_notes": note.version})
    mette, jens = stored.removesuffix(".").split(" ringede til ")
    assert InterviewNote.objects.get(interview=ivan_iv).text == f"{jens} ringede til {mette} og Navn 9."
    # The analyst reads the study-wide pseudonyms, as before.
    analyst_page = analyst_client.get(_detail(ivan_iv)).content.decode()
    assert _textarea(analyst_page, "notes") == f"{jens} ringede til {mette} og Navn 9."
    assert 'id="local-labels-note"' not in analyst_page


def test_a_refused_stale_edit_is_shown_back_as_typed_not_in_study_pseudonyms(setting, interviewer_client):
    ivan_iv = setting["ivan"]
    interviewer_client.post(_detail(ivan_iv), {"notes": "Første udgave."})
    interviewer_client.post(_detail(ivan_iv), {"notes": "Anden udgave.", "v_notes": 1})
    response = interviewer_client.post(_detail(ivan_iv), {"notes": "Min udgave om Søren Kvist og [Navn 1].", "v_notes": 1})
    body = response.content.decode()
    assert response.status_code == 409 and _key_leaks(body) == []
    assert _textarea(body, "notes") == "Min udgave om Søren Kvist og [Navn 1]."


def test_unit_text_and_condensed_meaning_are_edited_in_local_labels(setting, study, interviewer_client):
    ivan_iv = setting["ivan"]
    interviewer_client.post(_detail(ivan_iv), {"notes": "Mette Frost har for lidt tid til ledelse."})
    workspace.build_units(study)
    unit = MeaningUnit.objects.get(interview_note__interview=ivan_iv)
    mette = PseudonymKey.objects.get(real_value="Mette Frost").pseudonym
    assert unit.text == f"{mette} har for lidt tid til ledelse."
    body = interviewer_client.get(_coding(study, "units")).content.decode()
    assert "[Navn 1] har for lidt tid til ledelse." in body and _key_leaks(body) == []
    interviewer_client.post(_coding(study, "edit_text", pk=unit.pk),
                            {"text": "[Navn 1] har alt for lidt tid, siger [Leder A]."})
    unit.refresh_from_db()
    assert unit.text == f"{mette} har alt for lidt tid, siger Leder A."
    interviewer_client.post(_coding(study, "confirm", pk=unit.pk), {"code": "3b", "condensed": "[Navn 1] mangler tid"})
    unit.refresh_from_db()
    assert (unit.code, unit.condensed) == ("3b", f"{mette} mangler tid")


def test_an_interviewer_s_imported_file_is_read_in_local_labels(setting, interviewer, tmp_path):
    ivan_iv = setting["ivan"]
    hanne = PseudonymKey.objects.get(real_value="Hanne Bøgh Madsen").pseudonym
    InterviewNote.objects.create(interview=ivan_iv, kind="notes", text=f"{hanne} var der.")
    path = tmp_path / "hanne.txt"
    path.write_text("[Navn 1] og [Leder B] ringede.", encoding="utf-8")
    import_notes_job(
        {"study_id": ivan_iv.study_id, "user_id": interviewer.pk,
         "files": [{"index": 0, "filename": "hanne.txt", "interview_id": ivan_iv.pk, "path": str(path)}]},
        lambda *args: None,
    )
    assert InterviewNote.objects.get(interview=ivan_iv, kind="notes").text == (
        f"{hanne} var der.\n\n{hanne} og Leder B ringede."
    )
