"""Invitation mail and server output: personal links never printed, subjects never HTML-escaped."""

from __future__ import annotations

import io

import pytest
from django.core.mail import get_connection

from ledelsesrum import settings as project_settings
from ledelsesrum.lib.mail import RedactingConsoleBackend
from ledelsesrum.surveys import distribution

from .factories import (
    make_invitation,
    make_leader,
    make_questionnaire,
    make_round,
    make_study,
    make_unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_address(settings):
    # As an installation with LEDELSESRUM_SITE_URL set (test_site_address.py covers it unset).
    settings.SITE_URL = "https://lr.example.dk"


def _invitation(study_name: str = "Ledelsesvilkår 2026"):
    study = make_study(name=study_name)
    make_questionnaire(study)
    round = make_round(study)
    return make_invitation(round, make_leader(make_unit("Plejecenter Åparken"), name="Søren Ørsted"))


def test_without_smtp_mail_goes_to_the_redacting_console_backend():
    # The settings module itself (pytest-django swaps in locmem for the test run).
    assert project_settings.EMAIL_BACKEND == "ledelsesrum.lib.mail.RedactingConsoleBackend"


def test_the_console_backend_never_prints_a_personal_link(settings):
    settings.SITE_URL = "https://lr.example.dk"
    invitation = _invitation()
    stream = io.StringIO()
    connection = get_connection("ledelsesrum.lib.mail.RedactingConsoleBackend", stream=stream)

    message = distribution.build_message(invitation, connection=connection)
    assert invitation.token in message.body  # the leader still gets the link
    assert message.send() == 1

    printed = stream.getvalue()
    assert "Søren Ørsted" in printed or "S=C3=B8ren" in printed or "Ørsted" in printed
    assert invitation.token not in printed
    assert "[personligt-link-skjult]" in printed
    # The message object that was sent is untouched.
    assert invitation.token in message.body
    assert all(invitation.token in alt[0] for alt in message.alternatives)


def test_django_console_backend_would_have_printed_it(settings):
    """The mutant: the plain console backend prints the credential (what the audit found)."""
    invitation = _invitation()
    stream = io.StringIO()
    connection = get_connection("django.core.mail.backends.console.EmailBackend", stream=stream)
    distribution.build_message(invitation, connection=connection).send()
    assert invitation.token in stream.getvalue()
    assert isinstance(get_connection("ledelsesrum.lib.mail.RedactingConsoleBackend"), RedactingConsoleBackend)


def test_the_subject_is_plain_text_not_html_escaped():
    invitation = _invitation("Børn & Unge – \"Ledelse\" <2026>")
    message = distribution.build_message(invitation)
    assert message.subject.endswith("Børn & Unge – \"Ledelse\" <2026>")
    assert "&amp;" not in message.subject and "&quot;" not in message.subject and "&lt;" not in message.subject
    # The HTML part is still escaped.
    html = message.alternatives[0][0]
    assert "Børn &amp; Unge" in html
