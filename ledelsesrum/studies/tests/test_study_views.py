import pytest
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.studies.models import Study

from .factories import make_leader


def _post_data(**overrides):
    data = {
        "name": "Vilkår for ledelse 2026",
        "purpose": "At forstå ledernes vilkår.",
        "research_questions": "Hvordan oplever lederne deres vilkår?\n\nHvilke idéer har de?\n",
        "main_fields": "Lederrollen\nLedelsesrum",
        "population_unit": "",
        "population_levels": ["Institutionsleder"],
        "starts_on": "2026-02-01",
        "ends_on": "2026-03-01",
        "anonymity_threshold": 5,
        "open_text_threshold": 10,
        "sensitive_threshold": 20,
        "retention_until": "2027-12-31",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_create_form_offers_the_default_main_fields_and_the_leaders_levels(analyst_client, org):
    make_leader(org["skole_a"], level="Institutionsleder", area="Skole")
    response = analyst_client.get(reverse("studies:create"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lederrollen\nLedelsesrum\nTrivsel og udviklingsmuligheder" in page
    assert 'value="Institutionsleder"' in page and 'value="Skole"' in page
    assert "1 leder er med" in page
    assert not Study.objects.exists()


@pytest.mark.django_db
def test_an_analyst_creates_a_study_and_it_is_audit_logged(analyst_client, analyst, org):
    make_leader(org["skole_a"], level="Institutionsleder")
    response = analyst_client.post(reverse("studies:create"), _post_data())
    study = Study.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("studies:detail", kwargs={"pk": study.pk})
    assert study.research_questions == ["Hvordan oplever lederne deres vilkår?", "Hvilke idéer har de?"]
    assert study.main_fields == ["Lederrollen", "Ledelsesrum"]
    assert study.population_levels == ["Institutionsleder"]
    assert study.created_by == analyst
    event = AuditEvent.objects.get(action="study.create")
    assert (event.study_id, event.username) == (study.pk, "alice")


@pytest.mark.django_db
def test_an_analyst_edits_a_study_and_the_changed_fields_are_logged(analyst_client, study, org):
    response = analyst_client.post(
        reverse("studies:edit", kwargs={"pk": study.pk}),
        _post_data(name="Ny titel", population_unit=str(org["boern"].pk), population_levels=[]),
    )
    study.refresh_from_db()
    assert response.status_code == 302
    assert study.name == "Ny titel"
    assert study.population_unit == org["boern"]
    event = AuditEvent.objects.get(action="study.update")
    assert event.study_id == study.pk
    assert "name" in event.detail["fields"] and "population_unit" in event.detail["fields"]


@pytest.mark.django_db
def test_an_invalid_form_is_shown_again_with_the_danish_message_and_nothing_saved(analyst_client):
    response = analyst_client.post(reverse("studies:create"), _post_data(anonymity_threshold=2))
    assert response.status_code == 200
    assert "Anonymitetsgrænsen skal være mindst 3" in response.content.decode()
    assert not Study.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="study.").exists()


@pytest.mark.django_db
def test_the_population_preview_counts_the_leaders_of_the_rule(analyst_client, org):
    make_leader(org["skole_a"], level="Institutionsleder")
    make_leader(org["skole_b"], level="Afdelingsleder")
    make_leader(org["center_c"], level="Institutionsleder")
    url = reverse("studies:population_preview")
    response = analyst_client.get(url, {"population_unit": org["boern"].pk, "population_levels": "Institutionsleder"})
    assert response.status_code == 200
    assert "1 leder er med" in response.content.decode()
    assert "3 ledere er med" in analyst_client.get(url).content.decode()


@pytest.mark.django_db
def test_a_board_reader_sees_list_and_detail_without_actions(board_client, study):
    listing = board_client.get(reverse("studies:list"))
    detail = board_client.get(reverse("studies:detail", kwargs={"pk": study.pk}))
    assert listing.status_code == detail.status_code == 200
    assert study.name in listing.content.decode()
    page = detail.content.decode()
    assert study.name in page
    assert reverse("studies:edit", kwargs={"pk": study.pk}) not in page
    assert reverse("studies:round_create", kwargs={"pk": study.pk}) not in page
    assert reverse("coding:codebook", kwargs={"study_id": study.pk}) not in page
    assert reverse("studies:create") not in listing.content.decode()


@pytest.mark.django_db
def test_a_board_reader_gets_403_on_every_change(board_client, study):
    urls = [
        reverse("studies:create"),
        reverse("studies:edit", kwargs={"pk": study.pk}),
        reverse("studies:round_create", kwargs={"pk": study.pk}),
        reverse("studies:pilot_create", kwargs={"pk": study.pk}),
    ]
    for url in urls:
        assert board_client.post(url, _post_data()).status_code == 403
    assert board_client.get(reverse("studies:create")).status_code == 403
    study.refresh_from_db()
    assert study.name == "Vilkår for ledelse 2026"
    assert Study.objects.count() == 1
    assert not study.rounds.exists()
    assert not AuditEvent.objects.without_account_events().exists()


@pytest.mark.django_db
def test_the_detail_page_renders_without_the_other_apps_pages(analyst_client, study):
    # surveys:builder etc. may not exist yet; the page must not crash either way.
    response = analyst_client.get(reverse("studies:detail", kwargs={"pk": study.pk}))
    assert response.status_code == 200
    assert "Lederrollen" in response.content.decode()
    assert reverse("coding:codebook", kwargs={"study_id": study.pk}) in response.content.decode()
