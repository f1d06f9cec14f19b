from django.urls import path

from . import views, views_agreement

app_name = "coding"

urlpatterns = [
    path("<int:study_id>/kodning/", views.units, name="units"),
    path("<int:study_id>/kodning/opdel/", views.build, name="build"),
    path("<int:study_id>/kodning/enhed/<int:pk>/bekraeft/", views.confirm, name="confirm"),
    path("<int:study_id>/kodning/enhed/<int:pk>/del/", views.split, name="split"),
    path("<int:study_id>/kodning/enhed/<int:pk>/saml/", views.merge, name="merge"),
    path("<int:study_id>/kodning/syntese/", views.synthesis, name="synthesis"),
    path("<int:study_id>/kodning/syntese/<str:code>/", views.synthesis_detail, name="synthesis_detail"),
    path("<int:study_id>/kodning/matrix/", views.matrix, name="matrix"),
    path("<int:study_id>/kodning/enighed/", views_agreement.agreement, name="agreement"),
    path("<int:study_id>/kodning/enighed/udtraek/", views_agreement.agreement_sample, name="agreement_sample"),
    path("<int:study_id>/kodning/enighed/kod/", views_agreement.agreement_code, name="agreement_code"),
    path("<int:study_id>/kodning/nye-temaer/", views_agreement.emerging, name="emerging"),
]
