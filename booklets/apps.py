from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookletsConfig(AppConfig):
    """The « Cahier du label »: the yearly booklet of a wave's labelled projects, as a PDF."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "booklets"
    verbose_name = _("Cahiers du label")

    def ready(self):
        from booklets import tasks  # noqa: F401 -- registers the task its services queue by name
