import pytest


@pytest.fixture(autouse=True)
def _demo_data_dir(settings, tmp_path):
    """The demo stores its login in the data folder; keep each test's in its own folder."""
    settings.DATA_DIR = tmp_path
    # Real password hashing costs a second per build and is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _seed_7_demo(demo_snapshots):
    return demo_snapshots.take(seed=7, size=25)


@pytest.fixture
def seed_7_demo(_seed_7_demo, demo_snapshots, db, settings):
    """``build.build_demo(seed=7, size=25)`` on an empty database: what it returns, and the rows and
    data-folder files it leaves, in this test's transaction (built for real once per session)."""
    return demo_snapshots.restore(_seed_7_demo, settings.DATA_DIR)


@pytest.fixture(scope="session")
def _full_demo(demo_snapshots):
    return demo_snapshots.take()


@pytest.fixture
def full_demo(_full_demo, demo_snapshots, db, settings):
    """``build.build_demo(seed=2026)`` (every position, 120 leaders) on an empty database, likewise;
    reports/tests/test_demo_report.py renders the same build."""
    return demo_snapshots.restore(_full_demo, settings.DATA_DIR)
