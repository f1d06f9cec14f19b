from django.urls import path

from . import views_distribution, views_respond

urlpatterns: list = [
    path("s/<str:token>/", views_respond.respond, name="respond"),
    path("s/<str:token>/gem/", views_respond.respond_save, name="respond_save"),
    path(
        "undersoegelser/<int:study_id>/distribution/",
        views_distribution.distribution_page, name="distribution",
    ),
    path(
        "undersoegelser/<int:study_id>/distribution/links.csv",
        views_distribution.distribution_links, name="distribution_links",
    ),
    path(
        "undersoegelser/<int:study_id>/distribution/send/",
        views_distribution.distribution_send, name="distribution_send",
    ),
]
