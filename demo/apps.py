from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data of `make run` (seed_demo): the top layer, it may use every app."""

    name = "demo"
    verbose_name = _("Données de démonstration")
