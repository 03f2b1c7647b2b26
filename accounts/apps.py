from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        # Login and logout reactions: session flags of the second factor, audit trail.
        from accounts import checks, signals  # noqa: F401 -- connects the receivers, checks
