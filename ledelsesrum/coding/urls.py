from django.urls import path

from . import views, views_agreement, views_codebook, views_exchange

app_name = "coding"

urlpatterns = [
    path("<int:study_id>/kodning/", views.units, name="units"),
    path("<int:study_id>/kodning/opdel/", views.build, name="build"),
    path("<int:study_id>/kodning/enhed/<int:pk>/bekraeft/", views.confirm, name="confirm"),
    path("<int:study_id>/kodning/enhed/<int:pk>/del/", views.split, name="split"),
    path("<int:study_id>/kodning/enhed/<int:pk>/saml/", views.merge, name="merge"),
    path("<int:study_id>/kodning/enhed/<int:pk>/tekst/", views.edit_text, name="edit_text"),
    path("<int:study_id>/kodning/syntese/", views.synthesis, name="synthesis"),
    path("<int:study_id>/kodning/syntese/<str:code>/", views.synthesis_detail, name="synthesis_detail"),
    path("<int:study_id>/kodning/matrix/", views.matrix, name="matrix"),
    path("<int:study_id>/kodning/enighed/", views_agreement.agreement, name="agreement"),
    path("<int:study_id>/kodning/enighed/udtraek/", views_agreement.agreement_sample, name="agreement_sample"),
    path("<int:study_id>/kodning/enighed/kod/", views_agreement.agreement_code, name="agreement_code"),
    path("<int:study_id>/kodning/nye-temaer/", views_agreement.emerging, name="emerging"),
    path("<int:study_id>/kodning/kodebog/", views_codebook.codebook, name="codebook"),
    path("<int:study_id>/kodning/kodebog/kopi/", views_codebook.copy_default, name="codebook_copy"),
    path("<int:study_id>/kodning/kodebog/standard/", views_codebook.use_default, name="codebook_default"),
    path("<int:study_id>/kodning/kodebog/import/", views_codebook.import_codebook, name="codebook_import"),
    path("<int:study_id>/kodning/kodebog/kodebog.<str:fmt>", views_codebook.export_codebook, name="codebook_export"),
    path("<int:study_id>/kodning/kodebog/tema/", views_codebook.add_theme, name="codebook_theme_add"),
    path("<int:study_id>/kodning/kodebog/tema/<str:theme_id>/", views_codebook.edit_theme, name="codebook_theme"),
    path("<int:study_id>/kodning/kodebog/tema/<str:theme_id>/fjern/", views_codebook.remove_theme,
         name="codebook_theme_remove"),
    path("<int:study_id>/kodning/kodebog/tema/<str:theme_id>/undertema/", views_codebook.add_subtheme,
         name="codebook_subtheme_add"),
    path("<int:study_id>/kodning/kodebog/undertema/<str:code>/", views_codebook.edit_subtheme, name="codebook_subtheme"),
    path("<int:study_id>/kodning/kodebog/undertema/<str:code>/fjern/", views_codebook.remove_subtheme,
         name="codebook_subtheme_remove"),
    path("<int:study_id>/kodning/kvantorer/", views_codebook.thresholds, name="thresholds"),
    path("<int:study_id>/kodning/kvantorer/tjek/", views_codebook.thresholds_check, name="thresholds_check"),
    path("<int:study_id>/kodning/udveksling/", views_exchange.exchange, name="exchange"),
    path("<int:study_id>/kodning/udveksling/projekt.qdpx", views_exchange.export_qdpx, name="exchange_export"),
    path("<int:study_id>/kodning/udveksling/import/", views_exchange.import_qdpx, name="exchange_import"),
]
