import pytest
from django.core.exceptions import ValidationError

from ledelsesrum.studies.forms import StudyForm
from ledelsesrum.studies.models import Round, Study


def _data(**overrides):
    data = {
        "name": "Vilkår for ledelse",
        "purpose": "",
        "research_questions": "",
        "main_fields": "Lederrollen",
        "population_unit": "",
        "anonymity_threshold": 5,
        "open_text_threshold": 10,
        "sensitive_threshold": 20,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_form_refuses_an_anonymity_threshold_under_three_in_danish():
    form = StudyForm(data=_data(anonymity_threshold=2))
    assert not form.is_valid()
    assert form.errors["anonymity_threshold"] == [
        "Anonymitetsgrænsen skal være mindst 3, så ingen enkelt leder kan genkendes."
    ]
    assert not Study.objects.exists()


@pytest.mark.django_db
def test_the_form_accepts_three_and_refuses_low_text_and_sensitive_thresholds():
    assert StudyForm(data=_data(anonymity_threshold=3, open_text_threshold=5, sensitive_threshold=10)).is_valid()
    form = StudyForm(data=_data(open_text_threshold=4, sensitive_threshold=9))
    assert not form.is_valid()
    assert set(form.errors) == {"open_text_threshold", "sensitive_threshold"}


@pytest.mark.django_db
def test_the_model_refuses_a_threshold_under_the_floor():
    study = Study(name="X", anonymity_threshold=2, open_text_threshold=4, sensitive_threshold=9)
    with pytest.raises(ValidationError) as caught:
        study.full_clean()
    assert set(caught.value.message_dict) >= {"anonymity_threshold", "open_text_threshold", "sensitive_threshold"}


@pytest.mark.django_db
def test_thresholds_may_be_lowered_before_results_are_released(study):
    study.anonymity_threshold = 8
    study.save()
    form = StudyForm(data=_data(anonymity_threshold=6), instance=study)
    assert form.is_valid(), form.errors
    form.save()
    assert Study.objects.get(pk=study.pk).anonymity_threshold == 6


@pytest.mark.django_db
def test_the_form_refuses_to_lower_a_threshold_after_release_but_allows_raising_it(study):
    Round.objects.create(study=study, status=Round.Status.CLOSED)
    form = StudyForm(data=_data(anonymity_threshold=4), instance=study)
    assert not form.is_valid()
    assert "kan ikke sænkes under 5" in form.errors["anonymity_threshold"][0]
    assert Study.objects.get(pk=study.pk).anonymity_threshold == 5

    raised = StudyForm(data=_data(anonymity_threshold=7), instance=Study.objects.get(pk=study.pk))
    assert raised.is_valid(), raised.errors
    raised.save()
    assert Study.objects.get(pk=study.pk).anonymity_threshold == 7


@pytest.mark.django_db
def test_the_model_refuses_to_lower_a_threshold_after_release(study):
    Round.objects.create(study=study, status=Round.Status.CLOSED)
    study.anonymity_threshold = 4
    study.open_text_threshold = 9
    with pytest.raises(ValidationError) as caught:
        study.full_clean()
    assert set(caught.value.message_dict) == {"anonymity_threshold", "open_text_threshold"}
    assert Study.objects.get(pk=study.pk).anonymity_threshold == 5


@pytest.mark.django_db
def test_dates_must_come_in_order():
    form = StudyForm(data=_data(starts_on="2026-03-01", ends_on="2026-02-01", retention_until="2026-01-01"))
    assert not form.is_valid()
    assert form.errors["ends_on"] == ["Slutdatoen skal ligge på eller efter startdatoen."]
    assert not Study.objects.exists()
