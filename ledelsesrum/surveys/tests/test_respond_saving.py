"""answering.save_section / submit / start_response: merge, idempotence, races, bad values."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection

from ledelsesrum.studies.models import Round
from ledelsesrum.surveys import answering
from ledelsesrum.surveys.models import Invitation, Response

from .factories import make_invitation, survey


@pytest.mark.django_db
def test_saving_a_page_merges_into_answers_of_other_pages():
    round, invitation = survey()
    response = answering.start_response(invitation)
    answering.save_section(response, 0, {"F_AAR": 7, "F_UDD": "diplom"}, move_to=1)
    answering.save_section(response, 1, {"S1_1": 2, "S1_2": 0, "S1_3": None}, move_to=2)
    answering.save_section(response, 3, {"AABEN1": "Tid til ledelse."}, move_to=3)

    response.refresh_from_db()
    assert response.answers == {"F_AAR": 7, "F_UDD": "diplom", "S1_1": 2, "S1_2": 0}
    assert response.open_answers == {"AABEN1": "Tid til ledelse."}
    assert response.current_section == 3
    assert response.version == 3


@pytest.mark.django_db
def test_saving_the_same_page_twice_gives_the_same_answers():
    round, invitation = survey()
    response = answering.start_response(invitation)
    answering.save_section(response, 1, {"S1_1": 4})
    answering.save_section(response, 1, {"S1_1": 4})

    response.refresh_from_db()
    assert response.answers == {"S1_1": 4}
    assert response.version == 2
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_a_cleared_answer_is_removed_and_other_pages_stay():
    round, invitation = survey()
    response = answering.start_response(invitation)
    answering.save_section(response, 0, {"F_AAR": 3})
    answering.save_section(response, 1, {"S1_1": 1})
    answering.save_section(response, 1, {"S1_1": None})

    response.refresh_from_db()
    assert response.answers == {"F_AAR": 3}


@pytest.mark.django_db
def test_a_forged_code_from_another_page_is_ignored():
    round, invitation = survey()
    response = answering.start_response(invitation)
    answering.save_section(response, 0, {"F_AAR": 3})
    answering.save_section(response, 1, {"S1_1": 1, "F_AAR": 55, "nonsense": 9})

    response.refresh_from_db()
    assert response.answers == {"F_AAR": 3, "S1_1": 1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page,code,value",
    [
        (1, "S1_1", 6), (1, "S1_1", -1), (1, "S1_1", "3"), (1, "S1_1", True),
        (0, "F_UDD", "phd"), (0, "F_AAR", 61), (0, "F_AAR", -1), (0, "F_AAR", 2.5),
        (3, "AABEN1", "x" * 5001),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_stored(page, code, value):
    round, invitation = survey()
    response = answering.start_response(invitation)
    with pytest.raises(ValueError):
        answering.save_section(response, page, {code: value})

    response.refresh_from_db()
    assert response.answers == {} and response.open_answers == {}
    assert response.version == 0


@pytest.mark.django_db
def test_clean_page_keeps_valid_fields_and_reports_invalid_ones_in_danish():
    round, invitation = survey()
    pages = answering.pages_of(round.study.questionnaire)
    data = {"q-F_AAR": "syv", "q-F_UDD": "diplom"}
    result = answering.clean_page(pages[0].page_questions, data)

    assert result.cleaned == {"F_UDD": "diplom"}
    assert result.errors == {"F_AAR": "Skriv et helt tal mellem 0 og 60."}
    assert result.raw["F_AAR"] == "syv"


@pytest.mark.django_db
def test_clean_page_limits_values_to_the_scale_options_and_text_length():
    round, invitation = survey()
    pages = answering.pages_of(round.study.questionnaire)
    scale = answering.clean_page(pages[1].page_questions, {"q-S1_1": "0", "q-S1_2": "5", "q-S1_3": "9"})
    assert scale.cleaned == {"S1_1": 0, "S1_2": 5}
    assert set(scale.errors) == {"S1_3"}

    text = answering.clean_page(pages[3].page_questions, {"q-AABEN1": "æ" * 5001})
    assert "højst 5000 tegn" in text.errors["AABEN1"]
    ok = answering.clean_page(pages[3].page_questions, {"q-AABEN1": "  æ\r\nø  "})
    assert ok.cleaned == {"AABEN1": "æ\nø"}


@pytest.mark.django_db
def test_dont_know_is_refused_where_the_question_does_not_allow_it():
    round, invitation = survey()
    question = round.study.questionnaire.questions.get(code="S1_1")
    question.allow_dont_know = False
    question.save()
    response = answering.start_response(invitation)
    with pytest.raises(ValueError):
        answering.save_section(response, 1, {"S1_1": 0})
    assert answering.clean_page([question], {"q-S1_1": "0"}).errors


@pytest.mark.django_db
def test_a_number_question_about_span_of_control_allows_up_to_2000():
    round, invitation = survey()
    question = round.study.questionnaire.questions.get(code="F_AAR")
    question.options = []
    question.code = "F_SPAEND"
    question.text = "Hvor mange medarbejdere har du ledelsesansvar for?"
    assert answering.number_bounds(question) == (0, 2000)
    question.text = "Hvor mange år har du været leder?"
    question.code = "F_X"
    assert answering.number_bounds(question) == (0, 60)


@pytest.mark.django_db
def test_the_response_copies_the_segments_frozen_on_the_invitation():
    round, invitation = survey()
    response = answering.start_response(invitation)

    assert response.round_id == round.pk
    assert (response.unit_id, response.area, response.level) == (
        invitation.unit_id, invitation.area, invitation.level,
    )
    assert (response.seniority_band, response.span_band, response.education) == ("3-5 år", "11-25", "diplom")
    assert answering.start_response(invitation).pk == response.pk


@pytest.mark.django_db
def test_a_lost_creation_race_returns_the_winners_response(monkeypatch):
    round, invitation = survey()
    winner = Response.objects.create(round=round, invitation=invitation)
    calls = {"n": 0}
    real_response_of = answering.response_of

    def blind_first_time(inv):
        # The first look sees no row (the other request has not committed yet).
        calls["n"] += 1
        return None if calls["n"] == 1 else real_response_of(inv)

    monkeypatch.setattr(answering, "response_of", blind_first_time)
    response = answering.start_response(invitation)

    assert response.pk == winner.pk
    assert Response.objects.filter(invitation=invitation).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_create_exactly_one_response():
    round, invitation = survey()
    barrier = threading.Barrier(6)
    results, errors = [], []

    def first_request():
        try:
            barrier.wait(timeout=10)
            results.append(answering.start_response(Invitation.objects.get(pk=invitation.pk)).pk)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=first_request) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(set(results)) == 1
    assert Response.objects.filter(invitation=invitation).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_different_pages_lose_nothing():
    round, invitation = survey(pages=6)
    response = answering.start_response(invitation)
    barrier = threading.Barrier(4)
    errors = []

    def save(page):
        try:
            barrier.wait(timeout=10)
            for item in range(1, 4):
                answering.save_section(Response.objects.get(pk=response.pk), page, {f"S{page}_{item}": page})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(page,)) for page in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    response.refresh_from_db()
    assert errors == []
    assert response.answers == {f"S{p}_{i}": p for p in range(1, 5) for i in range(1, 4)}
    assert response.version == 12


@pytest.mark.django_db
def test_submit_stamps_once_and_a_second_submit_changes_nothing():
    round, invitation = survey()
    response = answering.start_response(invitation)
    assert answering.submit(response) is True
    first = Response.objects.get(pk=response.pk).submitted_at

    assert answering.submit(Response.objects.get(pk=response.pk)) is False
    response.refresh_from_db()
    invitation.refresh_from_db()
    assert response.submitted_at == first
    assert invitation.submitted_at == first


@pytest.mark.django_db
def test_answers_can_be_changed_after_submission_while_the_round_collects():
    round, invitation = survey()
    response = answering.start_response(invitation)
    answering.save_section(response, 1, {"S1_1": 2})
    answering.submit(response)
    submitted = Response.objects.get(pk=response.pk).submitted_at
    answering.save_section(response, 1, {"S1_1": 4})

    response.refresh_from_db()
    assert response.answers["S1_1"] == 4
    assert response.submitted_at == submitted


@pytest.mark.django_db
def test_nothing_is_saved_or_submitted_once_the_round_is_closed():
    round, invitation = survey()
    response = answering.start_response(invitation)
    answering.save_section(response, 1, {"S1_1": 2})
    Round.objects.filter(pk=round.pk).update(status=Round.Status.CLOSED)

    with pytest.raises(answering.AnsweringClosed):
        answering.save_section(response, 1, {"S1_1": 5})
    with pytest.raises(answering.AnsweringClosed):
        answering.submit(response)
    response.refresh_from_db()
    assert response.answers == {"S1_1": 2}
    assert response.submitted_at is None


@pytest.mark.django_db
def test_tokens_are_found_only_when_well_formed_and_present():
    round, invitation = survey()
    assert answering.invitation_for_token(invitation.token).pk == invitation.pk
    tampered = invitation.token[:-1] + ("A" if invitation.token[-1] != "A" else "B")
    assert answering.invitation_for_token(tampered) is None
    assert answering.invitation_for_token("x' OR 1=1 --") is None
    assert answering.invitation_for_token("") is None
    assert answering.invitation_for_token(None) is None
    assert answering.invitation_for_token("a" * 65) is None


@pytest.mark.django_db
def test_a_pilot_round_keeps_its_answers_in_the_pilot():
    round, invitation = survey(kind=Round.Kind.PILOT)
    main = Round.objects.create(study=round.study, kind=Round.Kind.MAIN, number=1,
                                status=Round.Status.COLLECTING)
    main_invitation = make_invitation(main, invitation.leader)
    response = answering.start_response(invitation)
    answering.save_section(response, 1, {"S1_1": 1})
    answering.submit(response)

    assert Response.objects.get(pk=response.pk).round_id == round.pk
    assert not Response.objects.filter(round=main).exists()
    assert answering.response_of(main_invitation) is None


def test_an_integrity_error_on_create_is_not_swallowed_for_other_reasons(monkeypatch, db):
    # If the row still cannot be read after retries, the error surfaces instead of looping forever.
    round, invitation = survey()

    def always_fails(**kwargs):
        raise IntegrityError("boom")

    monkeypatch.setattr(Response.objects, "create", always_fails)
    with pytest.raises(Response.DoesNotExist):
        answering.start_response(invitation)


@pytest.mark.django_db
def test_a_save_arriving_after_a_newer_one_from_the_same_page_changes_nothing():
    round, invitation = survey()
    response = answering.start_response(invitation)
    load = "3f2b7c1e-page-load"
    answering.save_section(response, 0, {"F_AAR": 12, "F_UDD": "diplom"}, move_to=1, order=(load, 3))
    # The autosave sent before "Næste" (number 1) arrives last: ignored, also its page move.
    stale = answering.save_section(response, 0, {"F_AAR": 12, "F_UDD": None}, move_to=0, order=(load, 1))
    assert stale.answers == {"F_AAR": 12, "F_UDD": "diplom"}
    response.refresh_from_db()
    assert response.answers == {"F_AAR": 12, "F_UDD": "diplom"} and response.current_section == 1
    assert response.version == 1
    # A repeat of the same number is stale too; a newer number or another page load applies.
    answering.save_section(response, 0, {"F_UDD": None}, order=(load, 3))
    answering.save_section(response, 0, {"F_AAR": 13}, order=(load, 4))
    answering.save_section(response, 0, {"F_UDD": "master"}, order=("another-load-1", 1))
    answering.save_section(response, 0, {"F_AAR": 14})  # no order (no JavaScript): always applied
    response.refresh_from_db()
    assert response.answers == {"F_AAR": 14, "F_UDD": "master"}
    assert response.save_marks == {load: 4, "another-load-1": 1}


@pytest.mark.django_db
def test_only_the_most_recent_page_loads_are_remembered():
    round, invitation = survey()
    response = answering.start_response(invitation)
    for i in range(answering.MAX_SAVE_MARKS + 5):
        answering.save_section(response, 1, {"S1_1": 1 + i % 5}, order=(f"page-load-{i:03d}", 1))
    response.refresh_from_db()
    assert len(response.save_marks) == answering.MAX_SAVE_MARKS
    assert "page-load-000" not in response.save_marks and "page-load-024" in response.save_marks


@pytest.mark.parametrize(("data", "expected"), [
    ({"save_load": "3f2b7c1e-aaaa", "save_number": "7"}, ("3f2b7c1e-aaaa", 7)),
    ({}, None),
    ({"save_load": "3f2b7c1e-aaaa"}, None),
    ({"save_load": "3f2b7c1e-aaaa", "save_number": "x"}, None),
    ({"save_load": "3f2b7c1e-aaaa", "save_number": "0"}, None),
    ({"save_load": "short", "save_number": "2"}, None),
    ({"save_load": "<script>alert(1)</script>", "save_number": "2"}, None),
    ({"save_load": "3f2b7c1e-aaaa", "save_number": str(2**40)}, None),
])
def test_the_save_order_is_read_only_when_well_formed(data, expected):
    assert answering.save_order(data) == expected
