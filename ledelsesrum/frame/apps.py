from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameConfig(AppConfig):
    name = "ledelsesrum.frame"
    label = "frame"
    verbose_name = _("ramme")
