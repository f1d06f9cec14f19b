"""Shared test fixtures: named users per role, and a real headless Chromium.

Browser tests use Debian's /usr/bin/chromium through Playwright (never ``playwright install``).
Under CI=true a missing browser is an error, not a skip.
"""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LEDELSESRUM_CHROMIUM", "/usr/bin/chromium")
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(autouse=True)
def _jobs_run_immediately(settings):
    """Background jobs run synchronously in tests, in the same transaction-less way as the worker."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


def _make_user(django_user_model, username: str, *roles: str):
    from ledelsesrum.accounts.roles import grant

    user = django_user_model.objects.create_user(username=username, password="korrekt-hest-batteri-42")
    grant(user, *roles)
    return user


@pytest.fixture
def analyst(db, django_user_model):
    """Alice, HR consultant: sets up studies and reads everything aggregated and open answers."""
    return _make_user(django_user_model, "alice", "analyst")


@pytest.fixture
def admin_user(db, django_user_model):
    user = _make_user(django_user_model, "adam", "administrator")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def board_reader(db, django_user_model):
    """Bob, member of the executive board: reads aggregated results only."""
    return _make_user(django_user_model, "bob", "board_reader")


@pytest.fixture
def interviewer(db, django_user_model):
    return _make_user(django_user_model, "ivan", "interviewer")


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def board_client(client, board_reader):
    client.force_login(board_reader)
    return client


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if CI:
            pytest.fail("Chromium mangler under CI; dev.py test skulle have installeret det.")
        pytest.skip("Chromium er ikke installeret")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def libreoffice():
    """LibreOffice's command line, to open our files as a Danish user's office suite would."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if CI:
            pytest.fail("LibreOffice mangler under CI; dev.py test skulle have installeret det.")
        pytest.skip("LibreOffice er ikke installeret")
    return found


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="da-DK", viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def login_page(page, live_server):
    """Return a function that logs a user in through the real login form."""

    def login(username: str, password: str = "korrekt-hest-batteri-42"):
        page.goto(live_server.url + "/konto/log-ind/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        return page

    return login
