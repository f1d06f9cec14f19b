"""Building a questionnaire from the bank and the analyst's edits (pure functions, real database)."""

from __future__ import annotations

import pytest

from ledelsesrum.organisation.models import Leader
from ledelsesrum.studies.models import Round, Study
from ledelsesrum.surveys import builder
from ledelsesrum.surveys.bank import load_bank, load_instrument
from ledelsesrum.surveys.models import Question, Questionnaire, Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def study():
    return Study.objects.create(name="Vilkår for ledelse 2025")


def codes(section: Section) -> list[str]:
    return list(section.questions.order_by("position").values_list("code", flat=True))


def test_it_builds_all_scales_facts_first_and_open_questions_last(study):
    bank = load_bank()
    q = builder.create_questionnaire_from_bank(study)
    sections = list(q.sections.order_by("position"))
    assert 6 <= len(sections) <= 9
    assert [s.position for s in sections] == list(range(len(sections)))
    assert set(codes(sections[0])) == {f.code for f in bank.facts}
    assert codes(sections[-1]) == ["AABEN01", "AABEN02"]
    assert q.questions.count() == bank.scale_item_count() + len(bank.facts) + len(bank.open_questions)
    assert q.bank_version == bank.version
    assert str(study.anonymity_threshold) in q.privacy_statement


def test_questions_are_copied_from_the_bank_with_their_attributes(study):
    q = builder.create_questionnaire_from_bank(study)
    raad04 = q.questions.get(code="RAAD04")
    assert (raad04.kind, raad04.scale_code, raad04.subtheme, raad04.bank_code) == ("scale", "RAADERUM", "1d", "RAAD04")
    assert raad04.reverse_scored and raad04.allow_dont_know and raad04.response_scale == "grad5"
    assert [o["label"] for o in raad04.options][0] == "I meget høj grad"
    assert builder.answer_options(raad04)[-1] == (0, "Ved ikke / ikke relevant")
    assert q.questions.get(code="KRAE01").sensitive
    udd = q.questions.get(code="FAKTA_UDD")
    assert udd.kind == "choice" and {"key": "diplom", "label": "Diplomuddannelse i ledelse"} in udd.options
    assert q.questions.get(code="FAKTA_AAR").kind == "number"
    # Items keep the bank's order within their scale.
    assert list(q.questions.filter(scale_code="RAADERUM").order_by("position").values_list("code", flat=True)) == [
        "RAAD01", "RAAD02", "RAAD03", "RAAD04", "RAAD05"]


def test_area_and_level_choices_are_filled_from_the_leader_register(study):
    Leader.objects.create(name="A", email="a@x.dk", area="Ældre", level="Afdelingsleder")
    Leader.objects.create(name="B", email="b@x.dk", area="Børn og unge", level="Afdelingsleder")
    q = builder.create_questionnaire_from_bank(study)
    area = q.questions.get(code="FAKTA_OMR")
    assert area.kind == "choice"
    assert [o["key"] for o in area.options] == ["Børn og unge", "Ældre"]
    assert [o["key"] for o in q.questions.get(code="FAKTA_NIV").options] == ["Afdelingsleder"]


def test_without_a_register_the_area_becomes_a_free_answer(study):
    q = builder.create_questionnaire_from_bank(study)
    assert q.questions.get(code="FAKTA_OMR").kind == "open"


def test_chosen_scales_only_and_empty_pages_are_left_out(study):
    q = builder.create_questionnaire_from_bank(study, scale_codes=["RAADERUM", "TID"])
    titles = list(q.sections.order_by("position").values_list("title", flat=True))
    assert titles == ["Om dig som leder", "Ledelsesrum, tid og organisering", "Med dine egne ord"]
    assert set(q.questions.filter(kind="scale").values_list("scale_code", flat=True)) == {"RAADERUM", "TID"}


def test_an_unknown_scale_code_is_refused(study):
    with pytest.raises(builder.BuilderError, match="Ukendte skalaer: NOPE"):
        builder.create_questionnaire_from_bank(study, scale_codes=["NOPE"])
    assert not Questionnaire.objects.filter(study=study).exists()


def test_creating_twice_is_refused_and_changes_nothing(study):
    q = builder.create_questionnaire_from_bank(study)
    count = q.questions.count()
    with pytest.raises(builder.BuilderError, match="allerede et spørgeskema"):
        builder.create_questionnaire_from_bank(study)
    assert Questionnaire.objects.filter(study=study).count() == 1
    assert Question.objects.filter(questionnaire=q).count() == count


def test_editing_is_refused_once_the_main_round_collects_or_is_closed(study):
    q = builder.create_questionnaire_from_bank(study, scale_codes=["TID"])
    question = q.questions.get(code="TID01")
    rnd = Round.objects.create(study=study, kind=Round.Kind.MAIN, status=Round.Status.COLLECTING)
    for attempt in (
        lambda: builder.update_question(question, text="Ny tekst"),
        lambda: builder.remove_question(question),
        lambda: builder.move_question(question, "down"),
        lambda: builder.add_bank_scale(q, "RAADERUM"),
        lambda: builder.add_custom_question(q, question.section, kind="open", text="Hvad?"),
        lambda: builder.add_section(q, "Ny"),
    ):
        with pytest.raises(builder.BuilderError, match="kan ikke længere ændres"):
            attempt()
    rnd.status = Round.Status.CLOSED
    rnd.save()
    with pytest.raises(builder.BuilderError):
        builder.update_question(question, text="Ny tekst")
    question.refresh_from_db()
    assert question.text.startswith("Har du tid nok")
    assert q.questions.filter(code="TID01").exists()


def test_editing_is_allowed_after_a_pilot_round(study):
    q = builder.create_questionnaire_from_bank(study, scale_codes=["TID"])
    Round.objects.create(study=study, kind=Round.Kind.PILOT, status=Round.Status.CLOSED)
    Round.objects.create(study=study, kind=Round.Kind.MAIN, status=Round.Status.DRAFT)
    question = builder.update_question(q.questions.get(code="TID01"), text="Har du tid til ledelse?", help_text="Tænk på den seneste måned.")
    question.refresh_from_db()
    assert question.text == "Har du tid til ledelse?" and question.help_text == "Tænk på den seneste måned."


def test_moving_a_question_up_and_down_within_and_across_pages(study):
    q = builder.create_questionnaire_from_bank(study, scale_codes=["RAADERUM", "TID", "ORGANISERING"])
    page = q.questions.get(code="RAAD01").section
    assert codes(page)[:3] == ["RAAD01", "RAAD02", "RAAD03"]
    assert builder.move_question(q.questions.get(code="RAAD02"), "up")
    assert codes(page)[:3] == ["RAAD02", "RAAD01", "RAAD03"]
    builder.move_question(q.questions.get(code="RAAD02"), "down")
    assert codes(page)[:3] == ["RAAD01", "RAAD02", "RAAD03"]
    # The first question of a page moves up to the end of the previous page.
    facts = q.sections.get(position=0)
    builder.move_question(q.questions.get(code="RAAD01"), "up")
    assert codes(facts)[-1] == "RAAD01"
    assert codes(page)[0] == "RAAD02"
    assert [qq.position for qq in page.questions.order_by("position")] == list(range(page.questions.count()))
    # The very first question cannot move further up.
    assert builder.move_question(q.questions.get(code=codes(facts)[0]), "up") is False


def test_moving_a_question_to_another_page_and_removing_one(study):
    q = builder.create_questionnaire_from_bank(study, scale_codes=["TID"])
    last = q.sections.order_by("-position").first()
    builder.move_question_to_section(q.questions.get(code="TID02"), last)
    assert codes(last) == ["AABEN01", "AABEN02", "TID02"]
    builder.remove_question(q.questions.get(code="AABEN01"))
    assert codes(last) == ["AABEN02", "TID02"]
    assert list(last.questions.order_by("position").values_list("position", flat=True)) == [0, 1]


def test_custom_questions_get_unique_generated_codes(study):
    q = builder.create_questionnaire_from_bank(study, scale_codes=["TID"])
    page = q.sections.get(position=1)
    a = builder.add_custom_question(q, page, kind="scale", text="Har du en fast mødedag?", reverse=False)
    b = builder.add_custom_question(q, page, kind="choice", text="Hvor sidder du?", options=["Rådhuset", "Decentralt", "Rådhuset"])
    c = builder.add_custom_question(q, page, kind="number", text="Hvor mange møder har du om ugen?")
    assert (a.code, b.code, c.code) == ("EGEN01", "EGEN02", "EGEN03")
    assert b.options == [{"key": "1", "label": "Rådhuset"}, {"key": "2", "label": "Decentralt"}]
    assert a.response_scale == "grad5" and a.bank_code == "" and len(a.options) == 5
    builder.remove_question(b)
    assert builder.add_custom_question(q, page, kind="open", text="Andet?").code == "EGEN04"
    assert codes(page)[-3:] == ["EGEN01", "EGEN03", "EGEN04"]


def test_a_custom_choice_needs_two_options_and_a_text(study):
    q = builder.create_questionnaire_from_bank(study, scale_codes=["TID"])
    page = q.sections.first()
    with pytest.raises(builder.BuilderError, match="mindst to"):
        builder.add_custom_question(q, page, kind="choice", text="Hvilken?", options=["Kun én"])
    with pytest.raises(builder.BuilderError, match="tekst"):
        builder.add_custom_question(q, page, kind="open", text="  ")
    assert not q.questions.filter(code__startswith="EGEN").exists()


def test_adding_a_bank_scale_makes_a_page_before_the_open_questions(study):
    q = builder.create_questionnaire_from_bank(study, scale_codes=["TID"])
    added = builder.add_bank_scale(q, "FRIVILLIGE")
    assert [a.code for a in added] == ["FRIV01", "FRIV02", "FRIV03"]
    titles = list(q.sections.order_by("position").values_list("title", flat=True))
    assert titles[-2:] == ["Inddragelse af frivillige", "Med dine egne ord"]
    with pytest.raises(builder.BuilderError, match="allerede med"):
        builder.add_bank_scale(q, "FRIVILLIGE")


def test_adding_one_bank_item_to_a_page(study):
    q = builder.create_questionnaire_from_bank(study, scale_codes=["TID"])
    page = q.sections.get(position=1)
    question = builder.add_bank_item(q, "RAAD02", page)
    assert (question.scale_code, question.subtheme, question.section_id) == ("RAADERUM", "1d", page.pk)
    assert codes(page)[-1] == "RAAD02"
    with pytest.raises(builder.BuilderError, match="allerede med"):
        builder.add_bank_item(q, "RAAD02", page)


def test_sections_are_added_renamed_reordered_and_removed_when_empty(study):
    q = builder.create_questionnaire_from_bank(study, scale_codes=["TID"])
    new = builder.add_section(q, "Ekstra")
    assert new.position == q.sections.count() - 1
    builder.rename_section(new, title="Ekstra spørgsmål", intro="Til sidst lidt mere.")
    assert builder.move_section(new, "up")
    order = list(q.sections.order_by("position").values_list("title", flat=True))
    assert order[-2:] == ["Ekstra spørgsmål", "Med dine egne ord"]
    builder.remove_section(new)
    assert not Section.objects.filter(pk=new.pk).exists()
    with pytest.raises(builder.BuilderError, match="stadig spørgsmål"):
        builder.remove_section(q.sections.first())
    assert list(q.sections.order_by("position").values_list("position", flat=True)) == list(range(q.sections.count()))


def test_the_duration_estimate_counts_seven_seconds_per_item_and_a_minute_per_open_question(study):
    q = builder.create_questionnaire_from_bank(study, scale_codes=["TID"])
    questions = list(q.questions.all())
    closed = sum(1 for x in questions if x.kind != "open")
    opened = sum(1 for x in questions if x.kind == "open")
    assert builder.estimate_seconds(questions) == closed * 7 + opened * 60
    full = builder.create_questionnaire_from_bank(Study.objects.create(name="Fuld"))
    assert 10 <= builder.estimate_minutes(full.questions.all()) <= 15


def test_an_instrument_builds_a_questionnaire_or_is_added_to_one(study):
    instrument = load_instrument(b"""
version: "1.2"
title: Licensinstrument
scales:
  - code: LIC
    title: Licensskala
    subtheme: 4b
    items:
      - {code: LIC1, text: "Udsagn et"}
      - {code: LIC2, text: "Udsagn to"}
""")
    q = builder.import_instrument(study, instrument)
    assert list(q.questions.values_list("code", flat=True)) == ["LIC1", "LIC2"]
    assert q.bank_version == "1.2"
    other = Study.objects.create(name="Med bank")
    q2 = builder.create_questionnaire_from_bank(other, scale_codes=["TID"])
    builder.import_instrument(other, instrument)
    assert list(q2.sections.order_by("position").values_list("title", flat=True))[-2:] == ["Licensskala", "Med dine egne ord"]
    with pytest.raises(builder.BuilderError, match="LIC1"):
        builder.import_instrument(other, instrument)


def test_the_estimate_shown_before_building_matches_the_built_questionnaire(study):
    before = builder.estimate_bank_minutes(study)
    q = builder.create_questionnaire_from_bank(study)
    assert before == builder.estimate_minutes(q.questions.all())
    assert f"omkring {before} minutter" in q.intro
