"""URLs of the analyst's questionnaire builder (included by surveys/urls.py under app "surveys")."""

from django.urls import path

from . import views_builder as views

_base = "undersoegelser/<int:study_id>/spoergeskema/"

urlpatterns = [
    path(_base, views.builder_page, name="builder"),
    path(_base + "opret/", views.builder_create, name="builder_create"),
    path(_base + "importer/", views.builder_import, name="builder_import"),
    path(_base + "spoergebank/", views.builder_bank, name="builder_bank"),
    path(_base + "nyt-spoergsmaal/", views.builder_custom, name="builder_custom"),
    path(_base + "spoergsmaal/<int:question_id>/", views.builder_question_edit, name="builder_question_edit"),
    path(_base + "spoergsmaal/<int:question_id>/handling/", views.builder_question_action,
         name="builder_question_action"),
    path(_base + "sider/ny/", views.builder_section_add, name="builder_section_add"),
    path(_base + "sider/<int:section_id>/", views.builder_section_edit, name="builder_section_edit"),
    path(_base + "sider/<int:section_id>/handling/", views.builder_section_action, name="builder_section_action"),
    path(_base + "forhaandsvisning/", views.preview, name="preview"),
]
