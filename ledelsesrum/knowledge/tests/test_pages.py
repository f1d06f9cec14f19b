"""The knowledge pages: search with filters and highlights, the entry page with its sources."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.knowledge.base import seeds_dir


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in (reverse("knowledge:search"), reverse("knowledge:entry", args=["ledelsesrum"])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    assert AuditEvent.objects.without_account_events().count() == 0


@pytest.mark.django_db
def test_search_page_shows_highlighted_results_and_logs_nothing(analyst_client):
    response = analyst_client.get(reverse("knowledge:search"), {"q": "tid til ledelse"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="/viden/tid-til-ledelse/"' in body
    assert "<mark>" in body
    assert "<html" in body
    assert AuditEvent.objects.without_account_events().count() == 0  # the knowledge base holds no personal data


@pytest.mark.django_db
def test_htmx_requests_get_only_the_results_fragment(board_client):
    response = board_client.get(reverse("knowledge:search"), {"q": "vilde problemer"},
                                HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "/viden/vilde-problemer/" in body
    assert AuditEvent.objects.without_account_events().count() == 0


@pytest.mark.django_db
def test_browsing_by_kind_theme_and_source_without_a_query(analyst_client):
    body = analyst_client.get(reverse("knowledge:search"), {"kind": "case"}).content.decode()
    assert "/viden/case-akutmodtagelser/" in body and "/viden/ledelsesrum/" not in body
    body = analyst_client.get(reverse("knowledge:search"), {"theme": "6a"}).content.decode()
    assert "/viden/borgerrejsen/" in body and "/viden/tid-til-ledelse/" not in body
    body = analyst_client.get(reverse("knowledge:search"),
                              {"document": "004_a484d8f613306441.txt"}).content.decode()
    assert "/viden/meningskondensering/" in body and "/viden/vilde-problemer/" not in body
    assert AuditEvent.objects.without_account_events().count() == 0


@pytest.mark.django_db
def test_the_entry_page_shows_the_cited_passage_related_entries_and_subthemes(analyst_client):
    response = analyst_client.get(reverse("knowledge:entry", args=["relationel-koordinering"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<blockquote" in body
    assert "001_8d322ce7fd8c94ab.txt" in body and "linje 1471–1501" in body
    if seeds_dir() is not None:
        assert "Jody Gittells" in body  # from the cited lines themselves
    assert "/viden/case-relationel-koordinering-hospitaler/" in body  # related entry
    assert "4b Tværgående ledelse – inden for egen forvaltning og mellem sektorer" in body
    assert AuditEvent.objects.without_account_events().count() == 0


@pytest.mark.django_db
def test_an_unknown_entry_is_not_found(analyst_client):
    assert analyst_client.get(reverse("knowledge:entry", args=["findes-ikke"])).status_code == 404
