from django.urls import path

from . import views, views_dialogue

app_name = "reports"

urlpatterns = [
    path("<int:study_id>/rapport/", views.view, name="view"),
    path("<int:study_id>/rapport/hent.<str:fmt>", views.download, name="download"),
    path("<int:study_id>/rapport/fil/<str:token>.pdf", views.job_file, name="file"),
    path("<int:study_id>/rapport/dialog/", views_dialogue.dialogue, name="dialogue"),
    path("<int:study_id>/rapport/dialog/hent.<str:fmt>", views_dialogue.dialogue_download,
         name="dialogue_download"),
]
