"""The demo's interviews: a register, pseudonymised Danish summaries and mostly coded units."""

import os
import random
from collections import Counter

import pytest

from ledelsesrum.coding import workspace
from ledelsesrum.coding.codebook import load_codebook
from ledelsesrum.coding.models import MeaningUnit
from ledelsesrum.demo import build, interview_texts
from ledelsesrum.demo.interviews import (
    Statement,
    classical_embedder,
    generate_summary,
    plan_voices,
    true_subtheme,
)
from ledelsesrum.interviews.models import GuideQuestion, Interview, InterviewNote, PseudonymKey
from ledelsesrum.organisation.models import Leader
from ledelsesrum.studies.models import Study

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(seed_7_demo):
    """What ``build.build_demo(seed=7, size=25)`` returns and leaves (demo/tests/conftest.py)."""
    return seed_7_demo, Study.objects.get(pk=seed_7_demo.study_id)


def test_the_demo_has_a_guide_and_interviews_across_statuses_held_by_the_analyst(demo):
    result, study = demo

    statuses = Counter(Interview.objects.filter(study=study).values_list("status", flat=True))
    assert statuses[Interview.Status.DONE] >= 10
    assert statuses[Interview.Status.PLANNED] >= 1 and statuses[Interview.Status.CANCELLED] >= 1
    assert result.interviews == sum(statuses.values()) and result.interviews_done == statuses["done"]
    assert set(Interview.objects.filter(study=study).values_list("interviewer__username", flat=True)) == {
        "analytiker"
    }
    questions = GuideQuestion.objects.filter(guide__study=study)
    assert 5 <= questions.count() <= 6
    assert {t for q in questions for t in q.themes} == {"1", "2", "3", "4", "5", "6"}
    # Only held interviews have notes, one per theme, spread over all six themes.
    notes = InterviewNote.objects.filter(interview__study=study)
    assert set(notes.values_list("interview__status", flat=True)) == {Interview.Status.DONE}
    assert set(notes.values_list("theme_id", flat=True)) == {"1", "2", "3", "4", "5", "6"}


def test_notes_are_pseudonymised_so_no_leader_is_named_in_them(demo):
    _result, study = demo

    texts = list(InterviewNote.objects.filter(interview__study=study).values_list("text", flat=True))
    joined = "\n".join(texts)
    assert all(name not in joined for name in Leader.objects.values_list("name", flat=True))
    assert "[Leder " in joined
    assert PseudonymKey.objects.filter(study=study, kind=PseudonymKey.Kind.NAME).exists()
    # Danish summaries in the interviewer's voice.
    assert "Lederen" in joined and "Der efterspørges" in joined


def test_most_note_units_are_coded_and_every_theme_has_coded_units(demo):
    result, study = demo

    units = MeaningUnit.objects.filter(study=study, interview_note__isnull=False)
    coded = units.exclude(code="")
    share = coded.count() / units.count()
    assert 0.75 <= share <= 0.93
    assert result.note_units == units.count() and result.coded_units == coded.count()
    codebook = load_codebook("default")
    themes = {codebook.theme_of(code).id for code in coded.values_list("code", flat=True)}
    assert themes == {"1", "2", "3", "4", "5", "6"}
    assert all(u.condensed and u.coded_by.username == "analytiker" for u in coded[:50])
    # Uncoded units are left for the suggestion page.
    assert units.filter(code="").exists()


def test_the_synthesis_speaks_of_few_and_of_many_leaders(demo, monkeypatch):
    _result, study = demo
    monkeypatch.setenv(workspace.EMBEDDER_ENV, "char")  # representative statements, fast

    words = {s.word for s in workspace.overview(study)}
    assert len(words - {"ingen"}) >= 2
    assert "få" in words or "nogle" in words
    assert "langt de fleste" in words or "alle" in words or "mange" in words
    one = workspace.synthesis(study, "3b")
    assert one.leaders >= 1 and one.statements


def test_the_build_uses_the_classical_embedder_and_restores_the_setting_after(monkeypatch):
    monkeypatch.setenv(workspace.EMBEDDER_ENV, "e5")
    with classical_embedder():
        assert os.environ[workspace.EMBEDDER_ENV] == "char"
    assert os.environ[workspace.EMBEDDER_ENV] == "e5"
    monkeypatch.delenv(workspace.EMBEDDER_ENV)
    with classical_embedder():
        assert os.environ[workspace.EMBEDDER_ENV] == "char"
    assert workspace.EMBEDDER_ENV not in os.environ

    monkeypatch.setenv(workspace.EMBEDDER_ENV, "e5")
    result = build.build_demo(seed=3, size=10)

    assert result.coded_units > 0
    assert os.environ[workspace.EMBEDDER_ENV] == "e5"


def test_a_second_build_reuses_the_interviews_and_codes(demo):
    first, study = demo
    before = (
        Interview.objects.filter(study=study).count(),
        InterviewNote.objects.count(),
        MeaningUnit.objects.filter(study=study).count(),
        MeaningUnit.objects.filter(study=study).exclude(code="").count(),
    )

    second = build.build_demo(seed=7, size=25)

    assert not second.created and second.study_id == first.study_id
    assert before == (
        Interview.objects.filter(study=study).count(),
        InterviewNote.objects.count(),
        MeaningUnit.objects.filter(study=study).count(),
        MeaningUnit.objects.filter(study=study).exclude(code="").count(),
    )
    assert second.coded_units == first.coded_units


def test_a_demo_built_without_interviews_gets_them_on_the_next_build():
    first = build.build_demo(seed=2, size=12, with_interviews=False)
    study = Study.objects.get(pk=first.study_id)
    assert first.interviews == 0 and not Interview.objects.filter(study=study).exists()

    second = build.build_demo(seed=2, size=12)

    assert second.study_id == first.study_id and second.interviews > 0
    assert InterviewNote.objects.filter(interview__study=study).exists()
    assert MeaningUnit.objects.filter(study=study).exclude(code="").exists()


def test_every_subtheme_has_enough_written_fragments():
    codebook = load_codebook("default")
    assert set(interview_texts.FRAGMENTS) == set(codebook.code_ids)
    assert all(len(fragments) >= 6 for fragments in interview_texts.FRAGMENTS.values())
    assert set(interview_texts.PREVALENCE) == set(codebook.code_ids)


def test_summaries_are_deterministic_and_hold_two_to_five_statements_per_theme():
    codebook = load_codebook("default")

    def make(seed):
        rng = random.Random(seed)
        return [
            generate_summary(rng, codebook, voiced, first_name="Mette", area="Skole",
                             chef="Jens Holm", colleagues=["Pia"])
            for voiced in plan_voices(rng, codebook, 30)
        ]

    summaries = make(5)
    assert [s.paragraphs for s in summaries] == [s.paragraphs for s in make(5)]
    for summary in summaries:
        assert len(summary.paragraphs) >= 3
        assert all(2 <= len(stmts) <= 5 for stmts in summary.paragraphs.values())
        for stmts in summary.paragraphs.values():
            assert "{" not in " ".join(s.text for s in stmts)
    voiced = Counter(code for s in summaries for code in s.subthemes)
    assert set(voiced) == set(codebook.code_ids)
    assert voiced["3b"] > 3 * voiced["6a"]
    text = " ".join(s.text for s in summaries[0].paragraphs[next(iter(summaries[0].paragraphs))])
    assert " hun " in f" {text} " or "Hun " in text or "Lederen" in text or "Der " in text


def test_a_unit_gets_the_subtheme_of_most_of_its_text_even_after_pseudonymisation():
    statements = [
        Statement("Hun fortæller, at Jens Holm altid er til at få fat på.", "1b"),
        Statement("Lederen oplever, at aftenerne bliver brugt på mails og indberetninger, "
                  "og at ugen er alt for lang.", "3b"),
    ]
    unit = ("Hun fortæller, at [Leder A] altid er til at få fat på. Lederen oplever, at aftenerne "
            "bliver brugt på mails og indberetninger, og at ugen er alt for lang.")

    assert true_subtheme(unit, statements) == "3b"
    assert true_subtheme("Hun fortæller, at [Leder A] altid er til at få fat på.", statements) == "1b"
    assert true_subtheme("Noget helt andet om vejret.", statements) == ""
