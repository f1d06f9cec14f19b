"""URLs of the response import (included by surveys/urls.py under app "surveys")."""

from django.urls import path

from . import views_import as views

_base = "undersoegelser/<int:study_id>/import-svar/"

urlpatterns = [
    path(_base, views.upload, name="import_responses"),
    path(_base + "<str:token>/", views.preview, name="import_responses_preview"),
    path(_base + "<str:token>/faerdig/", views.done, name="import_responses_done"),
]
