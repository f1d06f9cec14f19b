"""Dialogue cards from findings: a finding of the dialogue edition goes into the card pile and is
printed from the study's report as it is now, only for readers of the study's results."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.urls import reverse

from ledelsesrum.analysis.tests.factories import add_responses, answers, make_round, make_study
from ledelsesrum.coding.models import MeaningUnit
from ledelsesrum.knowledge.views_cards import MAX_CARDS, PILE_KEY, QUESTIONS_KEY
from ledelsesrum.reports.compose import compose
from ledelsesrum.reports.dialogue import (
    finding_card_key,
    finding_card_question,
    finding_cards,
    parse_finding_card_key,
)

from .builders import report_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(db):
    return report_study()


def add_finding(client, study, code, **extra):
    return client.post(reverse("knowledge:cards_add_finding"), {"study_id": study.pk, "code": code, **extra})


def test_a_finding_card_has_the_question_in_front_and_the_finding_with_its_source_behind(scenario):
    study = scenario["study"]
    cards = finding_cards(compose(study), ["1d", "nope"], {})
    key = finding_card_key(study.pk, "1d")
    assert list(cards) == [key] and parse_finding_card_key(key) == (study.pk, "1d")
    card = cards[key]
    assert card.kind == "finding" and card.theme.startswith("1d ")
    assert card.question == finding_card_question(card.title) and card.question.endswith("?")
    assert re.match(r"(Alle|Langt de fleste|Mange|Nogle|Få) ledere \(3 af 3\): Lederne ønsker mere råderum\.",
                    card.background)
    assert re.search(r"score \d+,\d af 100\.", card.background)
    assert card.source_label.startswith(f"Fund fra »{study.name}«")
    own = finding_cards(compose(study), ["1d"], {key: "  Hvad gør vi   nu?  "})[key]
    assert own.question == "Hvad gør vi nu?"
    assert parse_finding_card_key("tid-til-ledelse") is None and parse_finding_card_key("fund-x-1d") is None


def test_a_withheld_score_never_reaches_a_card(db):
    study = make_study(k=5)
    add_responses(make_round(study), None, answers(1, 4))  # 4 respondents: a score of 100 if shown
    MeaningUnit.objects.create(study=study, source_key="x", text="Lederne mangler tid.", code="3b")
    card = finding_cards(compose(study), ["3b"])[finding_card_key(study.pk, "3b")]
    assert "score" not in card.background and "100" not in card.background


def test_the_dialogue_edition_offers_each_finding_for_the_pile_and_the_pdf_prints_it(analyst_client, scenario, tmp_path):
    study = scenario["study"]
    page = analyst_client.get(reverse("reports:dialogue", kwargs={"study_id": study.pk})).content.decode()
    assert page.count(reverse("knowledge:cards_add_finding")) >= 6
    pdf_page = analyst_client.get(reverse("reports:dialogue_download", kwargs={"study_id": study.pk, "fmt": "html"}))
    assert "kortbunken" not in pdf_page.content.decode()  # the printed edition has no buttons
    back = f"{reverse('reports:dialogue', kwargs={'study_id': study.pk})}#dialog-tema-1"
    response = add_finding(analyst_client, study, "1d", next=back)
    assert response.status_code == 302 and response["Location"] == back
    add_finding(analyst_client, study, "1d")
    analyst_client.post(reverse("knowledge:cards_add"), {"entry_id": "tid-til-ledelse"})
    key = finding_card_key(study.pk, "1d")
    assert analyst_client.session[PILE_KEY] == [key, "tid-til-ledelse"]
    pile = analyst_client.get(reverse("knowledge:cards")).content.decode()
    assert "ligger allerede i kortbunken" in pile
    assert "Lederne ønsker mere råderum." in pile and f'name="question-{key}"' in pile
    # The analyst's own question is kept; the generated one is not stored.
    analyst_client.post(reverse("knowledge:cards"), {f"question-{key}": "Hvordan giver vi mere råderum?",
                                                     "question-tid-til-ledelse": ""})
    assert analyst_client.session[QUESTIONS_KEY] == {key: "Hvordan giver vi mere råderum?"}
    response = analyst_client.get(reverse("knowledge:cards_pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "cards.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+4\n", info)  # two cards, front and back each
    flat = re.sub("\u2010 ", "", " ".join(text.split()))  # undo Danish hyphenation at line ends
    assert "Hvordan giver vi mere råderum?" in flat and "Lederne ønsker mere råderum." in flat
    assert "Leder B" not in flat and "Hemmeligt fritekstsvar" not in flat


def test_a_board_reader_may_make_finding_cards_but_not_someone_without_results_access(
    board_client, client, interviewer, scenario
):
    study = scenario["study"]
    assert add_finding(board_client, study, "2a").status_code == 302
    assert board_client.session[PILE_KEY] == [finding_card_key(study.pk, "2a")]
    client.force_login(interviewer)
    assert add_finding(client, study, "2a").status_code == 403
    # A key smuggled into an interviewer's pile is never turned into a card.
    session = client.session
    session[PILE_KEY] = [finding_card_key(study.pk, "1d")]
    session.save()
    assert "råderum" not in client.get(reverse("knowledge:cards")).content.decode()
    assert client.get(reverse("knowledge:cards_pdf")).status_code == 302  # empty pile: back with a message


def test_an_unknown_study_or_code_is_refused_and_a_full_pile_takes_no_more(analyst_client, scenario):
    study = scenario["study"]
    assert add_finding(analyst_client, study, "9z").status_code == 404
    assert analyst_client.post(reverse("knowledge:cards_add_finding"),
                               {"study_id": "abc", "code": "1d"}).status_code == 404
    session = analyst_client.session
    session[PILE_KEY] = [finding_card_key(study.pk, "1a")] * MAX_CARDS
    session.save()
    add_finding(analyst_client, study, "1d")
    assert finding_card_key(study.pk, "1d") not in analyst_client.session[PILE_KEY]
