import pytest

from ledelsesrum.analysis.release import released_results
from ledelsesrum.reports.compose import DASH, compose
from ledelsesrum.reports.models import SectionText

from .builders import report_study


@pytest.fixture
def scenario(db):
    return report_study()


def _sub(report, code):
    return next(s for c in report.chapters for s in c.subthemes if s.code == code)


def test_report_has_six_theme_chapters_with_their_subthemes(scenario):
    report = compose(scenario["study"])
    assert [c.number for c in report.chapters] == ["1", "2", "3", "4", "5", "6"]
    assert len(_sub(report, "1d").statements) >= 1
    assert SectionText.objects.count() == 0


def test_synthesis_uses_a_quantifier_and_never_a_pseudonym(scenario):
    sub = _sub(compose(scenario["study"]), "1d")
    assert "alle" in sub.phrase or "langt de fleste" in sub.phrase
    assert sub.essence == "Lederne ønsker mere råderum."
    assert all("Leder B" not in s and "Leder A" not in s for s in sub.statements)
    assert sub.recommendations == ["Giv lederne et eget budget."]


def test_open_answer_below_the_open_text_threshold_is_not_quoted(scenario):
    sub = _sub(compose(scenario["study"]), "2b")
    assert sub.statements == []
    assert sub.recommendations == []


def test_population_counts_interviews_done_against_planned_and_the_response_rate(scenario):
    report = compose(scenario["study"])
    population = next(s for s in report.front if s.key == "population")
    text = " ".join(population.paragraphs)
    assert "3 af 4" in text
    n = released_results(scenario["round"])["responses"]["n"]
    assert f"besvaret af {n} ledere" in text


def test_joint_display_and_appendix_show_withheld_groups_as_a_dash(scenario):
    report = compose(scenario["study"])
    result = released_results(scenario["round"])
    cell = result["scales"][0]["cells"]["area:Småområdet"]
    assert cell["withheld"] is True
    table = report.appendix[0].table
    row = next(r for r in table.rows if r[0] == "Småområdet")
    assert row[1:] == [DASH, DASH]
    assert _sub(report, "1d").joint[0].n == str(result["scales"][0]["cells"]["total"]["n"])


def test_an_edited_section_text_survives_regeneration(scenario):
    study = scenario["study"]
    SectionText.objects.create(study=study, key="method", text="Vores egen metodetekst.\n\nAndet afsnit.")
    SectionText.objects.create(study=study, key="essence:1d", text="Redigeret essens.")
    report = compose(study)
    method = next(s for s in report.front if s.key == "method")
    assert method.paragraphs == ["Vores egen metodetekst.", "Andet afsnit."] and method.edited
    assert _sub(report, "1d").essence == "Redigeret essens."
    assert SectionText.objects.filter(study=study).count() == 2
