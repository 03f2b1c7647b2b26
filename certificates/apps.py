from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificats")

    def ready(self):
        from certificates import (
            receivers,  # noqa: F401 -- connects the receivers of reviews' signals
            tasks,  # noqa: F401 -- registers the tasks its services queue by name
        )
