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


PASSWORD = "korrekt-hest-batteri-42"
_password_hashes: dict[tuple[str, ...], str] = {}


def _password_hash() -> str:
    """``make_password(PASSWORD)`` with the configured hashers, computed once per session.

    A real hash (600,000 PBKDF2 iterations, ~0.3 s of CPU) for each named user of each test added
    minutes to the suite; the users share one salt, which no test looks at, and logging in still
    verifies the password the full way.
    """
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    key = tuple(settings.PASSWORD_HASHERS)
    if key not in _password_hashes:
        _password_hashes[key] = make_password(PASSWORD)
    return _password_hashes[key]


def _make_user(django_user_model, username: str, *roles: str):
    from ledelsesrum.accounts.roles import grant

    # What create_user(username=username, password=PASSWORD) saves, without hashing again.
    user = django_user_model.objects.create(username=django_user_model.normalize_username(username),
                                            password=_password_hash())
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

    def login(username: str, password: str = PASSWORD):
        page.goto(live_server.url + "/konto/log-ind/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        return page

    return login



# --- a built demo, built once per session and restored for every test that asks for it ---------
#
# Building the demo (dozens of leaders, answers released through the disclosure checks, interviews,
# coded units) costs from seconds to a minute; tests that only need "a freshly built demo" used to
# build one each. The first build of a session with given options is real; then every model table
# is copied into a side table of the test database, and later tests empty the model tables and copy
# the rows back in one transaction: each starts from exactly the rows that build left (same primary
# keys) and may change them freely. Side tables are not model tables, so the flush after a
# transactional test and the rollback after any other leave them alone. Files the build writes to
# the data folder (the demo login) are copied along where a test has a folder of its own.

_snapshot_count = 0


class _TableSnapshot:
    """The rows of every model table, copied into side tables of the test database."""

    def __init__(self, connection):
        global _snapshot_count
        self.prefix = f"zz_test_snapshot_{_snapshot_count}_"
        _snapshot_count += 1
        self.tables = self.model_tables(connection)
        with connection.cursor() as cursor:
            for i, table in enumerate(self.tables):
                cursor.execute(f"CREATE TABLE {self.prefix}{i} AS SELECT * FROM {connection.ops.quote_name(table)}")

    @staticmethod
    def model_tables(connection) -> list[str]:
        return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))

    def restore(self, connection) -> None:
        from django.db import transaction

        assert self.model_tables(connection) == self.tables, "the schema changed since the snapshot"
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            for i, table in enumerate(self.tables):
                cursor.execute(f"INSERT INTO {connection.ops.quote_name(table)} SELECT * FROM {self.prefix}{i}")
        _forget_process_caches()

    def drop(self, connection) -> None:
        with connection.cursor() as cursor:
            for i in range(len(self.tables)):
                cursor.execute(f"DROP TABLE {self.prefix}{i}")


def _process_caches() -> list[dict]:
    """In-process caches keyed by primary key (each entry checked against the rows it was built
    from): a restored study reuses the keys of the built one."""
    from ledelsesrum.coding import study_codebook, workspace
    from ledelsesrum.surveys import answering

    return [workspace._suggesters, workspace._statement_spaces, study_codebook._custom, answering._PAGES_CACHE]


def _forget_process_caches() -> None:
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    for cache in _process_caches():
        cache.clear()


def _copy_process_caches() -> list[dict]:
    """A copy of what the caches hold, as a build leaves them (its suggester fitted, its pages
    read), so that a restored demo is as warm as a built one; entries that cannot be copied stay
    out (they are built again when asked for)."""
    import copy

    copies = []
    for cache in _process_caches():
        entries = {}
        for key, value in list(cache.items()):
            try:
                entries[key] = copy.deepcopy(value)
            except Exception:  # noqa: BLE001 - a lock or a model session: leave it out
                pass
        copies.append(entries)
    return copies


def _put_back_process_caches(copies: list[dict]) -> None:
    import copy

    _forget_process_caches()
    for cache, entries in zip(_process_caches(), copies, strict=True):
        cache.update(copy.deepcopy(entries))


# (options, settings that shape the build, today)
#   → (snapshot, DemoResult, data folder of the build, process caches after the build)
_demos: dict[tuple, tuple[_TableSnapshot, object, object, list[dict]]] = {}


def _demo_key(options: dict) -> tuple:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    # The demo's dates count from today: a run that passes midnight builds it again.
    return (connection.settings_dict["NAME"], str(settings.DATA_DIR), tuple(settings.PASSWORD_HASHERS),
            timezone.localdate(), tuple(sorted(options.items())))


def _restored_demo(key: tuple, data_dir=None):
    import copy
    import shutil

    from django.db import connection

    snapshot, result, built_in, caches = _demos[key]
    snapshot.restore(connection)
    _put_back_process_caches(caches)
    if data_dir is not None and str(data_dir) != str(built_in):
        shutil.copytree(built_in, data_dir, dirs_exist_ok=True)
    return copy.deepcopy(result)


@pytest.fixture
def demo_build(transactional_db, settings):
    """For transactional tests: ``build(**options)`` gives what ``build_demo(seed=2026, **options)``
    gives on an empty database and leaves the same rows behind.

    Request it before any fixture that creates rows (``analyst`` …): restoring replaces every row.
    """
    import copy

    from django.contrib.auth import get_user_model
    from django.db import connection

    def build(**options):
        from ledelsesrum.demo.build import build_demo

        options.setdefault("seed", 2026)
        assert not get_user_model().objects.exists(), (
            "demo_build restores whole tables: request it before fixtures that create rows")
        key = _demo_key(options)
        if key in _demos:
            return _restored_demo(key)
        result = build_demo(**options)
        _demos[key] = (_TableSnapshot(connection), copy.deepcopy(result), settings.DATA_DIR,
                       _copy_process_caches())
        return result

    return build


@pytest.fixture(scope="session")
def demo_snapshots(django_db_setup, django_db_blocker, tmp_path_factory):
    """For tests inside a transaction (``django_db``) and module fixtures: ``take(**options)``
    builds the demo for real once per session (MD5 hashing, a data folder of its own) and
    commits nothing: the database is put back as it was. ``restore(options, data_dir)`` then
    fills the current transaction with the built rows and returns the build's ``DemoResult``;
    ``take`` must run outside any transaction (a module- or session-scoped fixture)."""
    from django.db import connection
    from django.test import override_settings

    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    class Snapshots:
        def take(self, **options):
            import copy

            from ledelsesrum.demo.build import build_demo

            options.setdefault("seed", 2026)
            folder = tmp_path_factory.mktemp("demo-snapshot")
            with django_db_blocker.unblock(), override_settings(DATA_DIR=folder, PASSWORD_HASHERS=hashers):
                key = ("transaction-free", *_demo_key(options))
                key = key[:2] + key[3:]  # not the folder: its files are copied to the test's own
                if key in _demos:
                    return key
                assert not connection.in_atomic_block, "take() runs outside the test's transaction"
                from huey.contrib.djhuey import HUEY

                before = _TableSnapshot(connection)
                immediate, HUEY.immediate = HUEY.immediate, True  # as in every test (above)
                try:
                    result = build_demo(**options)
                    _demos[key] = (_TableSnapshot(connection), copy.deepcopy(result), folder,
                                   _copy_process_caches())
                finally:
                    HUEY.immediate = immediate
                    before.restore(connection)
                    before.drop(connection)
            return key

        def restore(self, key, data_dir):
            with django_db_blocker.unblock():
                return _restored_demo(key, data_dir)

    return Snapshots()
