"""Response import: answers collected elsewhere go into a round, validated, all or nothing."""

from __future__ import annotations

import pytest

from ledelsesrum.lib.tabular import read_table
from ledelsesrum.organisation.models import Leader, Unit
from ledelsesrum.studies.models import Round, Study
from ledelsesrum.surveys.importer import (
    ResponseImportFailed,
    RoundNotFound,
    import_responses,
    plan_response_import,
    resolve_round,
)
from ledelsesrum.surveys.models import Invitation, Question, Questionnaire, Response, Section

GRAD5 = ["I meget høj grad", "I høj grad", "I nogen grad", "I mindre grad", "Slet ikke"]


def make_study_with_round(status: str = Round.Status.COLLECTING) -> tuple[Study, Round]:
    """A study with six questions, a collecting main round, and leaders:
    Mette and Jens invited (frozen segments), Åse in the population but not invited,
    Ole inactive (outside the population)."""
    study = Study.objects.create(name="Lederundersøgelse 2026")
    q = Questionnaire.objects.create(study=study, title="Spørgeskema")
    section = Section.objects.create(questionnaire=q, title="Ledelsesrum", position=0)
    options = [{"key": i + 1, "label": label} for i, label in enumerate(GRAD5)]
    for pos, code in enumerate(("RAAD01", "RAAD02")):
        Question.objects.create(questionnaire=q, section=section, code=code, kind=Question.Kind.SCALE,
                                response_scale="grad5", options=options, text=f"Udsagn {code}",
                                scale_code="RAAD", position=pos)
    Question.objects.create(questionnaire=q, section=section, code="TRIV01", kind=Question.Kind.SCALE,
                            response_scale="grad5", options=options, text="Uden ved ikke",
                            allow_dont_know=False, position=2)
    Question.objects.create(questionnaire=q, section=section, code="F_UDD", kind=Question.Kind.CHOICE,
                            text="Uddannelse", position=3,
                            options=[{"key": "diplom", "label": "Diplomuddannelse i ledelse"},
                                     {"key": "master", "label": "Master i ledelse"}])
    Question.objects.create(questionnaire=q, section=section, code="F_AAR", kind=Question.Kind.NUMBER,
                            text="År som leder", position=4)
    Question.objects.create(questionnaire=q, section=section, code="AABEN1", kind=Question.Kind.OPEN,
                            text="Hvad optager dig?", position=5)
    round = Round.objects.create(study=study, number=1, status=status)
    root = Unit.objects.create(name="Børn og Unge", kind="forvaltning")
    area = Unit.objects.create(name="Dagtilbud Nord", kind="omraade", parent=root)
    solsikken = Unit.objects.create(name="Børnehuset Solsikken", parent=area)
    mette = Leader.objects.create(name="Mette", email="mette@kommune.dk", unit=solsikken, area="Dagtilbud",
                                  level="Førstelinjeleder", years_as_leader=4, span_of_control=14)
    jens = Leader.objects.create(name="Jens", email="jens@kommune.dk", unit=area, area="Dagtilbud",
                                 level="Mellemleder", years_as_leader=12, span_of_control=6)
    Leader.objects.create(name="Åse", email="aase@kommune.dk", unit=solsikken, area="Skole",
                          level="Førstelinjeleder", years_as_leader=1, span_of_control=30,
                          leadership_education="master")
    Leader.objects.create(name="Ole", email="ole@kommune.dk", active=False)
    for leader, band in ((mette, "3-5 år"), (jens, "over 10 år")):
        # Frozen at launch: Mette's area on the invitation differs from her current one.
        Invitation.objects.create(round=round, leader=leader, token=f"tok-{leader.pk}-xxxxxxxxxxxxxxxx",
                                  unit=leader.unit, area="Dagtilbud (ved start)", level=leader.level,
                                  seniority_band=band, span_band="11-25", education="diplom")
    return study, round


def csv(*rows: str, header: str = "email;RAAD01;RAAD02;F_UDD;F_AAR;AABEN1") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def failure(data: bytes, round: Round):
    with pytest.raises(ResponseImportFailed) as info:
        import_responses(data, round, "svar.csv")
    return info.value.plan


@pytest.mark.django_db
def test_a_row_with_an_email_takes_the_segment_frozen_on_the_invitation():
    _study, round = make_study_with_round()
    plan = import_responses(csv("Mette@Kommune.dk;1;I høj grad;Master i ledelse;4;Tiden"), round)
    assert plan.counts["create"] == 1 and plan.counts["linked"] == 1
    response = Response.objects.get()
    invitation = Invitation.objects.get(leader__email="mette@kommune.dk")
    assert response.invitation == invitation
    assert response.source == Response.Source.IMPORT and response.submitted_at is not None
    assert response.answers == {"RAAD01": 1, "RAAD02": 2, "F_UDD": "master", "F_AAR": 4}
    assert response.open_answers == {"AABEN1": "Tiden"}
    assert (response.area, response.seniority_band, response.span_band, response.education) == (
        "Dagtilbud (ved start)", "3-5 år", "11-25", "diplom")
    assert invitation.submitted_at is not None


@pytest.mark.django_db
def test_a_leader_in_the_population_without_invitation_gets_one_frozen_now():
    _study, round = make_study_with_round()
    import_responses(csv("aase@kommune.dk;3;;;;"), round)
    invitation = Invitation.objects.get(leader__email="aase@kommune.dk")
    assert invitation.token is None and invitation.submitted_at is not None
    response = Response.objects.get()
    assert response.invitation == invitation
    assert (response.area, response.seniority_band, response.span_band, response.education) == (
        "Skole", "0-2 år", "26-50", "master")
    assert response.unit.name == "Børnehuset Solsikken"


@pytest.mark.django_db
def test_a_second_import_of_the_same_email_replaces_the_answer():
    _study, round = make_study_with_round()
    import_responses(csv("mette@kommune.dk;1;1;;;Første"), round)
    plan = import_responses(csv("mette@kommune.dk;5;0;;;Anden"), round)
    assert plan.counts["replace"] == 1
    response = Response.objects.get()
    assert response.answers == {"RAAD01": 5, "RAAD02": 0}
    assert response.open_answers == {"AABEN1": "Anden"}


@pytest.mark.django_db
def test_rows_without_email_use_explicit_segment_columns_and_an_id_replaces():
    _study, round = make_study_with_round()
    header = "id;enhed;område;ledelsesniveau;år som leder;ledelsesspænd;lederuddannelse;RAAD01"
    row = "P-17;Børn og Unge > Dagtilbud Nord;Dagtilbud;Mellemleder;7;over 50;diplom;Slet ikke"
    import_responses(csv(row, header=header), round)
    import_responses(csv(row.replace("Slet ikke", "i meget høj grad"), header=header), round)
    response = Response.objects.get()
    assert response.invitation is None and response.external_id == "P-17"
    assert response.unit.name == "Dagtilbud Nord"
    assert (response.area, response.level, response.seniority_band, response.span_band, response.education) == (
        "Dagtilbud", "Mellemleder", "6-10 år", "over 50", "diplom")
    assert response.answers == {"RAAD01": 1}


@pytest.mark.django_db
def test_anonymous_rows_without_id_are_each_a_new_response():
    _study, round = make_study_with_round()
    data = csv("Dagtilbud;2", "Skole;ved ikke", header="område;RAAD01")
    assert import_responses(data, round).counts["create"] == 2
    assert sorted(Response.objects.values_list("area", flat=True)) == ["Dagtilbud", "Skole"]
    assert Response.objects.get(area="Skole").answers == {"RAAD01": 0}


@pytest.mark.django_db
def test_unknown_question_codes_are_listed():
    _study, round = make_study_with_round()
    plan = failure(csv("mette@kommune.dk;1;2", header="email;RAAD01;XYZ9;Hvad nu"), round)
    assert plan.file_errors[0].startswith("Ukendte spørgsmålskoder i overskriften: XYZ9, Hvad nu.")
    assert "AABEN1, F_AAR, F_UDD, RAAD01, RAAD02, TRIV01" in plan.file_errors[0]
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_values_out_of_range_and_unknown_labels_are_row_errors():
    _study, round = make_study_with_round()
    header = "email;RAAD01;RAAD02;TRIV01;F_UDD;F_AAR"
    data = csv(
        "mette@kommune.dk;7;Måske;;;",
        "jens@kommune.dk;1;2;Ved ikke;ph.d.;mange",
        "ukendt@kommune.dk;1;;;;",
        "ole@kommune.dk;1;;;;",
        "aase@kommune.dk;;;;;",
        header=header,
    )
    plan = failure(data, round)
    assert [str(e) for e in plan.row_errors] == [
        "Række 2: RAAD01: 7 ligger uden for 1–5 (0 = ved ikke); RAAD02: 'Måske' er ikke et gyldigt "
        "svar; brug 1–5, 0 eller 'Ved ikke', eller svarskalaens tekster",
        "Række 3: TRIV01: spørgsmålet tillader ikke 'Ved ikke'; F_UDD: 'ph.d.' er ikke en af "
        "svarmulighederne ('Diplomuddannelse i ledelse', 'Master i ledelse'); F_AAR: 'mange' er ikke et tal",
        "Række 4: e-mailen ukendt@kommune.dk findes ikke blandt organisationens ledere",
        "Række 5: lederen med e-mailen ole@kommune.dk er ikke med i denne runde",
        "Række 6: rækken har ingen svar",
    ]
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_one_bad_row_means_nothing_is_imported():
    _study, round = make_study_with_round()
    plan = failure(csv("mette@kommune.dk;1;1;;;", "jens@kommune.dk;1;9;;;"), round)
    assert [e.row for e in plan.row_errors] == [3]
    assert not Response.objects.exists()
    assert not Invitation.objects.filter(submitted_at__isnull=False).exists()


@pytest.mark.django_db
def test_duplicate_emails_in_the_file_name_both_rows():
    _study, round = make_study_with_round()
    plan = failure(csv("mette@kommune.dk;1;;;;", "METTE@kommune.dk;2;;;;"), round)
    assert [str(e) for e in plan.row_errors] == [
        "Række 2: e-mailen mette@kommune.dk står også i række 3",
        "Række 3: e-mailen mette@kommune.dk står også i række 2",
    ]


@pytest.mark.django_db
def test_an_online_answer_is_not_overwritten_by_an_import():
    _study, round = make_study_with_round()
    invitation = Invitation.objects.get(leader__email="mette@kommune.dk")
    Response.objects.create(round=round, invitation=invitation, answers={"RAAD01": 2},
                            submitted_at=invitation.round.study.created_at)
    plan = failure(csv("mette@kommune.dk;5;;;;"), round)
    assert "allerede besvaret skemaet online" in str(plan.row_errors[0])
    assert Response.objects.get().answers == {"RAAD01": 2}


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "words"), [(Round.Status.CLOSED, "afsluttet"), (Round.Status.DRAFT, "ikke startet")])
def test_a_closed_or_unstarted_round_refuses_imports(status, words):
    _study, round = make_study_with_round(status=status)
    plan = failure(csv("mette@kommune.dk;1;;;;"), round)
    assert words in plan.file_errors[0]
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_scale_values_accept_numbers_labels_and_dont_know():
    _study, round = make_study_with_round()
    table = read_table(csv(
        "mette@kommune.dk;1 - I meget høj grad;  slet IKKE ;;;",
        "jens@kommune.dk;0;Ved ikke / ikke relevant;;;",
        "aase@kommune.dk;3,0;;;;",
    ), "svar.csv")
    plan = plan_response_import(table, round)
    assert plan.ok, plan.report_lines()
    assert [r.answers for r in plan.rows] == [
        {"RAAD01": 1, "RAAD02": 5}, {"RAAD01": 0, "RAAD02": 0}, {"RAAD01": 3},
    ]


@pytest.mark.django_db
def test_cp1252_response_file_keeps_danish_letters_in_open_answers():
    _study, round = make_study_with_round()
    data = "email;RAAD02;AABEN1\nmette@kommune.dk;I høj grad;Ønsker mere tid til ære og ånd\n".encode("cp1252")
    import_responses(data, round, "svar.csv")
    response = Response.objects.get()
    assert response.answers == {"RAAD02": 2}
    assert response.open_answers == {"AABEN1": "Ønsker mere tid til ære og ånd"}


@pytest.mark.django_db
def test_xlsx_response_file_is_imported():
    from ledelsesrum.organisation.tests.helpers import xlsx_bytes

    _study, round = make_study_with_round()
    data = xlsx_bytes([["E-mail", "RAAD01", "F_AAR"], ["jens@kommune.dk", 2, 12.0]])
    import_responses(data, round, "svar.xlsx")
    assert Response.objects.get().answers == {"RAAD01": 2, "F_AAR": 12}


@pytest.mark.django_db
def test_a_header_only_file_is_refused():
    _study, round = make_study_with_round()
    plan = failure(b"email;RAAD01\n", round)
    assert "kun en overskriftsrække" in plan.file_errors[0]


@pytest.mark.django_db
def test_resolve_round_finds_the_latest_main_round_or_explains():
    study, round = make_study_with_round()
    assert resolve_round(study) == round
    with pytest.raises(RoundNotFound, match="ingen runde 4"):
        resolve_round(study, 4)
