"""Technical admin (/gestion/) of the audit trail, and the read-only base the other apps'
security records use (accounts' devices, privacy's retention runs).

Imported by label/admin.py.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from label.enums import Role
from label.models import AuditEvent

STAFF_ROLE_NAMES = [Role.INSTRUCTION, Role.REVIEWER, Role.JURY]


class ReadOnlyAdmin(admin.ModelAdmin):
    # No bulk action either: not even "delete selected".
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StaffActorFilter(admin.SimpleListFilter):
    """The accounts of the team, reviewers and jury: the people whose accesses are audited."""

    title = _("auteur (équipe, évaluateurs, jury)")
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        users = (
            get_user_model()
            .objects.filter(Q(is_staff=True) | Q(groups__name__in=STAFF_ROLE_NAMES))
            .distinct()
            .order_by("full_name", "email")
        )
        return [(str(user.pk), f"{user.full_name} <{user.email}>") for user in users]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(actor_id=self.value())
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail, append-only: filters by author, action, date and file."""

    list_display = [
        "created_at",
        "actor_label",
        "action",
        "name",
        "object_type",
        "object_id",
        "application_link",
        "status_code",
        "ip_address",
    ]
    list_filter = [StaffActorFilter, "action", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["application_reference", "actor__email", "name", "object_id", "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    show_full_result_count = False

    @admin.display(description=_("dossier"), ordering="application_reference")
    def application_link(self, event):
        """The file's reference, as a link that filters the list on that file."""
        if not event.application_reference:
            return "—"
        query = urlencode({"application_reference": event.application_reference})
        return format_html('<a href="?{}">{}</a>', query, event.application_reference)

    @admin.display(description=_("auteur"), ordering="actor__email")
    def actor_label(self, event):
        if event.actor_id is None:
            return "—"
        if event.actor is None:
            return _("compte supprimé n° %(id)s") % {"id": event.actor_id}
        return event.actor.email
