from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.search, name="search"),
    path("<slug:entry_id>/", views.entry, name="entry"),
]

# Dialogue cards (views_cards). Two-segment paths so "<slug:entry_id>/" above does not catch them.
from . import views_cards  # noqa: E402

urlpatterns += [
    path("dialogkort/bunke/", views_cards.cards, name="cards"),
    path("dialogkort/tilfoej/", views_cards.cards_add, name="cards_add"),
    path("dialogkort/fjern/", views_cards.cards_remove, name="cards_remove"),
    path("dialogkort/pdf/", views_cards.cards_pdf, name="cards_pdf"),
]
