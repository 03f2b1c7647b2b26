from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Candidatures")

    def ready(self):
        from applications import (
            receivers,  # noqa: F401 -- callforms' answer counter and signal
            tasks,  # noqa: F401 -- registers the tasks its services queue by name (exports)
        )
