from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue des projets labellisés")

    def ready(self):
        from catalogue import receivers  # noqa: F401 -- connects the receivers of reviews' signals
        from catalogue.todo import register_todo_lines

        register_todo_lines()
