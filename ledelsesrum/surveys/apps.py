from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "ledelsesrum.surveys"
    label = "surveys"
    verbose_name = _("surveys")

    def ready(self) -> None:
        from . import signals  # noqa: F401
