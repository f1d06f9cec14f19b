from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("<int:study_id>/resultater/", views.results, name="results"),
    path("<int:study_id>/resultater/aabne-svar/", views.open_answers_view, name="open_answers"),
    path("<int:study_id>/resultater/eksport.<str:format>", views.export, name="export"),
    path("<int:study_id>/resultater/udvikling/", views.change_view, name="change"),
    path("<int:study_id>/resultater/udvikling/eksport.<str:format>", views.change_export,
         name="change_export"),
]
