"""Open answers: analysts only, only above the threshold, shuffled, redacted, unlinked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.analysis.results import compute_results, open_answers
from ledelsesrum.organisation.models import Leader

from .factories import add_responses, answers, make_round, make_study


def _round_with_open_answers(n: int):
    study = make_study(open_threshold=10)
    rnd = make_round(study)
    Leader.objects.create(name="Bent Mikkelsen", email="bent@example.dk")
    for i in range(n):
        add_responses(rnd, None, answers(2, 1), area="A",
                      open_text=f"Svar {i:02d}: Mere sparring fra Bent Mikkelsen, ring 12345678")
    return study, rnd


@pytest.mark.django_db
def test_the_analyst_sees_open_answers_above_the_threshold_redacted(client, analyst):
    study, rnd = _round_with_open_answers(12)
    client.force_login(analyst)
    response = client.get(reverse("analysis:open_answers", args=[study.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Mere sparring fra [navn], ring [telefon]") == 12
    assert "Mikkelsen" not in html and "12345678" not in html
    assert AuditEvent.objects.filter(action="results.open_answers.view", user=analyst).count() == 1


@pytest.mark.django_db
def test_open_answers_below_the_threshold_are_withheld_even_for_the_analyst(client, analyst):
    study, rnd = _round_with_open_answers(9)
    client.force_login(analyst)
    html = client.get(reverse("analysis:open_answers", args=[study.pk])).content.decode()
    assert "Skjult – færre end 10 svar." in html
    assert "sparring" not in html
    assert open_answers(rnd)[0]["withheld"] is True


@pytest.mark.django_db
def test_a_board_reader_never_sees_open_answers(board_client):
    study, _rnd = _round_with_open_answers(12)
    assert board_client.get(reverse("analysis:open_answers", args=[study.pk])).status_code == 403
    page = board_client.get(reverse("analysis:results", args=[study.pk])).content.decode()
    assert "sparring" not in page and "Åbne svar" not in page
    export = board_client.get(reverse("analysis:export", args=[study.pk, "json"])).content.decode()
    assert "sparring" not in export
    assert not AuditEvent.objects.filter(action="results.open_answers.view").exists()


@pytest.mark.django_db
def test_open_answers_are_shuffled_and_carry_no_link_to_time_or_segments():
    _study, rnd = _round_with_open_answers(12)
    result = compute_results(rnd, include_open_answers=True)
    question = result["open_answers"][0]
    assert set(question) == {"code", "text", "n", "answers", "withheld", "reason"}
    assert all(isinstance(a, str) for a in question["answers"])
    orders = {tuple(q["answers"]) for q in (open_answers(rnd)[0] for _ in range(6))}
    assert len(orders) > 1  # 6 identical shuffles of 12 answers: p ≈ 1e-43
    assert question["n"] == 12
