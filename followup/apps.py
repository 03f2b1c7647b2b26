from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """The follow-up (accompagnement) of labelled projects: convention, support, reports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "followup"
    verbose_name = _("Suivi des projets labellisés")
