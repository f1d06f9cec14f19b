"""Editing the report: section texts and recommendations survive regeneration; only analysts and
administrators edit; every change is audited; a decided recommendation cannot be deleted."""

import io
import re
import subprocess

import pytest
from django.urls import reverse
from docx import Document

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.coding.models import SubthemeEssence
from ledelsesrum.followup import decisions
from ledelsesrum.followup.models import Recommendation
from ledelsesrum.interviews.models import Interview
from ledelsesrum.reports import editing
from ledelsesrum.reports.compose import compose
from ledelsesrum.reports.models import SectionText
from ledelsesrum.reports.render import render_docx, render_html, render_pdf

from .builders import report_study


@pytest.fixture
def study(db):
    return report_study()["study"]


def _sub(report, code):
    return next(s for c in report.chapters for s in c.subthemes if s.code == code)


def _front(report, key):
    return next(s for s in report.front if s.key == key)


def _url(name, study, **kw):
    return reverse(f"reports:{name}", kwargs={"study_id": study.pk, **kw})


# --- domain ----------------------------------------------------------------------------------


def test_regenerating_keeps_edits_and_untouched_sections_follow_the_new_data(study, analyst):
    editing.save_text(study, "purpose", "Vores eget formål.\n\nAndet afsnit.", analyst)
    editing.save_text(study, "essence:1d", "Analytikerens essens.", analyst)
    editing.save_text(study, "questions", "1. Første spørgsmål\n- Andet spørgsmål\n", analyst)
    before = compose(study)
    assert "3 af 4" in " ".join(_front(before, "population").paragraphs)

    # The underlying data changes: purpose, research questions, one more interview done, essences.
    study.purpose = "Et helt nyt formål fra undersøgelsens opsætning."
    study.research_questions = ["Et nyt spørgsmål?"]
    study.save()
    Interview.objects.filter(study=study, status=Interview.Status.PLANNED).update(status=Interview.Status.DONE)
    SubthemeEssence.objects.filter(study=study, code="1d").update(essence="Ny genereret essens 1d.")
    SubthemeEssence.objects.create(study=study, code="2a", essence="Ny essens for 2a.")
    decisions.add_recommendation(study, subtheme="2a", text="Ny anbefaling til 2a.")

    after = compose(study)
    purpose = _front(after, "purpose")
    assert purpose.paragraphs[:2] == ["Vores eget formål.", "Andet afsnit."] and purpose.edited
    assert purpose.numbered == ["Første spørgsmål", "Andet spørgsmål"] and purpose.numbered_edited
    assert _sub(after, "1d").essence == "Analytikerens essens." and _sub(after, "1d").essence_edited
    # Untouched sections reflect the new data.
    assert "4 af 4" in " ".join(_front(after, "population").paragraphs)
    assert not _front(after, "population").edited
    assert _sub(after, "2a").essence == "Ny essens for 2a." and not _sub(after, "2a").essence_edited
    assert _sub(after, "2a").recommendations == ["Ny anbefaling til 2a."]
    assert "Et helt nyt formål" not in render_html(after)

    # Resetting the purpose brings the generated draft (the new purpose) back.
    assert editing.reset_text(study, "purpose")
    assert _front(compose(study), "purpose").paragraphs[0] == "Et helt nyt formål fra undersøgelsens opsætning."


def test_saving_the_draft_unchanged_or_an_empty_text_is_no_edit(study, analyst):
    target = editing.editable(study, "method")
    assert target.current == target.draft and not target.edited
    assert editing.save_text(study, "method", "  " + target.draft.replace("\n\n", "\n\n  ") + "\n", analyst) is None
    assert editing.save_text(study, "closing", "   ", analyst) is None
    assert not SectionText.objects.exists()
    editing.save_text(study, "closing", "Egen perspektivering.", analyst)
    closing = editing.editable(study, "closing")
    assert closing.current == "Egen perspektivering." and closing.edit.updated_by == analyst
    assert closing.draft.startswith("Rapporten giver ikke færdige løsninger")


def test_an_unknown_section_or_subtheme_is_refused(study):
    for key in ("bogus", "essence:9z"):
        with pytest.raises(editing.EditError, match="findes ikke"):
            editing.editable(study, key)


def test_the_edited_essence_reaches_pdf_and_docx(study, analyst, tmp_path):
    editing.save_text(study, "essence:1d", "En essens kun analytikeren har skrevet.", analyst)
    report = compose(study)
    (tmp_path / "r.pdf").write_bytes(render_pdf(report))
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "En essens kun analytikeren har skrevet." in " ".join(text.split())
    doc = Document(io.BytesIO(render_docx(report)))
    assert any(p.text == "En essens kun analytikeren har skrevet." for p in doc.paragraphs)


# --- views: section texts ----------------------------------------------------------------------


def test_the_analyst_edits_a_section_sees_who_edited_it_and_resets_it(analyst_client, study):
    url = _url("section_edit", study, key="method")
    page = analyst_client.get(url).content.decode()
    assert "Undersøgelsen kombinerer en spørgeskemaundersøgelse" in page  # the draft in the form
    assert "Gendan udkast" not in page

    res = analyst_client.post(url, {"text": "Vores egen metode.", "action": "save"})
    assert res.status_code == 302 and res.url.endswith("/rapport/#afsnit-method")
    # A double submit stores one edit.
    analyst_client.post(url, {"text": "Vores egen metode.", "action": "save"})
    assert SectionText.objects.filter(study=study, key="method").count() == 1

    view = analyst_client.get(_url("view", study)).content.decode()
    assert "Vores egen metode." in view and "Redigeret af alice" in view
    assert "Genereret udkast" in view  # the other sections are still drafts
    assert "Gendan udkast" in analyst_client.get(url).content.decode()

    res = analyst_client.post(url, {"text": "Vores egen metode.", "action": "reset"})
    assert res.status_code == 302 and not SectionText.objects.filter(study=study).exists()
    assert "Vores egen metode." not in analyst_client.get(_url("view", study)).content.decode()
    actions = list(AuditEvent.objects.filter(action__in=["report.section_edit", "report.section_reset"])
                   .order_by("pk").values_list("action", "detail"))
    assert actions[0] == ("report.section_edit", {"key": "method", "edited": True})
    assert actions[-1] == ("report.section_reset", {"key": "method"})
    assert all("Vores egen" not in str(d) for _a, d in actions)


def test_every_key_of_the_report_has_an_edit_link(analyst_client, study):
    view = analyst_client.get(_url("view", study)).content.decode()
    keys = set(re.findall(r"/rapport/afsnit/([^/]+)/", view))
    assert {"purpose", "questions", "population", "method", "closing", "essence:1d", "essence:6a"} <= keys
    for key in ("questions", "essence:1d"):
        assert analyst_client.get(_url("section_edit", study, key=key)).status_code == 200
    assert analyst_client.get(_url("section_edit", study, key="bogus")).status_code == 404


def test_the_board_reader_reads_the_report_but_cannot_edit(board_client, study):
    view = board_client.get(_url("view", study))
    assert view.status_code == 200
    body = view.content.decode()
    assert "Giv lederne et eget budget." in body
    assert "/rapport/afsnit/" not in body and "Tilføj anbefaling" not in body
    assert "Hvad ved vi" not in body
    assert board_client.get(_url("section_edit", study, key="method")).status_code == 403
    assert board_client.post(_url("section_edit", study, key="method"), {"text": "x"}).status_code == 403
    rec = Recommendation.objects.get()
    assert board_client.post(_url("recommendation_add", study, code="1d"), {"text": "x"}).status_code == 403
    assert board_client.post(_url("recommendation_delete", study, pk=rec.pk)).status_code == 403
    assert board_client.post(_url("recommendation_move", study, pk=rec.pk), {"direction": "up"}).status_code == 403
    assert board_client.post(_url("recommendation_edit", study, pk=rec.pk), {"text": "x"}).status_code == 403
    assert not SectionText.objects.exists() and Recommendation.objects.count() == 1


# --- views: recommendations --------------------------------------------------------------------


def test_recommendations_are_added_edited_reordered_and_deleted_from_the_report(analyst_client, study):
    add = _url("recommendation_add", study, code="1d")
    for _twice in range(2):  # a double submit stores one
        res = analyst_client.post(add, {"text": "Afsæt tid til faglig ledelse."})
    assert res.status_code == 302 and res.url.endswith("#undertema-1d")
    recs = list(Recommendation.objects.filter(study=study, subtheme="1d").order_by("position"))
    assert [r.text for r in recs] == ["Giv lederne et eget budget.", "Afsæt tid til faglig ledelse."]
    assert recs[1].source_note == "Rapporten, undertema 1d" and recs[1].created_by.username == "alice"

    # Move the new one up; the repeated submit (same index seen) does not move it back down.
    move = _url("recommendation_move", study, pk=recs[1].pk)
    analyst_client.post(move, {"direction": "up", "index": "1"})
    analyst_client.post(move, {"direction": "up", "index": "1"})
    assert _sub(compose(study), "1d").recommendations == [
        "Afsæt tid til faglig ledelse.", "Giv lederne et eget budget."]

    res = analyst_client.post(_url("recommendation_edit", study, pk=recs[0].pk), {"text": "Giv hver leder et budget."})
    assert res.status_code == 302
    body = analyst_client.get(_url("view", study)).content.decode()
    assert body.index("Afsæt tid til faglig ledelse.") < body.index("Giv hver leder et budget.")

    analyst_client.post(_url("recommendation_delete", study, pk=recs[1].pk))
    res = analyst_client.post(_url("recommendation_delete", study, pk=recs[1].pk), follow=True)
    assert "Anbefalingen er allerede slettet." in res.content.decode()
    assert list(Recommendation.objects.values_list("text", flat=True)) == ["Giv hver leder et budget."]
    assert analyst_client.post(add, {"text": "   "}, follow=True).content.decode().count("Skriv anbefalingens tekst.") == 1
    audited = sorted(set(AuditEvent.objects.filter(action__startswith="report.recommendation")
                         .values_list("action", flat=True)))
    assert audited == ["report.recommendation_add", "report.recommendation_delete",
                       "report.recommendation_edit", "report.recommendation_move"]


def test_a_recommendation_the_board_decided_on_cannot_be_deleted_or_reworded(analyst_client, study):
    rec = Recommendation.objects.get()
    decisions.record_decision(rec, outcome="adjusted", reason="For dyrt.", adjusted_text="Et mindre budget.")
    res = analyst_client.post(_url("recommendation_delete", study, pk=rec.pk), follow=True)
    assert "Anbefalingen kan ikke slettes, fordi direktionen har truffet beslutning om den." in res.content.decode()
    res = analyst_client.post(_url("recommendation_edit", study, pk=rec.pk), {"text": "Noget andet."})
    assert res.status_code == 200 and "teksten kan ikke længere ændres" in res.content.decode()
    rec.refresh_from_db()
    assert rec.text == "Giv lederne et eget budget." and rec.decision.outcome == "adjusted"
    # The report prints the analyst's proposal, not the board's adjusted text.
    html = render_html(compose(study))
    assert "Giv lederne et eget budget." in html and "Et mindre budget." not in html
    assert "Direktionen: Vedtaget med justering" in analyst_client.get(_url("view", study)).content.decode()


def test_the_report_and_the_follow_up_share_the_same_recommendations(analyst_client, study):
    analyst_client.post(_url("recommendation_add", study, code="3a"), {"text": "Styrk ledernetværket."})
    overview = analyst_client.get(reverse("followup:overview", kwargs={"study_id": study.pk})).content.decode()
    assert "Styrk ledernetværket." in overview and "Giv lederne et eget budget." in overview
    decisions.add_recommendation(study, subtheme="3a", text="Fra opfølgningen.")
    assert _sub(compose(study), "3a").recommendations == ["Styrk ledernetværket.", "Fra opfølgningen."]


# --- knowledge in the report (issue 4, point 4) ---------------------------------------------------


def test_a_chosen_knowledge_entry_reaches_html_pdf_and_docx(study, analyst, tmp_path):
    from ledelsesrum.knowledge import panel
    from ledelsesrum.knowledge.base import load_entries

    panel.choose(study, "1d", "tid-til-ledelse", analyst)
    entry = load_entries().get("tid-til-ledelse")
    report = compose(study)
    assert [k.title for k in _sub(report, "1d").knowledge] == [entry.title]
    assert _sub(report, "2a").knowledge == []
    html = render_html(report)
    assert "Viden om emnet" in html and entry.title in html
    (tmp_path / "r.pdf").write_bytes(render_pdf(report))
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Viden om emnet" in text and " ".join(entry.title.split()) in text
    doc = Document(io.BytesIO(render_docx(report)))
    assert any(p.text == "Viden om emnet" and p.style.name == "Heading 3" for p in doc.paragraphs)
    assert any(p.text.startswith(entry.title) for p in doc.paragraphs)


def test_the_report_links_each_subtheme_to_its_knowledge_panel(analyst_client, study, monkeypatch):
    monkeypatch.setenv("LEDELSESRUM_CODING_EMBEDDER", "char")
    body = analyst_client.get(_url("view", study)).content.decode()
    assert body.count("Hvad ved vi — og hvad har andre gjort?") == 19
    panel = reverse("knowledge:panel", kwargs={"study_id": study.pk, "code": "1d"})
    assert f'href="{panel}"' in body
    assert analyst_client.get(panel).status_code == 200
