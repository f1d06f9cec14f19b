"""Inter-coder agreement in the web app: stratified sample, blind second coding, κ/α and disagreements."""

import re

import krippendorff
import numpy as np
import pytest
from django.urls import reverse
from sklearn.metrics import cohen_kappa_score

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.accounts.roles import grant
from ledelsesrum.coding import agreement_web, workspace
from ledelsesrum.coding.models import MeaningUnit, SecondCoding
from ledelsesrum.interviews.models import Interview, InterviewNote
from ledelsesrum.studies.models import Study

pytestmark = pytest.mark.django_db

# First coder's codes: strata of 10 × 1a, 5 × 2b, 1 × 3a.
FIRST = ["1a"] * 10 + ["2b"] * 5 + ["3a"]


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    monkeypatch.setenv(workspace.EMBEDDER_ENV, "char")
    yield
    workspace._suggesters.clear()


@pytest.fixture
def second(django_user_model):
    """Sofie, a second analyst who codes the sample."""
    user = django_user_model.objects.create_user(username="sofie", password="korrekt-hest-batteri-42")
    grant(user, "analyst")
    return user


@pytest.fixture
def study(analyst):
    study = Study.objects.create(name="Ledernes vilkår")
    interview = Interview.objects.create(study=study, status=Interview.Status.DONE)
    note = InterviewNote.objects.create(interview=interview, kind="summary", theme_id="1", text="x")
    for i, code in enumerate(FIRST):
        MeaningUnit.objects.create(
            study=study, interview_note=note, source_key=f"note:{note.pk}", position=i,
            text=f"Udsagn nummer {i} om ledelse.", code=code, coded_by=analyst,
            suggestion_cache=[{"code": code, "score": 0.9, "reason": f"Ligner hemmelig begrundelse {i}"}],
        )
    # Open answers (no interview note) and an uncoded unit are never in an interviewer's sample.
    for i in range(3):
        MeaningUnit.objects.create(
            study=study, source_key=f"answer:{i}:q1", response_id=i + 1, question_code="q1",
            text=f"Åbent svar {i}.", code="2b", coded_by=analyst,
        )
    MeaningUnit.objects.create(study=study, interview_note=note, source_key=f"note:{note.pk}", position=99, text="Ukodet.")
    return study


def url(name, study):
    return reverse(f"coding:{name}", kwargs={"study_id": study.pk})


def _stat(html: str, name: str) -> float | None:
    value = re.search(rf'data-stat="{name}">([^<]*)<', html).group(1).strip()
    return None if value == "–" else float(value.replace(",", "."))


def test_the_sample_is_stratified_by_sub_theme_and_reproducible(study, second):
    drawn = agreement_web.draw_sample(study, second, fraction=0.2)
    codes = sorted(s.unit.code for s in drawn)
    # ceil(20 % of each stratum), at least one: 1a 10 → 2, 2b 8 (5 notes + 3 answers) → 2, 3a 1 → 1.
    assert codes == ["1a", "1a", "2b", "2b", "3a"]
    again = agreement_web.draw_sample(study, second, fraction=0.2)
    assert sorted(s.unit_id for s in again) == sorted(s.unit_id for s in drawn)
    assert SecondCoding.objects.filter(coder=second).count() == 5


def test_an_interviewer_is_never_sampled_open_answers_nor_units_they_coded_first(study, interviewer, analyst):
    MeaningUnit.objects.filter(code="3a").update(coded_by=interviewer)
    drawn = agreement_web.draw_sample(study, interviewer, fraction=1.0)
    assert len(drawn) == 15
    assert all(s.unit.interview_note_id and s.unit.code != "3a" for s in drawn)
    # The analyst coded all the rest first, so only the interviewer's unit is left for her.
    assert [s.unit.code for s in agreement_web.draw_sample(study, analyst, fraction=1.0)] == ["3a"]


def test_the_analyst_draws_a_sample_through_the_page(analyst_client, study, second):
    response = analyst_client.post(url("agreement_sample", study), {"coder": second.pk, "percent": "20"}, follow=True)
    assert response.status_code == 200
    assert "5 enheder er udtrukket til anden kodning." in response.content.decode()
    assert SecondCoding.objects.filter(coder=second, code="").count() == 5
    event = AuditEvent.objects.get(action="coding.agreement.sample")
    assert event.detail["coder_id"] == second.pk and len(event.detail["units"]) == 5


def test_a_bad_percentage_or_coder_is_refused_and_nothing_is_drawn(analyst_client, study, second, board_reader):
    body = analyst_client.post(url("agreement_sample", study), {"coder": second.pk, "percent": "mange"}, follow=True).content.decode()
    assert "Andelen skal være et tal mellem 1 og 100 %." in body
    body = analyst_client.post(url("agreement_sample", study), {"coder": board_reader.pk, "percent": "20"}, follow=True).content.decode()
    assert "Vælg en anden koder med rollen analytiker eller interviewer." in body
    assert not SecondCoding.objects.exists()


def test_the_blind_coding_page_hides_the_first_code_and_the_suggestions(client, study, second):
    agreement_web.draw_sample(study, second, fraction=0.2)
    client.force_login(second)
    response = client.get(url("agreement_code", study))
    body = response.content.decode()
    current = SecondCoding.objects.filter(coder=second, code="").first()
    assert response.status_code == 200 and current.unit.text in body
    assert " selected" not in body  # the first code is not preselected
    assert "hemmelig begrundelse" not in body and "suggestion" not in body
    assert f'value="{current.pk}"' in body
    assert AuditEvent.objects.filter(action="coding.agreement.code_view", detail__unit_id=current.unit_id).exists()


def test_the_second_coder_codes_one_unit_after_the_other(client, study, second):
    agreement_web.draw_sample(study, second, fraction=0.2)
    client.force_login(second)
    first = SecondCoding.objects.filter(coder=second).first()
    response = client.post(url("agreement_code", study), {"second": first.pk, "code": "6a"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.code == "6a" and first.coded_at is not None
    assert MeaningUnit.objects.get(pk=first.unit_id).code != "6a"  # the first code is untouched
    assert client.post(url("agreement_code", study), {"second": first.pk, "code": "9z"}, follow=True).status_code == 200
    assert SecondCoding.objects.get(pk=first.pk).code == "6a"


def test_a_coder_cannot_code_a_unit_drawn_for_someone_else(client, study, second, interviewer):
    agreement_web.draw_sample(study, second, fraction=0.2)
    theirs = SecondCoding.objects.filter(coder=second).first()
    client.force_login(interviewer)
    assert client.post(url("agreement_code", study), {"second": theirs.pk, "code": "1a"}).status_code == 404
    assert SecondCoding.objects.get(pk=theirs.pk).code == ""


def test_kappa_and_alpha_on_the_page_equal_scikit_learn_and_krippendorff(analyst_client, client, study, second):
    agreement_web.draw_sample(study, second, fraction=1.0)
    seconds = list(SecondCoding.objects.filter(coder=second).select_related("unit").order_by("unit_id"))
    rng = np.random.default_rng(4)
    choices = ["1a", "2b", "3a", "4a"]
    client.force_login(second)
    for s in seconds:
        code = s.unit.code if rng.random() < 0.7 else str(rng.choice(choices))
        client.post(url("agreement_code", study), {"second": s.pk, "code": code})
    pairs = [(s.unit.code, s.code) for s in SecondCoding.objects.filter(coder=second).select_related("unit").order_by("unit_id")]
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    assert len(pairs) == 19 and a != b

    response = analyst_client.get(url("agreement", study))
    html = response.content.decode()
    assert response.status_code == 200
    index = {c: i for i, c in enumerate(sorted(set(a) | set(b)))}
    expected_alpha = krippendorff.alpha(reliability_data=[[index[x] for x in a], [index[x] for x in b]], level_of_measurement="nominal")
    assert _stat(html, "n") == 19
    assert _stat(html, "kappa") == pytest.approx(round(cohen_kappa_score(a, b), 3), abs=1e-9)
    assert _stat(html, "alpha") == pytest.approx(round(expected_alpha, 3), abs=1e-9)
    row = re.search(r'<tr data-code="2b">(.*?)</tr>', html, re.S).group(1)
    ba, bb = [int(x == "2b") for x in a], [int(x == "2b") for x in b]
    assert _stat(row, "kappa") == pytest.approx(round(cohen_kappa_score(ba, bb), 3), abs=1e-9)
    assert _stat(row, "alpha") == pytest.approx(
        round(krippendorff.alpha(reliability_data=[ba, bb], level_of_measurement="nominal"), 3), abs=1e-9
    )
    # Disagreements side by side: unit text, first code, second code.
    for s in SecondCoding.objects.filter(coder=second).select_related("unit"):
        found = re.search(rf'<tr data-unit="{s.unit_id}">(.*?)</tr>', html, re.S)
        assert (found is not None) == (s.code != s.unit.code)
        if found:
            cells = re.findall(r"<td>(.*?)</td>", found.group(1), re.S)
            assert cells[0] == s.unit.text and cells[1].startswith(s.unit.code) and cells[2].startswith(s.code)
    event = AuditEvent.objects.get(action="coding.agreement.view")
    assert event.detail["coders"] == [second.pk]
    assert "Udsagn" not in str(event.detail)


def test_the_results_page_says_so_when_nothing_is_double_coded(analyst_client, study):
    response = analyst_client.get(url("agreement", study))
    assert response.status_code == 200
    assert "Ingen enheder er kodet af to kodere endnu." in response.content.decode()
    assert AuditEvent.objects.filter(action="coding.agreement.view", study_id=study.pk).exists()


def test_board_readers_get_403_and_interviewers_only_reach_their_coding_page(board_client, client, study, interviewer):
    for name in ("agreement", "agreement_code", "emerging"):
        assert board_client.get(url(name, study)).status_code == 403
    assert board_client.post(url("agreement_sample", study), {"coder": interviewer.pk, "percent": "20"}).status_code == 403
    client.force_login(interviewer)
    assert client.get(url("agreement", study)).status_code == 403
    assert client.get(url("emerging", study)).status_code == 403
    assert client.post(url("agreement_sample", study), {"coder": interviewer.pk, "percent": "20"}).status_code == 403
    response = client.get(url("agreement_code", study))
    assert response.status_code == 200 and "Der er ikke udtrukket enheder til dig." in response.content.decode()
    assert not SecondCoding.objects.exists()


def test_an_empty_sample_says_the_real_reason(analyst_client, study, analyst):
    """Issue 12: 751 coded units and "ingen kodede enheder at udtrække" — the only coder offered
    had coded them all."""
    response = analyst_client.post(url("agreement_sample", study), {"coder": analyst.pk, "percent": "20"}, follow=True)
    body = response.content.decode()
    assert "Alle kodede enheder er kodet af alice selv" in body
    assert "Der er ingen kodede enheder at udtrække" not in body
