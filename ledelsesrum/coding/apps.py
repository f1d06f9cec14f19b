from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodingConfig(AppConfig):
    name = "ledelsesrum.coding"
    label = "coding"
    verbose_name = _("Meningskondensering")
