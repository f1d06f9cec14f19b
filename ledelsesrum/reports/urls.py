from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<int:study_id>/rapport/", views.view, name="view"),
    path("<int:study_id>/rapport/hent.<str:fmt>", views.download, name="download"),
    path("<int:study_id>/rapport/fil/<str:token>.pdf", views.job_file, name="file"),
]
