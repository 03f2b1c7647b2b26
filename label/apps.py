from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelConfig(AppConfig):
    name = "label"
    verbose_name = _("Label Euralens")

    def ready(self):
        from label import tasks  # noqa: F401 -- registers the tasks its services queue by name
