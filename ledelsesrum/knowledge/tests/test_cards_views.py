"""The card pile: add entries, edit a question, choose a size and download the PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.knowledge.views_cards import PILE_KEY, QUESTIONS_KEY, SIZE_KEY

pytestmark = pytest.mark.django_db


def add(client, entry_id: str, **extra):
    return client.post(reverse("knowledge:cards_add"), {"entry_id": entry_id, **extra})


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for name in ("cards", "cards_pdf"):
        response = client.get(reverse(f"knowledge:{name}"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    response = add(client, "tid-til-ledelse")
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert PILE_KEY not in client.session
    assert AuditEvent.objects.without_account_events().count() == 0


def test_adding_an_entry_puts_it_in_the_session_pile_once_and_returns_to_the_page(analyst_client):
    response = add(analyst_client, "tid-til-ledelse", next="/viden/tid-til-ledelse/")
    assert response.status_code == 302 and response["Location"] == "/viden/tid-til-ledelse/"
    add(analyst_client, "relationel-koordinering")
    response = add(analyst_client, "tid-til-ledelse", next="https://evil.example/")
    assert response["Location"] == reverse("knowledge:cards")  # no open redirect
    assert analyst_client.session[PILE_KEY] == ["tid-til-ledelse", "relationel-koordinering"]
    body = analyst_client.get(reverse("knowledge:cards")).content.decode()
    assert "ligger allerede i kortbunken" in body
    assert "»Tid til ledelse«" in body and 'name="question-relationel-koordinering"' in body
    assert "Videncenter for Velfærdsledelse: ti udviklingsprojekter, linje 1471–1501" in body


def test_an_unknown_entry_cannot_be_added(analyst_client):
    assert add(analyst_client, "findes-ikke").status_code == 404
    assert PILE_KEY not in analyst_client.session


def test_the_add_form_fragment_posts_the_entry_and_comes_back(analyst_client, rf, analyst):
    from django.template.loader import render_to_string

    request = rf.get("/viden/tid-til-ledelse/")
    request.user = analyst
    html = render_to_string("knowledge/cards/_add_form.html", {"entry_id": "tid-til-ledelse"},
                            request=request)
    assert f'action="{reverse("knowledge:cards_add")}"' in html
    assert 'value="tid-til-ledelse"' in html and 'value="/viden/tid-til-ledelse/"' in html
    assert "Læg i kortbunken" in html


def test_editing_a_question_and_size_is_kept_and_printed(analyst_client, tmp_path):
    add(analyst_client, "tid-til-ledelse")
    add(analyst_client, "relationel-koordinering")
    response = analyst_client.post(reverse("knowledge:cards"), {
        "question-tid-til-ledelse": "Hvor går vores tid hen?",
        "question-relationel-koordinering": "",  # blank → the generated question
        "size": "A5",
    })
    assert response.status_code == 302
    assert analyst_client.session[QUESTIONS_KEY] == {"tid-til-ledelse": "Hvor går vores tid hen?"}
    assert analyst_client.session[SIZE_KEY] == "A5"
    body = analyst_client.get(reverse("knowledge:cards")).content.decode()
    assert "Hvor går vores tid hen?</textarea>" in body
    assert 'value="A5" checked' in body


def test_download_gives_a_pdf_with_two_pages_per_card(analyst_client, tmp_path):
    from .test_cards import pdf_page_size_mm, pdf_pages

    add(analyst_client, "tid-til-ledelse")
    add(analyst_client, "vilde-problemer")
    response = analyst_client.post(reverse("knowledge:cards_pdf"), {
        "question-tid-til-ledelse": "Hvor går vores tid hen?", "size": "A6"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="dialogkort-A6.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert len(pdf_pages(response.content, tmp_path)) == 4
    assert abs(pdf_page_size_mm(response.content, tmp_path)[0] - 105) < 1
    assert analyst_client.session[QUESTIONS_KEY] == {"tid-til-ledelse": "Hvor går vores tid hen?"}
    assert AuditEvent.objects.without_account_events().count() == 0  # no personal data on the cards


def test_removing_a_card_and_downloading_an_empty_pile(board_client):
    add(board_client, "tid-til-ledelse")
    response = board_client.post(reverse("knowledge:cards_remove"), {"entry_id": "tid-til-ledelse"})
    assert response.status_code == 302
    assert board_client.session[PILE_KEY] == []
    response = board_client.get(reverse("knowledge:cards_pdf"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("knowledge:cards")
    assert "Kortbunken er tom" in response.content.decode()
