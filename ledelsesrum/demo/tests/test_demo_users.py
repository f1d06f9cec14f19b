"""The demo's logins: roles, and a password that stays the same across runs."""

import json

import pytest
from django.contrib.auth import get_user_model

from ledelsesrum.accounts import roles
from ledelsesrum.demo import build
from ledelsesrum.studies.models import Study

pytestmark = pytest.mark.django_db


def test_the_demo_creates_an_analyst_a_board_reader_and_an_admin_with_one_password(settings):
    result = build.build_demo(seed=1, size=10, with_responses=False)

    stored = json.loads((settings.DATA_DIR / build.CREDENTIALS_FILE).read_text())
    assert stored["password"] == result.password and len(result.password) >= 12
    users = {u.username: u for u in get_user_model().objects.filter(username__in=build.DEMO_USERS)}
    assert roles.can_read_open_answers(users["analytiker"])
    assert roles.can_read_results(users["direktion"])
    assert not roles.can_manage_studies(users["direktion"])
    assert roles.is_administrator(users["admin"]) and users["admin"].is_staff
    assert all(u.check_password(result.password) for u in users.values())


def test_the_password_is_stable_across_runs_and_a_lost_file_gives_working_new_logins(settings):
    first = build.build_demo(seed=1, size=10, with_responses=False)
    again = build.build_demo(seed=1, size=10, with_responses=False)
    assert again.password == first.password

    (settings.DATA_DIR / build.CREDENTIALS_FILE).unlink()
    renewed = build.build_demo(seed=1, size=10, with_responses=False)

    assert renewed.password != first.password
    analyst = get_user_model().objects.get(username="analytiker")
    assert analyst.check_password(renewed.password)
    assert not analyst.check_password(first.password)


def test_the_demo_has_a_second_coder_so_agreement_can_be_tried(seed_7_demo):
    from ledelsesrum.coding import agreement_web

    result = seed_7_demo  # build.build_demo(seed=7, size=25), demo/tests/conftest.py
    study = Study.objects.get(pk=result.study_id)
    coder = get_user_model().objects.get(username="interviewer")
    assert agreement_web.eligible_coders(study).filter(pk=coder.pk).exists()
    assert len(agreement_web.draw_sample(study, coder)) > 0
