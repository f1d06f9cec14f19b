"""The admin shows invitations and responses without tokens or answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ledelsesrum.surveys import answering

from .factories import survey

pytestmark = pytest.mark.django_db


def test_the_admin_never_shows_tokens_or_answers(client, admin_user):
    client.force_login(admin_user)
    round, invitation = survey()
    response = answering.start_response(invitation)
    answering.save_section(response, 3, {"AABEN1": "Hemmelig tekst om min chef"})

    pages = [
        reverse("admin:surveys_invitation_changelist"),
        reverse("admin:surveys_invitation_change", args=[invitation.pk]),
        reverse("admin:surveys_response_changelist"),
        reverse("admin:surveys_response_change", args=[response.pk]),
    ]
    for url in pages:
        page = client.get(url)
        body = page.content.decode()
        assert page.status_code == 200, url
        assert invitation.token not in body
        assert "Hemmelig tekst" not in body
    assert client.get(reverse("admin:surveys_response_add")).status_code == 403
