import pytest

from .helpers import make_interview, make_leader, make_study


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def study(db):
    return make_study()


@pytest.fixture
def hanne(db):
    return make_leader("Hanne Bøgh Madsen", "hbm@kommune.dk")


@pytest.fixture
def jens(db):
    return make_leader("Jens Ørsted", "jo@kommune.dk")


@pytest.fixture
def interview(study, hanne, interviewer):
    """Hanne's interview, assigned to Ivan the interviewer."""
    return make_interview(study, hanne, interviewer)


@pytest.fixture
def interviewer_client(interviewer):
    """A client of its own, so a test can hold an analyst's and an interviewer's side by side."""
    from django.test import Client

    client = Client()
    client.force_login(interviewer)
    return client
