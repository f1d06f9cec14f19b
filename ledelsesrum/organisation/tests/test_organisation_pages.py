"""Unit tree, leader list with search/filter/pagination, and the leader and unit forms."""

import pytest
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.organisation.models import Leader, Unit
from ledelsesrum.organisation.tree import unit_paths, unit_tree


@pytest.fixture
def tree(db):
    root = Unit.objects.create(name="Børn og Unge", kind="forvaltning")
    north = Unit.objects.create(name="Dagtilbud Nord", kind="omraade", parent=root)
    sun = Unit.objects.create(name="Solsikken", parent=north)
    moon = Unit.objects.create(name="Månen", parent=north)
    Leader.objects.create(name="Områdeleder Ib", email="ib@k.dk", unit=north, level="Mellemleder")
    for i in range(3):
        Leader.objects.create(name=f"Solsikke {i}", email=f"sol{i}@k.dk", unit=sun, area="Dagtilbud",
                              level="Førstelinjeleder")
    Leader.objects.create(name="Måne", email="maane@k.dk", unit=moon, area="Dagtilbud")
    Leader.objects.create(name="Gammel", email="gammel@k.dk", unit=moon, active=False)
    return {"root": root, "north": north, "sun": sun, "moon": moon}


def test_the_tree_counts_active_leaders_per_unit_and_subtree(tree):
    [root] = unit_tree()
    [north] = root.children
    assert (root.total_leaders, north.own_leaders, north.total_leaders) == (5, 1, 5)
    assert [(c.name, c.total_leaders) for c in north.children] == [("Månen", 1), ("Solsikken", 3)]
    assert unit_paths()[tree["sun"].pk] == "Børn og Unge › Dagtilbud Nord › Solsikken"


@pytest.mark.django_db
def test_the_unit_page_shows_the_tree_with_counts(analyst_client, tree):
    html = analyst_client.get(reverse("organisation:units")).content.decode()
    assert "Børn og Unge" in html and "Solsikken" in html
    assert "5 ledere" in html and "3 ledere" in html and "1 leder" in html


@pytest.mark.django_db
def test_leader_list_searches_and_filters(analyst_client, tree):
    url = reverse("organisation:leaders")
    html = analyst_client.get(url, {"q": "solsikke 1"}).content.decode()
    assert "Solsikke 1" in html and "Solsikke 2" not in html
    html = analyst_client.get(url, {"unit": tree["north"].pk, "level": "Førstelinjeleder"}).content.decode()
    assert "3 ledere fundet" in html and "Områdeleder Ib" not in html
    html = analyst_client.get(url, {"active": "0"}).content.decode()
    assert "1 leder fundet" in html and "Gammel" in html
    assert AuditEvent.objects.filter(action="organisation.leaders.view").count() == 3


@pytest.mark.django_db
def test_leader_list_paginates(analyst_client):
    Leader.objects.bulk_create(Leader(name=f"Leder {i:03d}", email=f"l{i}@k.dk") for i in range(120))
    url = reverse("organisation:leaders")
    first = analyst_client.get(url).content.decode()
    assert "Leder 000" in first and "Leder 050" not in first and "Side 1 af 3" in first
    third = analyst_client.get(url, {"side": 3}).content.decode()
    assert "Leder 119" in third and "Leder 000" not in third


@pytest.mark.django_db
def test_a_leader_is_created_and_edited_through_the_form(analyst_client, tree):
    response = analyst_client.post(reverse("organisation:leader_create"), {
        "name": "Ny Leder", "email": "Ny@K.dk", "unit": tree["sun"].pk, "area": "Dagtilbud",
        "level": "Førstelinjeleder", "title": "Leder", "span_of_control": "12",
        "years_as_leader": "2", "leadership_education": "kurser", "active": "on",
    })
    assert response.status_code == 302
    leader = Leader.objects.get(email="ny@k.dk")
    assert (leader.unit, leader.span_of_control, leader.leadership_education) == (tree["sun"], 12, "kurser")
    response = analyst_client.post(reverse("organisation:leader_edit", args=[leader.pk]), {
        "name": "Ny Leder", "email": "ny@k.dk", "unit": tree["moon"].pk, "span_of_control": "13",
        "active": "on",
    })
    assert response.status_code == 302
    leader.refresh_from_db()
    assert (leader.unit, leader.span_of_control) == (tree["moon"], 13)


@pytest.mark.django_db
def test_a_duplicate_email_is_refused_case_insensitively(analyst_client, tree):
    response = analyst_client.post(reverse("organisation:leader_create"), {"name": "X", "email": "IB@k.dk"})
    assert response.status_code == 200
    assert "Der findes allerede en leder med denne e-mail." in response.content.decode()
    assert Leader.objects.filter(email__iexact="ib@k.dk").count() == 1


@pytest.mark.django_db
def test_a_unit_cannot_be_moved_below_itself(analyst_client, tree):
    response = analyst_client.post(reverse("organisation:unit_edit", args=[tree["root"].pk]), {
        "name": "Børn og Unge", "kind": "forvaltning", "parent": tree["sun"].pk,
    })
    assert response.status_code == 200
    assert "kan ikke ligge under sig selv" in response.content.decode()
    tree["root"].refresh_from_db()
    assert tree["root"].parent is None


@pytest.mark.django_db
def test_a_unit_is_created(analyst_client, tree):
    response = analyst_client.post(reverse("organisation:unit_create"), {
        "name": "Dagtilbud Syd", "kind": "omraade", "parent": tree["root"].pk,
    })
    assert response.status_code == 302
    assert Unit.objects.get(name="Dagtilbud Syd").parent == tree["root"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["units", "leaders", "leader_create", "import"])
def test_board_readers_do_not_see_the_organisation(board_client, name):
    assert board_client.get(reverse(f"organisation:{name}")).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("organisation:leaders"))
    assert response.status_code == 302 and "/konto/log-ind/" in response.url
