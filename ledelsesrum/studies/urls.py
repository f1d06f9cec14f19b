from django.urls import path

from . import views

app_name = "studies"

urlpatterns = [
    path("", views.study_list, name="list"),
    path("ny/", views.study_create, name="create"),
    path("population/", views.population_preview, name="population_preview"),
    path("<int:pk>/", views.study_detail, name="detail"),
    path("<int:pk>/rediger/", views.study_edit, name="edit"),
    path("<int:pk>/runder/ny/", views.round_create, name="round_create"),
    path("<int:pk>/pilot/", views.pilot_create, name="pilot_create"),
    path("<int:pk>/runder/<int:round_id>/start/", views.round_launch, name="round_launch"),
    path("<int:pk>/runder/<int:round_id>/afslut/", views.round_close, name="round_close"),
    path("<int:pk>/runder/<int:round_id>/svar/", views.round_overview, name="round_overview"),
]
