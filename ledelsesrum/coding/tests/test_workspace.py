"""Workspace: building units from notes and open answers, confirming, synthesis and matrix."""

import pytest

from ledelsesrum.coding import workspace
from ledelsesrum.coding.models import CodingDecision, MeaningUnit
from ledelsesrum.interviews.models import Interview, InterviewNote
from ledelsesrum.organisation.models import Leader
from ledelsesrum.studies.models import Round, Study
from ledelsesrum.surveys.models import Response

pytestmark = pytest.mark.django_db

NOTES = [
    "Lederen har for lidt tid til ledelse. Driften fylder hele kalenderen. Derudover savner hun sparring fra sin chef.",
    "Han bruger det meste af dagen på administration og møder. Der er ikke tid til at være tæt på medarbejderne.",
    "Chefen er svær at få fat i. Hun ønsker mere opbakning og sparring fra sin nærmeste leder.",
]


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    monkeypatch.setenv(workspace.EMBEDDER_ENV, "char")
    yield
    workspace._suggesters.clear()
    workspace._statement_spaces.clear()


def make_study(n_done=3, notes=NOTES):
    study = Study.objects.create(name="Ledernes vilkår")
    for i in range(n_done):
        leader = Leader.objects.create(name=f"Leder Nummer{i}", email=f"l{i}@kommune.dk")
        interview = Interview.objects.create(study=study, leader=leader, status=Interview.Status.DONE)
        if i < len(notes):
            InterviewNote.objects.create(interview=interview, kind="summary", theme_id="3", text=notes[i])
    return study


def test_building_units_splits_every_note_and_is_idempotent():
    study = make_study()
    first = workspace.build_units(study)
    count = MeaningUnit.objects.filter(study=study).count()
    assert first.sources == 3 and first.created == count and count >= 3
    unit = MeaningUnit.objects.filter(study=study).first()
    workspace.confirm(unit, "3b")
    again = workspace.build_units(study)
    assert again.created == 0 and again.kept == count
    assert MeaningUnit.objects.filter(study=study).count() == count
    assert MeaningUnit.objects.get(pk=unit.pk).code == "3b"


def test_a_changed_uncoded_note_is_split_again_but_a_coded_one_keeps_its_units():
    study = make_study()
    workspace.build_units(study)
    note0, note1 = InterviewNote.objects.order_by("id")[:2]
    coded = MeaningUnit.objects.filter(interview_note=note0).first()
    workspace.confirm(coded, "3b")
    InterviewNote.objects.filter(pk=note0.pk).update(text="Helt ny tekst om noget andet.")
    InterviewNote.objects.filter(pk=note1.pk).update(text="Han mangler tid til strategisk ledelse.")
    workspace.build_units(study)
    assert MeaningUnit.objects.filter(pk=coded.pk, code="3b").exists()
    assert list(MeaningUnit.objects.filter(interview_note=note1).values_list("text", flat=True)) == [
        "Han mangler tid til strategisk ledelse."
    ]


def test_open_answers_of_closed_rounds_are_redacted_units_without_leader():
    study = make_study(n_done=1)
    closed = Round.objects.create(study=study, number=1, status=Round.Status.CLOSED)
    open_round = Round.objects.create(study=study, number=2, status=Round.Status.COLLECTING)
    Response.objects.create(
        round=closed, submitted_at="2025-01-01T10:00Z",
        open_answers={"open1": "Min chef Kirsten er aldrig til stede, ring 12345678."},
    )
    Response.objects.create(round=open_round, submitted_at="2025-01-01T10:00Z", open_answers={"open1": "Skjult svar."})
    workspace.build_units(study)
    answers = MeaningUnit.objects.filter(study=study, interview_note__isnull=True)
    assert answers.count() == 1
    unit = answers.get()
    assert unit.leader_id is None and unit.question_code == "open1"
    assert "Kirsten" not in unit.text and "12345678" not in unit.text


def test_confirm_stores_code_condensed_meaning_and_decision(analyst):
    study = make_study()
    workspace.build_units(study)
    unit = MeaningUnit.objects.filter(study=study).first()
    suggestions = workspace.suggestions_for(study, [unit])[unit.pk]
    assert len(suggestions) == 5 and suggestions[0]["reason"]
    workspace.confirm(unit, suggestions[1]["code"], analyst, condensed="For lidt tid")
    unit.refresh_from_db()
    assert unit.code == suggestions[1]["code"] and unit.condensed == "For lidt tid" and unit.coded_by == analyst
    decision = CodingDecision.objects.get(unit=unit)
    assert decision.suggestion_rank == 2 and decision.previous_code == ""
    with pytest.raises(ValueError):
        workspace.confirm(unit, "9z")


def test_confirming_teaches_the_cached_suggester_in_place():
    study = make_study()
    workspace.build_units(study)
    suggester = workspace.get_suggester(study)
    unit = MeaningUnit.objects.filter(study=study).first()
    workspace.confirm(unit, "5a")
    assert workspace.get_suggester(study) is suggester
    assert suggester.label_counts.get("5a") == 1


def test_synthesis_counts_distinct_leaders_and_names_the_quantifier():
    study = make_study(n_done=4, notes=NOTES + ["Hun har god tid."])
    workspace.build_units(study)
    leaders = list(Leader.objects.order_by("id"))
    # Two units of leader 0 and one of leader 1: 2 distinct leaders of 4 interviewed = "mange".
    for unit in MeaningUnit.objects.filter(leader__in=leaders[:1])[:2]:
        workspace.confirm(unit, "3b")
    workspace.confirm(MeaningUnit.objects.filter(leader=leaders[1]).first(), "3b")
    result = workspace.synthesis(study, "3b")
    assert result.leaders == 2 and result.interviewed == 4
    assert result.word == "mange" and result.phrase == "mange ledere (2 af 4)"
    assert len(result.units) == 3 and 1 <= len(result.statements) <= 3
    assert all(s.who.startswith("Leder ") for s in result.statements)
    assert workspace.synthesis(study, "1a").word == "ingen"


def test_the_same_words_from_several_leaders_are_quoted_once():
    same = "Der er for lidt tid til ledelse, siger [Leder A]."
    study = make_study(n_done=4, notes=[same, same.replace("[Leder A]", "[Leder B]"),
                                        "Der er FOR lidt tid til ledelse!! siger [Leder C]",
                                        "Kalenderen er fuld af driftsmøder hele ugen."])
    workspace.build_units(study)
    for unit in MeaningUnit.objects.filter(study=study):
        workspace.confirm(unit, "3b")
    result = workspace.synthesis(study, "3b")
    assert result.leaders == 4
    keys = [workspace.statement_key(s.text) for s in result.statements]
    assert len(keys) == len(set(keys)) == 2  # three wordings of one statement count once
    assert workspace.statement_key("Der er for lidt tid, siger [Leder A].") == "der er for lidt tid siger"


def test_the_most_representative_statement_comes_first_and_the_odd_one_last():
    notes = [
        "Der er for lidt tid til ledelse, fordi driften fylder kalenderen.",
        "Driften fylder kalenderen, så tiden til ledelse er for lidt.",
        "Tiden til ledelse forsvinder, når driften fylder hele kalenderen.",
        "Kantinen serverer fiskefrikadeller om fredagen.",
    ]
    study = make_study(n_done=4, notes=notes)
    workspace.build_units(study)
    for unit in MeaningUnit.objects.filter(study=study):
        workspace.confirm(unit, "3b")
    result = workspace.synthesis(study, "3b", statements=4)
    assert len(result.statements) == 4
    assert "Kantinen" in result.statements[-1].text
    assert result.statements[0].similarity > result.statements[-1].similarity


def test_statements_embed_the_coded_units_only(monkeypatch):
    """A report of a never-embedded study pays for its coded units, not for every unit."""
    study = make_study(n_done=3)
    workspace.build_units(study)
    first = MeaningUnit.objects.filter(study=study).order_by("id").first()
    workspace.confirm(first, "3b")
    seen: list[str] = []
    real = workspace._embedder

    class Recording:
        def __init__(self, inner):
            self.inner, self.needs_centring = inner, inner.needs_centring

        def fit(self, corpus):
            seen.extend(corpus)
            return self.inner.fit(corpus)

        def embed(self, texts, progress=None):
            seen.extend(texts)
            return self.inner.embed(texts, progress)

    monkeypatch.setattr(workspace, "_embedder", lambda texts: Recording(real(texts)))
    result = workspace.synthesis(study, "3b")
    assert [s.unit_id for s in result.statements] == [first.pk]
    assert seen and set(seen) == {first.text}


def test_open_answers_count_as_own_voices_beside_the_leader_share():
    study = make_study(n_done=1)
    closed = Round.objects.create(study=study, number=1, status=Round.Status.CLOSED)
    Response.objects.create(round=closed, submitted_at="2025-01-01T10:00Z", open_answers={"o": "Der er ikke tid."})
    workspace.build_units(study)
    for unit in MeaningUnit.objects.filter(study=study):
        workspace.confirm(unit, "3b")
    result = workspace.synthesis(study, "3b")
    assert result.leaders == 1 and result.answer_voices == 1 and result.word == "alle"


def test_matrix_counts_units_per_leader_and_subtheme_by_pseudonym():
    study = make_study()
    workspace.build_units(study)
    leaders = list(Leader.objects.order_by("id"))
    for unit in MeaningUnit.objects.filter(leader=leaders[0]):
        workspace.confirm(unit, "3b")
    workspace.confirm(MeaningUnit.objects.filter(leader=leaders[2]).first(), "5a")
    m = workspace.matrix(study)
    assert [name for name, _cells in m.rows] == ["Leder A", "Leder B", "Leder C"]
    col = m.codes.index("3b")
    n0 = MeaningUnit.objects.filter(leader=leaders[0]).count()
    assert m.rows[0][1][col] == n0 and m.rows[2][1][m.codes.index("5a")] == 1
    assert m.totals[col] == 1
    assert all("Nummer" not in name for name, _cells in m.rows)


def test_split_and_merge_keep_the_text_and_order():
    study = make_study(n_done=1, notes=["Der er ikke tid til ledelse. Chefen er aldrig til stede. Hun ønsker sparring."])
    workspace.build_units(study)
    unit = MeaningUnit.objects.get(study=study)
    new = workspace.split_unit(unit, 1)
    unit.refresh_from_db()
    assert unit.text == "Der er ikke tid til ledelse." and new.position == unit.position + 1
    with pytest.raises(ValueError):
        workspace.split_unit(unit, 1)
    workspace.confirm(unit, "3b")
    merged = workspace.merge_with_next(unit)
    assert MeaningUnit.objects.filter(study=study).count() == 1
    assert merged.text.startswith("Der er ikke tid") and merged.text.endswith("Hun ønsker sparring.")
    assert merged.code == ""


def test_the_warm_job_fits_the_suggester_so_the_first_page_finds_it_ready(monkeypatch):
    from ledelsesrum.jobs.models import Job
    from ledelsesrum.jobs.runner import run_inline

    study = make_study()
    workspace.build_units(study)
    workspace._suggesters.clear()
    fitted = []
    real_fit = workspace.Suggester.fit
    monkeypatch.setattr(workspace.Suggester, "fit", lambda self, **kw: fitted.append(1) or real_fit(self, **kw))
    job = run_inline(workspace.WARM_JOB, {"study_id": study.pk}, study_id=study.pk)
    assert job.status == Job.Status.DONE, job.error
    assert job.result == {"units": MeaningUnit.objects.filter(study=study).count()}
    assert fitted == [1]
    workspace.get_suggester(study)  # served from the warm process cache: no second fit
    assert fitted == [1]


def test_the_warm_job_fails_clearly_for_a_deleted_study():
    from ledelsesrum.jobs.models import Job
    from ledelsesrum.jobs.runner import run_inline

    job = run_inline(workspace.WARM_JOB, {"study_id": 987654})
    assert job.status == Job.Status.FAILED and "findes ikke" in job.error
