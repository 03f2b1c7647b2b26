from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallformsConfig(AppConfig):
    name = "callforms"
    verbose_name = _("Formulaires des appels")

    def ready(self):
        from callforms import receivers  # noqa: F401 -- connects the wave_created receiver
