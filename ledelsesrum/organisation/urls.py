from django.urls import path

from . import views

app_name = "organisation"

urlpatterns = [
    path("ledere/", views.leader_list, name="leaders"),
]
