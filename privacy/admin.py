"""Technical admin (/gestion/) of the retention of personal data: its runs, read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from label.admin_security import ReadOnlyAdmin
from privacy.models import RetentionRun


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    """The runs of the retention task and what each did."""

    list_display = [
        "started_at",
        "trigger",
        "drafts_warned",
        "drafts_deleted",
        "files_anonymised",
        "accounts_warned",
        "accounts_deleted",
        "accounts_anonymised",
        "has_error",
    ]
    readonly_fields = [field.name for field in RetentionRun._meta.fields]
    date_hierarchy = "started_at"

    @admin.display(description=_("erreurs"), boolean=True)
    def has_error(self, run):
        return bool(run.error)
