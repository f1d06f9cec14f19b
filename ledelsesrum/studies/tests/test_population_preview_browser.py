import pytest
from playwright.sync_api import expect

from ledelsesrum.studies.models import Study

from .factories import make_leader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_population_count_follows_the_rule_live_and_the_study_is_saved(login_page, analyst, live_server):
    make_leader(level="Institutionsleder", area="Skole")
    make_leader(level="Institutionsleder", area="Ældre")
    make_leader(level="Afdelingsleder", area="Skole")
    page = login_page("alice")

    page.goto(live_server.url + "/undersoegelser/ny/")
    count = page.locator("#population-count")
    assert count.inner_text() == "3 ledere er med"
    page.get_by_label("Institutionsleder").check()
    expect(count).to_contain_text("2 ledere")  # polls without eval (the CSP forbids it)
    page.get_by_label("Ældre").check()
    expect(count).to_contain_text("1 leder er med")

    page.fill("#id_name", "Vilkår for ledelse")
    page.click("main button[type=submit]")
    page.wait_for_url("**/undersoegelser/*/")
    study = Study.objects.get()
    assert (study.population_levels, study.population_areas) == (["Institutionsleder"], ["Ældre"])
    assert page.locator("h1").inner_text() == "Vilkår for ledelse"
