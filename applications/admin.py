"""Technical admin (/gestion/) of the applications app.

Applications are read-only here: every move goes through applications.workflow, from the
staff pages. Expressions of interest are listed for the team, who mark them handled.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from applications.models import Application, ApplicationEvent, ExpressionOfInterest


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "transition", "from_state", "to_state", "actor", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """A read-only view of the files: the history is the workflow's, never edited by hand."""

    list_display = ["reference", "title", "holder_name", "wave", "state", "owner", "submitted_at"]
    list_filter = ["wave", "state"]
    search_fields = ["reference", "title", "holder_name", "owner__email"]
    list_select_related = ["wave", "owner"]
    date_hierarchy = "created_at"
    inlines = [ApplicationEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Application._meta.fields] + ["communes"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(admin.ModelAdmin):
    """Addresses left on /candidater/ while no call was open, to write to at the next one."""

    list_display = ["email", "created_at", "handled", "message"]
    list_filter = ["handled"]
    search_fields = ["email", "message"]
    date_hierarchy = "created_at"
    readonly_fields = ["email", "message", "created_at"]
    actions = ["mark_handled"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Marquer comme traitées"))
    def mark_handled(self, request, queryset):
        count = queryset.update(handled=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d manifestation d'intérêt marquée comme traitée.",
                "%(count)d manifestations d'intérêt marquées comme traitées.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
