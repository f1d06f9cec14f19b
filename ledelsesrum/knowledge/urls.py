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
    path("dialogkort/fund/", views_cards.cards_add_finding, name="cards_add_finding"),
    path("dialogkort/fjern/", views_cards.cards_remove, name="cards_remove"),
    path("dialogkort/pdf/", views_cards.cards_pdf, name="cards_pdf"),
]

# The panel "Hvad ved vi — og hvad har andre gjort?" (views_panel); paths of two or more segments.
from . import views_panel  # noqa: E402

urlpatterns += [
    path("panel/<int:study_id>/<str:code>/", views_panel.panel_view, name="panel"),
    path("panel/<int:study_id>/<str:code>/vaelg/", views_panel.choose_view, name="panel_choose"),
    path("panel/<int:study_id>/<str:code>/fravaelg/", views_panel.unchoose_view, name="panel_unchoose"),
    path("syntese/<slug:entry_id>/", views_panel.add_to_synthesis, name="panel_add"),
]
