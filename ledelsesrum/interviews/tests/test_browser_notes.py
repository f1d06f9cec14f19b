"""In headless Chromium: plan an interview, type a summary naming a leader, save, see it pseudonymised."""

import pytest

from ledelsesrum.interviews.models import Interview, InterviewNote, PseudonymKey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_typed_summary_is_saved_pseudonymised(live_server, login_page, analyst, study, hanne):
    page = login_page("alice")
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/interviews/")
    page.click("text=Nyt interview")
    page.select_option("#id_leader", label="Hanne Bøgh Madsen (Skoleleder)")
    page.fill("#id_planned_at", "2025-03-04")
    page.click("button[type=submit]:has-text('Gem')")
    page.wait_for_selector("#notes-form")
    interview = Interview.objects.get()
    assert interview.leader == hanne and interview.interviewer is None

    page.fill("#id_summary_3", "Hanne Bøgh Madsen har 40 medarbejdere og savner sparring med Kirsten Holm.")
    page.click("#notes-form button[type=submit]")
    page.wait_for_selector(".message.success")
    assert "2 navne og personoplysninger er erstattet med pseudonymer" in page.inner_text(".messages")
    assert page.input_value("#id_summary_3") == "[Leder A] har 40 medarbejdere og savner sparring med [Person 1]."
    assert "Hanne" not in page.inner_text("#notes-form")
    note = InterviewNote.objects.get(interview=interview, theme_id="3")
    assert note.text == "[Leder A] har 40 medarbejdere og savner sparring med [Person 1]."
    assert PseudonymKey.objects.filter(study=study, pseudonym="[Leder A]", real_value="Hanne Bøgh Madsen").exists()

    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/interviews/noegle/")
    assert "Hanne Bøgh Madsen" in page.inner_text("main") and "[Person 1]" in page.inner_text("main")
