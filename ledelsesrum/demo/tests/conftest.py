import pytest


@pytest.fixture(autouse=True)
def _demo_data_dir(settings, tmp_path):
    """The demo stores its login in the data folder; keep each test's in its own folder."""
    settings.DATA_DIR = tmp_path
    # Real password hashing costs a second per build and is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
