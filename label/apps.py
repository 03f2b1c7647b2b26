from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelConfig(AppConfig):
    name = "label"
    verbose_name = _("Label Euralens")

    def ready(self):
        # Login and logout reactions: session flags of the second factor, audit trail.
        from label import signals  # noqa: F401
