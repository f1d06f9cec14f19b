from django.urls import path

from . import views

app_name = "organisation"

urlpatterns = [
    path("", views.unit_list, name="units"),
    path("enheder/ny/", views.unit_edit, name="unit_create"),
    path("enheder/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("ledere/", views.leader_list, name="leaders"),
    path("ledere/ny/", views.leader_edit, name="leader_create"),
    path("ledere/<int:pk>/", views.leader_edit, name="leader_edit"),
    path("import/", views.import_upload, name="import"),
    path("import/<str:token>/", views.import_preview, name="import_preview"),
    path("import/<str:token>/faerdig/", views.import_done, name="import_done"),
]
