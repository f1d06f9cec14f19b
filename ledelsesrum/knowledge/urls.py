from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.search, name="search"),
    path("<slug:entry_id>/", views.entry, name="entry"),
]
