from django.urls import path

from . import views

app_name = "interviews"

urlpatterns = [
    path("<int:study_id>/interviews/", views.register, name="register"),
    path("<int:study_id>/interviews/ny/", views.interview_edit, name="create"),
    path("<int:study_id>/interviews/<int:pk>/", views.interview_detail, name="detail"),
    path("<int:study_id>/interviews/<int:pk>/rediger/", views.interview_edit, name="edit"),
    path("<int:study_id>/interviews/<int:pk>/status/", views.interview_status, name="status"),
    path("<int:study_id>/interviews/guide/", views.guide, name="guide"),
    path("<int:study_id>/interviews/guide/<int:qid>/", views.question_edit, name="question_edit"),
    path("<int:study_id>/interviews/guide/<int:qid>/handling/", views.question_action, name="question_action"),
    path("<int:study_id>/interviews/import/", views.import_upload, name="import"),
    path("<int:study_id>/interviews/import/<str:token>/", views.import_preview, name="import_preview"),
    path("<int:study_id>/interviews/noegle/", views.key, name="key"),
]
