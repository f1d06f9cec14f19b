from django.urls import path

from . import views, views_dialogue, views_edit

app_name = "reports"

urlpatterns = [
    path("<int:study_id>/rapport/", views.view, name="view"),
    path("<int:study_id>/rapport/hent.<str:fmt>", views.download, name="download"),
    path("<int:study_id>/rapport/fil/<str:token>.pdf", views.job_file, name="file"),
    path("<int:study_id>/rapport/dialog/", views_dialogue.dialogue, name="dialogue"),
    path("<int:study_id>/rapport/dialog/hent.<str:fmt>", views_dialogue.dialogue_download,
         name="dialogue_download"),
    path("<int:study_id>/rapport/afsnit/<str:key>/", views_edit.section_edit, name="section_edit"),
    path("<int:study_id>/rapport/undertema/<str:code>/anbefalinger/ny/", views_edit.recommendation_add,
         name="recommendation_add"),
    path("<int:study_id>/rapport/anbefalinger/<int:pk>/", views_edit.recommendation_edit,
         name="recommendation_edit"),
    path("<int:study_id>/rapport/anbefalinger/<int:pk>/slet/", views_edit.recommendation_delete,
         name="recommendation_delete"),
    path("<int:study_id>/rapport/anbefalinger/<int:pk>/flyt/", views_edit.recommendation_move,
         name="recommendation_move"),
]
