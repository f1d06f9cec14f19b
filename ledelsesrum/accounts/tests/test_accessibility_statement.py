import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_the_accessibility_statement_is_public_and_linked_from_every_page(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "WCAG 2.1" in response.content.decode()
    login = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accessibility") in login
