"""Quotes in the report carry no gendered word and no numbered pseudonym (issue 10, finding 2)."""

import re

import pytest

from ledelsesrum.coding.models import MeaningUnit
from ledelsesrum.interviews.models import Interview, InterviewNote
from ledelsesrum.organisation.models import Leader
from ledelsesrum.reports.compose import clean_statement, compose
from ledelsesrum.reports.neutral import neutralise_gender
from ledelsesrum.reports.render import render_html

from .builders import report_study

GENDERED = re.compile(r"(?<![\w-])(han|hun|ham|hende|hans|hendes|manden|kvinden|fru)(?![\w-])", re.IGNORECASE)


@pytest.mark.parametrize(("text", "expected"), [
    ("hun sagde, at han var træt.", "vedkommende sagde, at vedkommende var træt."),
    ("Han savner sparring.", "Vedkommende savner sparring."),
    ("Hun mener, at chefen ikke ser hende.", "Vedkommende mener, at chefen ikke ser vedkommende."),
    ("Vi ringer til ham. Hans team er stort, og hendes er lille.",
     "Vi ringer til vedkommende. Vedkommendes team er stort, og vedkommendes er lille."),
    ("Manden i kantinen og kvindens chef.", "Personen i kantinen og personens chef."),
    ("HUN ER TRÆT.", "VEDKOMMENDE ER TRÆT."),
    ('Hun sagde: "Han har ret."', 'Vedkommende sagde: "Vedkommende har ret."'),
    ("han eller hun skal beslutte det, og han/hun må ringe.",
     "vedkommende skal beslutte det, og vedkommende må ringe."),
    ("Jeg så ham og hende.", "Jeg så vedkommende og vedkommende."),
    ("Jeg talte med fru [Person 3] og hr. Olsen.", "Jeg talte med [Person 3] og Olsen."),
    ("Fru [Person 3] sagde det.", "[Person 3] sagde det."),
])
def test_gendered_words_are_neutralised_with_their_case(text, expected):
    assert neutralise_gender(text) == expected


@pytest.mark.parametrize("text", [
    "Vi skal handle hurtigt og hunde er ikke tilladt.",
    "Hansen og Hanssen hamrer løs på hamstring.",
    "Mødet med Hans gik godt.",  # a first name inside a sentence, not "his"
    "Vi talte med HR. Det hjalp.",
    "Hun-hunden og han-katten.",  # compounds are not the pronoun
    "",
])
def test_other_words_are_left_alone(text):
    assert neutralise_gender(text) == text


def test_a_quote_has_no_numbered_pseudonym_and_no_gendered_word():
    quote = clean_statement('"Hun ringer til [Person 3] og [Leder B] på [Telefon 2], siger hun."')
    assert quote == "Vedkommende ringer til [person] og [leder] på [telefon], siger vedkommende."


@pytest.mark.django_db
def test_a_report_built_from_a_unit_where_she_speaks_holds_no_gendered_word():
    scenario = report_study()
    study = scenario["study"]
    text = "Hun sagde, at hendes chef aldrig har tid, og at han ikke svarer [Person 2]."
    MeaningUnit.objects.filter(study=study, code="1d").update(text=text, condensed="")
    leader = Leader.objects.create(name="Leder Nummer9", email="l9@example.dk")
    note = InterviewNote.objects.create(interview=Interview.objects.create(study=study, leader=leader,
                                                                          status=Interview.Status.DONE), text=text)
    MeaningUnit.objects.create(study=study, interview_note=note, leader=leader, source_key=f"note:{note.pk}",
                               text=text, code="1d")
    report = compose(study)
    sub = next(s for c in report.chapters for s in c.subthemes if s.code == "1d")
    assert sub.statements == [
        "Vedkommende sagde, at vedkommendes chef aldrig har tid, og at vedkommende ikke svarer [person]."
    ]
    body = render_html(report).split("<body", 1)[1]
    quoted = re.findall(r"»([^«]*)«", body)
    assert quoted and all(not GENDERED.search(q) and "[Person" not in q for q in quoted)
    assert "Hun sagde" not in body and "[Person 2]" not in body
