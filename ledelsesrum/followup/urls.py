from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("<int:study_id>/opfoelgning/", views.overview, name="overview"),
    path("<int:study_id>/opfoelgning/anbefalinger/ny/", views.recommendation_create, name="recommendation_create"),
    path("<int:study_id>/opfoelgning/anbefalinger/<int:pk>/beslutning/", views.decide, name="decide"),
    path("<int:study_id>/opfoelgning/anbefalinger/<int:pk>/handlinger/ny/", views.action_create,
         name="action_create"),
    path("<int:study_id>/opfoelgning/handlinger/<int:pk>/", views.action_edit, name="action_edit"),
    path("<int:study_id>/opfoelgning/eksport.xlsx", views.export_xlsx, name="export"),
]
