from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="studies:list", permanent=False)),
    path("konto/", include("ledelsesrum.accounts.urls")),
    path("organisation/", include("ledelsesrum.organisation.urls")),
    path("undersoegelser/", include("ledelsesrum.studies.urls")),
    path("undersoegelser/", include("ledelsesrum.analysis.urls")),
    path("", include("ledelsesrum.surveys.urls")),
    path("undersoegelser/", include("ledelsesrum.interviews.urls")),
    path("undersoegelser/", include("ledelsesrum.coding.urls")),
    path("undersoegelser/", include("ledelsesrum.reports.urls")),
    path("undersoegelser/", include("ledelsesrum.followup.urls")),
    path("viden/", include("ledelsesrum.knowledge.urls")),
    path("job/", include("ledelsesrum.jobs.urls")),
    path(
        "tilgaengelighed/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
